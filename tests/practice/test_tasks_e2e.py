"""Issue 19 end to end on a real MediaWiki 1.39 in Chromium: a newcomer finishes the citation
tour, is offered real articles that need citations (one cached list the bot published, chosen
by topic), fixes one guided in the source editor and one in the visual editor; each fix is
recorded in their progress page, checked by the app (template gone or <ref> added, by them, kept)
and counts toward their citation skill; their mentor sees it on the dashboard.
Screenshots go to docs/screenshots with WIKITOURS_SCREENSHOTS=1."""

from __future__ import annotations

import json
import os

import pytest

from wikiapi.client import Wiki
from publish.tasklists import run as publish_tasks
from tests.e2e import (click, deploy_tours, do_citation, do_first_edit, publish_in_visual_editor,
                       serve_app)
from tests.gadget.test_gadget_support import POPOVER, ROOT, close_ve_welcome, wait_title
from playground.practiceseed import seed_task_articles

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
TMP_SHOTS = ROOT / "screenshots" / "tmp"
USER = "Newcomer Tam"


def shot(page, name: str) -> None:
    folder = SCREENSHOTS if os.environ.get("WIKITOURS_SCREENSHOTS") else TMP_SHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


@pytest.fixture(scope="module")
def world(wiki, tmp_path_factory):
    seed_task_articles(wiki)
    deploy_tours(wiki, tmp_path_factory)
    report = publish_tasks(Wiki(wiki.site()), log=lambda line: None)
    assert report.saved, report
    wiki.create_user(USER)
    return wiki


def progress_json(wiki) -> dict:
    return json.loads(wiki.wikitext(f"User:{USER}/wikitours.json") or "{}")


def finish_citation_tour(page, wiki) -> None:
    """The tours that teach the skill, in the source editor, up to the citation tour's
    "Tour completed" popover, which offers the tasks."""
    do_first_edit(page, wiki, USER)
    do_citation(page, wiki, USER, finish=False)


def offered(page) -> list[str]:
    links = page.locator(f"{POPOVER} .wikitours-tasks__offer a[data-wikitours-task]")
    links.first.wait_for(state="visible")
    return [links.nth(i).inner_text() for i in range(links.count())]


def test_newcomer_is_offered_real_articles_and_fixes_them_in_both_editors(world, page):
    wiki = world
    wiki.login(page, USER)
    finish_citation_tour(page, wiki)
    # the offer: up to three of the unprotected articles needing a citation
    titles = offered(page)
    assert len(titles) == 3 and set(titles) <= {"Rhine", "Danube", "Elbe", "Blues"}
    assert "⧼" not in page.inner_text(POPOVER)
    shot(page, "tasks-offer")
    page.select_option(f"{POPOVER} .wikitours-tasks__topic", label="Music")
    page.wait_for_function("document.querySelectorAll('.wikitours-tasks__offer a').length === 1")
    assert offered(page) == ["Blues"]
    link = page.locator(f"{POPOVER} .wikitours-tasks__offer a").first
    assert "wikitour=citation-task" in link.get_attribute("href")

    # --- source editor, guided on the article -----------------------------------------------
    with page.expect_navigation():
        link.click()
    wait_title(page, "This sentence needs a source")
    assert page.locator(".wikitours-highlight").count() == 1
    shot(page, "tasks-article")
    click(page, "next")
    wait_title(page, "Open the editor")
    with page.expect_navigation():
        page.click("#ca-edit a")
    close_ve_welcome(page)
    wait_title(page, "Add the source, remove the mark")
    text = page.input_value("#wpTextbox1")
    assert "{{Citation needed}}" in text
    page.fill("#wpTextbox1", text.replace(
        "{{Citation needed}}", "<ref>Oliver, ''Blues Fell This Morning'', 1960</ref>")
        + "\n== References ==\n<references />")
    click(page, "next")
    wait_title(page, "Publish your fix")
    page.fill("#wpSummary", "source for the definition")
    page.click("#wpSave")
    wait_title(page, "Thank you!")
    click(page, "done")
    wait_title(page, "Tour completed")
    assert "Your fix is recorded" in page.inner_text(POPOVER)
    more = offered(page)
    assert "Blues" not in more and more
    shot(page, "tasks-recorded")
    page.wait_for_timeout(500)
    record = progress_json(wiki)
    blues = wiki.page_info("Blues")
    assert record["tasks"] == [{"type": "citation", "title": "Blues", "revid": blues["revid"],
                                "done": record["tasks"][0]["done"]}]
    assert blues["user"] == USER
    assert "{{Citation needed}}" not in blues["content"]
    assert record["tours"]["citation-task"]["status"] == "completed"

    # --- visual editor ------------------------------------------------------------------------
    page.goto(f"{wiki.index}?title=Rhine&wikitour=citation-task&wikitask=citation")
    wait_title(page, "This sentence needs a source")
    click(page, "next")
    wait_title(page, "Open the editor")
    page.click("#ca-ve-edit a")
    close_ve_welcome(page)
    wait_title(page, "Add the source, remove the mark")
    shot(page, "tasks-visual-editor")
    # as a person does it with the keyboard: to the end of the sentence, where the mark is;
    # the first Backspace selects the mark, the second deletes it
    page.click(".ve-ce-surface .ve-ce-branchNode p >> nth=0", position={"x": 5, "y": 5})
    page.wait_for_selector(".ve-ce-surface.ve-ce-surface-focused")  # VE focuses a task later
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    try:
        page.wait_for_function(
            "!document.querySelector('.ve-ce-surface .ve-ce-mwTransclusionNode')", timeout=10000)
    except Exception:
        shot(page, "tasks-visual-editor-failed")
        raise
    publish_in_visual_editor(page, "Publish your fix", "removed the mark; source to follow")
    page.wait_for_timeout(800)
    record = progress_json(wiki)
    rhine = wiki.page_info("Rhine")
    assert [t["title"] for t in record["tasks"]] == ["Blues", "Rhine"]
    assert record["tasks"][1]["revid"] == rhine["revid"] and rhine["user"] == USER
    assert "Citation needed" not in rhine["content"]


def test_the_mentor_sees_the_checked_task_edits_on_the_dashboard(world, page, tmp_path):
    """After the test above: the app checks both task edits on the wiki and the mentor's
    dashboard shows them as kept, with the skill's level; looked at in the browser."""
    from tests.oauth_standin import signed_in_session

    wiki = world
    wiki.create_user("Mentor Mo")
    wiki.edit("Project:Wikitours/Mentors/Settings.json",
              json.dumps({"min-edits": 1, "min-age-days": 0}), contentmodel="json")
    wiki.edit("User:Mentor Mo/notes", "note", user="Mentor Mo")
    wiki.edit("Project:Wikitours/Mentors.json",
              json.dumps({"mentors": [{"username": "Mentor Mo"}]}), contentmodel="json")
    wiki.edit("Project:Wikitours/Mentees/Mentor Mo.json", json.dumps({"mentees": [
        {"username": USER, "assigned": "2026-12-01T00:00:00Z", "reason": "new-account"}]}),
        contentmodel="json")
    with serve_app(wiki, tmp_path / "a.db", PROGRESS_CACHE_SECONDS=0) as (app, url):
        client = app.test_client()
        signed_in_session(app, client, "Mentor Mo")
        page.context.add_cookies([{"name": c.key, "value": c.value, "url": url}
                                  for c in [client.get_cookie("session")] if c])
        page.goto(f"{url}/mentor")
        practice = page.locator("ul.practice-edits").first
        practice.wait_for(state="visible")
        text = page.inner_text("table.mentees")
        assert "2 edits kept, 0 waiting to be checked" in text
        assert "Citation: level 1" in text
        assert page.locator("ul.practice-edits .practice-ok").count() == 2
        page.locator("ul.practice-edits").first.scroll_into_view_if_needed()
        shot(page, "tasks-mentor-dashboard")
        signed_in_session(app, client, USER)
        page.context.clear_cookies()
        page.context.add_cookies([{"name": c.key, "value": c.value, "url": url}
                                  for c in [client.get_cookie("session")] if c])
        page.goto(f"{url}/learners/local/{USER.replace(' ', '_')}")
        page.locator("#practice").wait_for()
        assert "Only you and your mentor see this part" in page.inner_text("main")
        shot(page, "tasks-learner-page")


def test_on_a_phone_the_task_tour_points_at_the_mark(world, browser):
    """Minerva on a phone-sized screen: the task tour starts on the article and its first step
    points at the "citation needed" mark in a bottom sheet."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    try:
        wiki = world
        wiki.login(phone, USER)
        phone.goto(f"{wiki.index}?title=Elbe&useskin=minerva&wikitour=citation-task"
                   "&wikitask=citation")
        wait_title(phone, "This sentence needs a source")
        assert phone.evaluate("mw.config.get('skin')") == "minerva"
        assert phone.locator(".wikitours-highlight").count() == 1
        shot(phone, "tasks-minerva-phone")
    finally:
        context.close()
