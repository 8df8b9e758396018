"""tour.js resume() after a source-editor save, when the save step was shown because the step
before it was skipped (its `unless` held): the save must still count and the tour go on.

Found by the tasks engineer (issue 19): resume() looks only at steps[S.index], the skipped
step, so the save is missed; render() then finds the save step does not apply on the saved
page and went back to an earlier step. Now a save step shown after skipped steps becomes the
frontier (tour.js render())."""

from __future__ import annotations

import pytest

from tests.gadget.test_gadget_support import POPOVER, close_ve_welcome, deploy, messages_page, site_pages, \
    tour_page, wait_title

pytestmark = pytest.mark.browser

USER = "Skipper Lena"
STEPS = [
    {"id": "open", "advance": "editor-opened", "when": {"actions": ["view"]}},
    # skipped on the default skin: the step on screen in the editor is the save step after it
    {"id": "hint", "when": {"actions": ["edit", "submit"]}, "unless": {"skins": ["vector-2022"]}},
    {"id": "save", "advance": "saved", "when": {"actions": ["edit", "submit"]}},
    {"id": "bye", "when": {"actions": ["view"]}},
]
TEXTS = {
    "wikitours-tour-skipsave-title": "Skip then save",
    "wikitours-tour-skipsave-step-open-title": "Open the editor",
    "wikitours-tour-skipsave-step-open-text": "Click Edit.",
    "wikitours-tour-skipsave-step-hint-title": "A hint for other skins",
    "wikitours-tour-skipsave-step-hint-text": "Not on this skin.",
    "wikitours-tour-skipsave-step-save-title": "Publish your edit",
    "wikitours-tour-skipsave-step-save-text": "Click Publish.",
    "wikitours-tour-skipsave-step-bye-title": "Saved, well done",
    "wikitours-tour-skipsave-step-bye-text": "Your edit is saved.",
}


@pytest.fixture(scope="module")
def site(wiki):
    deploy(wiki, site_pages(languages=()) + [tour_page("skipsave", STEPS),
                                             messages_page("skipsave", "en", TEXTS)])
    wiki.create_user(USER)
    return wiki


def test_a_save_shown_after_a_skipped_step_moves_the_tour_on(site, page):
    site.login(page, USER)
    page.goto(f"{site.index}?title=User:{USER.replace(' ', '_')}/sandbox&wikitour=skipsave")
    wait_title(page, "Open the editor")
    with page.expect_navigation():
        page.click("#ca-edit a")
    page.wait_for_function("window.mw && mw.config.get('wgAction') === 'edit'")
    close_ve_welcome(page)
    wait_title(page, "Publish your edit")  # the hint was skipped on Vector 2022
    page.fill("#wpTextbox1", "Trying a tour that skips a step.")
    with page.expect_navigation():
        page.click("#wpSave")
    page.wait_for_function("window.mw && mw.config.get('wgPostEdit')")
    # the save counted: the step after it, not "Open the editor" again
    wait_title(page, "Saved, well done")
    assert page.locator(POPOVER).inner_text().count("Open the editor") == 0
