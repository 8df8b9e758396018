"""Issue 19 end to end for the "links" task type (dead ends), on a real MediaWiki (1.39 and 1.43)
in Chromium: a newcomer finishes the first-edit tour, which teaches the skill; its completion
offers real articles that link to no other article (from the list the bot published); the
newcomer links words in one, guided by the links-task tour in the source editor, and in another
in the visual editor; each edit is recorded in their progress page, checked by the app (links
to articles added, by them, on that article, kept), counts toward the first-edit skill, and
their mentor sees both on the dashboard. On a phone (Minerva) the task tour points at the mark.
Screenshots go to docs/screenshots with WIKITOURS_SCREENSHOTS=1.

The setup is the one of tests/practice/test_tasks_e2e.py, kept minimal here."""

from __future__ import annotations

import json
import os

import pytest

from playground.practiceseed import EXPECTED, seed_task_articles
from publish.tasklists import run as publish_tasks
from tests.e2e import click, do_first_edit, publish_in_visual_editor
from tests.gadget.test_gadget_support import (POPOVER, ROOT, build_and_deploy, close_ve_welcome,
                                              wait_title)
from wikiapi.client import Wiki

pytestmark = pytest.mark.browser

USER = "Newcomer Lia"
MENTOR = "Mentor Ole"


def shot(page, name: str) -> None:
    folder = ROOT / ("docs/screenshots" if os.environ.get("WIKITOURS_SCREENSHOTS")
                     else "screenshots/tmp")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


@pytest.fixture(scope="module")
def world(wiki, tmp_path_factory):
    seed_task_articles(wiki)
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en",))
    report = publish_tasks(Wiki(wiki.site()), log=lambda line: None)
    assert report.saved, report
    wiki.create_user(USER)
    return wiki


def progress_json(wiki) -> dict:
    return json.loads(wiki.wikitext(f"User:{USER}/wikitours.json") or "{}")


def points_at(page, selector: str) -> bool:
    """Whether the tour's highlight box covers the middle of the element *selector*."""
    return page.evaluate("""(function (sel) {
        var h = document.querySelector('.wikitours-highlight'), a = document.querySelector(sel),
            r, b, x, y;
        if (!h || !a) { return false; }
        r = h.getBoundingClientRect(); b = a.getBoundingClientRect();
        x = b.left + b.width / 2; y = b.top + b.height / 2;
        return b.width > 0 && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
    })""", selector)


def offered(page, type_id: str) -> list[str]:
    links = page.locator(f'{POPOVER} .wikitours-tasks__offer a[data-wikitours-task="{type_id}"]')
    links.first.wait_for(state="visible")
    return [links.nth(i).inner_text() for i in range(links.count())]


def test_a_dead_end_is_offered_and_linked_in_both_editors(world, page):
    wiki = world
    wiki.login(page, USER)
    do_first_edit(page, wiki, USER, finish=False)  # its completion popover shows the offers
    # the first-edit tour teaches the skill: both dead ends are offered, as links tasks
    titles = offered(page, "links")
    assert set(titles) == EXPECTED["links"]
    assert "⧼" not in page.inner_text(POPOVER)
    link = page.locator(f'{POPOVER} .wikitours-tasks__offer a[data-wikitours-task="links"]',
                        has_text="Weser")
    assert "wikitour=links-task" in link.get_attribute("href")

    # --- source editor ------------------------------------------------------------------------
    with page.expect_navigation():
        link.click()
    wait_title(page, "This article has no links")
    assert page.locator(".wikitours-highlight").count() == 1
    assert points_at(page, ".ambox-dead_end")
    shot(page, "tasks-links-article")
    click(page, "next")
    wait_title(page, "Open the editor")
    with page.expect_navigation():
        page.click("#ca-edit a")
    close_ve_welcome(page)
    wait_title(page, "Link a word")
    text = page.input_value("#wpTextbox1")
    assert "{{Dead end" in text and "[[" not in text.replace("[[Category:", "")
    page.fill("#wpTextbox1", text.replace("through Bremen", "through [[Bremen]]")
              .replace("the North Sea", "the [[North Sea]]"))
    click(page, "next")
    wait_title(page, "Publish your links")
    page.fill("#wpSummary", "links to Bremen and the North Sea")
    page.click("#wpSave")
    wait_title(page, "Thank you!")
    click(page, "done")
    wait_title(page, "Tour completed")
    assert "Your fix is recorded" in page.inner_text(POPOVER)
    page.wait_for_timeout(500)
    record = progress_json(wiki)
    weser = wiki.page_info("Weser")
    assert record["tasks"] == [{"type": "links", "title": "Weser", "revid": weser["revid"],
                                "done": record["tasks"][0]["done"]}]
    assert weser["user"] == USER and "[[Bremen]]" in weser["content"]
    assert record["tours"]["links-task"]["status"] == "completed"

    # --- visual editor: a link added with the toolbar's link tool ------------------------------
    page.goto(f"{wiki.index}?title=Oder&wikitour=links-task&wikitask=links")
    wait_title(page, "This article has no links")
    click(page, "next")
    wait_title(page, "Open the editor")
    page.click("#ca-ve-edit a")
    close_ve_welcome(page)
    wait_title(page, "Link a word")
    # as a person does it with the keyboard: to the end of the paragraph, a few words, then
    # Ctrl+K opens the link tool; the article chosen there is inserted as a link
    page.click(".ve-ce-surface .ve-ce-branchNode p >> nth=0", position={"x": 5, "y": 5})
    page.wait_for_selector(".ve-ce-surface.ve-ce-surface-focused")  # VE focuses a task later
    page.keyboard.press("End")
    page.keyboard.type(" It flows through ")
    page.keyboard.press("Control+k")
    field = page.locator(".ve-ui-mwLinkAnnotationInspector input:visible").first
    field.wait_for(state="visible")
    field.fill("Germany")
    page.locator(".ve-ui-mwLinkAnnotationInspector .oo-ui-menuOptionWidget",
                 has_text="Germany").first.wait_for(state="visible")
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(
            "!!document.querySelector('.ve-ce-surface a.ve-ce-linkAnnotation[href*=\"Germany\"]')",
            timeout=10000)
    except Exception:
        shot(page, "tasks-links-visual-editor-failed")
        raise
    shot(page, "tasks-links-visual-editor-linked")
    publish_in_visual_editor(page, "Publish your links", "a link to Germany")
    page.wait_for_timeout(800)
    record = progress_json(wiki)
    oder = wiki.page_info("Oder")
    assert [t["title"] for t in record["tasks"]] == ["Weser", "Oder"]
    assert record["tasks"][1]["revid"] == oder["revid"] and oder["user"] == USER
    assert "[[Germany]]" in oder["content"]


def test_the_app_verifies_them_and_the_mentor_sees_them(world, page, tmp_path):
    """After the test above: the app checks both task edits on the wiki (links added, theirs,
    kept) and the mentor's dashboard shows them as kept, counted toward the first-edit skill."""
    import threading

    from werkzeug.serving import make_server

    from tests.oauth_standin import signed_in_session
    from toolforge import create_app, db, learning

    wiki = world
    wiki.create_user(MENTOR)
    wiki.edit("Project:Wikitours/Mentors/Settings.json",
              json.dumps({"min-edits": 1, "min-age-days": 0}), contentmodel="json")
    wiki.edit(f"User:{MENTOR}/notes", "note", user=MENTOR)
    wiki.edit("Project:Wikitours/Mentors.json",
              json.dumps({"mentors": [{"username": MENTOR}]}), contentmodel="json")
    wiki.edit(f"Project:Wikitours/Mentees/{MENTOR}.json", json.dumps({"mentees": [
        {"username": USER, "assigned": "2026-12-01T00:00:00Z", "reason": "new-account"}]}),
        contentmodel="json")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
        "TOURS": {}, "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index,
                                "language": "en"}],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"), "PROGRESS_CACHE_SECONDS": 0})
    db.upgrade(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        client = app.test_client()
        signed_in_session(app, client, MENTOR)
        page.context.add_cookies([{"name": c.key, "value": c.value, "url": url}
                                  for c in [client.get_cookie("session")] if c])
        page.goto(f"{url}/mentor")
        page.locator("ul.practice-edits").first.wait_for(state="visible")
        text = page.inner_text("table.mentees")
        assert "2 edits kept, 0 waiting to be checked" in text
        assert "First edit: level 1" in text
        assert page.locator("ul.practice-edits .practice-ok").count() == 2
        edits = page.inner_text("ul.practice-edits")
        assert "Weser" in edits and "Oder" in edits
        page.locator("ul.practice-edits").first.scroll_into_view_if_needed()
        shot(page, "tasks-links-mentor-dashboard")
    finally:
        server.shutdown()


def test_on_a_phone_the_links_task_points_at_the_mark(world, browser):
    """Minerva on a phone-sized screen: the links task tour starts on a dead end and its first
    step, in a bottom sheet, points at the "dead end" banner where Minerva shows it."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    try:
        wiki = world
        wiki.login(phone, USER)
        phone.goto(f"{wiki.index}?title=Oder&useskin=minerva&wikitour=links-task&wikitask=links")
        wait_title(phone, "This article has no links")
        assert phone.evaluate("mw.config.get('skin')") == "minerva"
        assert phone.locator(".wikitours-highlight").count() == 1
        # Minerva shows the banner on 1.43; on 1.39 without MobileFrontend it hides every
        # .ambox, and the step points at the article's text, where the links go
        banner = phone.evaluate("getComputedStyle(document.querySelector('.ambox-dead_end'))"
                                ".display !== 'none'")
        assert points_at(phone, ".ambox-dead_end" if banner else ".mw-parser-output > p")
        shot(phone, "tasks-links-minerva-phone")
    finally:
        context.close()
