"""Issue 19: the copyedit and stub task tours on a real MediaWiki (1.39 and 1.43) in Chromium, in
the source editor: each points at its maintenance box, guides the edit to the save, records the
task in the learner's progress page, and the saved revision passes the type's check (prose
changed; prose grew by ``grow-by`` characters) while a mere removal of the mark would not.
The stub type runs in the visual editor too; the links type in both editors in
test_links_task_e2e.py."""

from __future__ import annotations

import json

import pytest

from playground.practiceseed import TASK_TYPES, seed_task_articles
from practice.tasktypes import parse_config
from practice.verify import what_it_did
from tests.e2e import click, publish_in_visual_editor
from tests.gadget.test_gadget_support import POPOVER, build_and_deploy, close_ve_welcome, wait_title

pytestmark = pytest.mark.browser

USER = "Newcomer Ada"
TYPES = {t.id: t for t in parse_config(json.dumps(TASK_TYPES)).types}


@pytest.fixture(scope="module")
def world(wiki, tmp_path_factory):
    seed_task_articles(wiki)
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en",))
    wiki.create_user(USER)
    return wiki


def copyedit(text: str) -> str:
    return (text.replace("are a river wich flows trough", "is a river which flows through")
            .replace("It join", "It joins"))


def expand(text: str) -> str:
    return text.replace("north-western Germany.", "north-western Germany. It rises in the Senne "
                        "hills and flows north for 371 km through Rheine, Lingen and Papenburg "
                        "to the Dollart bay on the North Sea coast, where it meets the tide "
                        "near Emden.<ref>Atlas of Germany, 2021, "
                        "p. 88</ref>") + "\n== References ==\n<references />"


CASES = {
    "copyedit": ("Moselle", "copyedit-task", "This article needs a copyedit", ".ambox-Copy_edit",
                 "Improve the wording", "Publish your copyedit", copyedit),
    "stub": ("Ems", "stub-task", "This article is a stub", ".asbox",
             "Add a few sentences", "Publish your addition", expand),
}


@pytest.mark.parametrize("type_id", sorted(CASES))
def test_the_task_tour_guides_an_edit_that_passes_its_check(world, page, type_id):
    wiki = world
    title, tour, first, mark, fix, publish, change = CASES[type_id]
    wiki.login(page, USER)
    page.goto(f"{wiki.index}?title={title}&wikitour={tour}&wikitask={type_id}")
    wait_title(page, first)
    assert page.locator(".wikitours-highlight").count() == 1
    assert page.evaluate("""(function (sel) {
        var h = document.querySelector('.wikitours-highlight').getBoundingClientRect(),
            b = document.querySelector(sel).getBoundingClientRect(),
            x = b.left + b.width / 2, y = b.top + b.height / 2;
        return b.width > 0 && x >= h.left && x <= h.right && y >= h.top && y <= h.bottom;
    })""", mark)
    assert "⧼" not in page.inner_text(POPOVER)
    click(page, "next")
    wait_title(page, "Open the editor")
    with page.expect_navigation():
        page.click("#ca-edit a")
    close_ve_welcome(page)
    wait_title(page, fix)
    before = page.input_value("#wpTextbox1")
    # removing the mark alone does not do the task
    assert what_it_did(TYPES[type_id], before,
                       before.replace("{{Copy edit|date=December 2026}}", "")
                       .replace("{{Stub}}", ""), title) == ()
    page.fill("#wpTextbox1", change(before))
    click(page, "next")
    wait_title(page, publish)
    page.fill("#wpSummary", f"{type_id} practice")
    page.click("#wpSave")
    wait_title(page, "Thank you!")
    click(page, "done")
    wait_title(page, "Tour completed")
    assert "Your fix is recorded" in page.inner_text(POPOVER)
    page.wait_for_timeout(500)
    record = json.loads(wiki.wikitext(f"User:{USER}/wikitours.json") or "{}")
    saved = wiki.page_info(title)
    entry = [t for t in record["tasks"] if t["title"] == title]
    assert entry and entry[0]["type"] == type_id and entry[0]["revid"] == saved["revid"]
    assert saved["user"] == USER
    assert what_it_did(TYPES[type_id], before, saved["content"], title) == TYPES[type_id].check


def test_the_stub_task_in_the_visual_editor(world, page):
    """A stub expanded in the visual editor: the tour points at the editing surface, the saved
    sentences pass the "grew" check."""
    wiki = world
    wiki.login(page, USER)
    page.goto(f"{wiki.index}?title=Ska&wikitour=stub-task&wikitask=stub")
    wait_title(page, "This article is a stub")
    click(page, "next")
    wait_title(page, "Open the editor")
    page.click("#ca-ve-edit a")
    close_ve_welcome(page)
    wait_title(page, "Add a few sentences")
    before = wiki.wikitext("Ska")
    page.click(".ve-ce-surface .ve-ce-branchNode p >> nth=0", position={"x": 5, "y": 5})
    page.wait_for_selector(".ve-ce-surface.ve-ce-surface-focused")  # VE focuses a task later
    page.keyboard.press("End")
    page.keyboard.type(" It began in Kingston in the late 1950s, mixing Caribbean mento and "
                       "calypso with American jazz and rhythm and blues, and it led to rocksteady "
                       "and reggae.", delay=10)
    page.wait_for_function("document.querySelector('.ve-ce-surface').textContent"
                           ".indexOf('rocksteady and reggae.') !== -1")
    publish_in_visual_editor(page, "Publish your addition", "stub practice")
    page.wait_for_timeout(800)
    record = json.loads(wiki.wikitext(f"User:{USER}/wikitours.json") or "{}")
    saved = wiki.page_info("Ska")
    assert [t["revid"] for t in record["tasks"] if t["title"] == "Ska"] == [saved["revid"]]
    assert saved["user"] == USER and "rocksteady" in saved["content"], saved
    assert what_it_did(TYPES["stub"], before, saved["content"], "Ska") == ("grew",)
