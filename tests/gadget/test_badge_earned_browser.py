"""Issue 22 in real Chromium on a real MediaWiki 1.39: the last step of a tour announces its badge
only when the learner has done every tour the badge needs (else it says, in the reader's
language, which ones are missing), and restarting a completed tour keeps the completion in the
learner's own progress page.
"""

from __future__ import annotations

import json

import pytest

from tests.gadget.test_gadget_support import (
    POPOVER,
    ROOT,
    deploy,
    library,
    progress_json,
    site_pages,
    wait_title,
    watch_errors,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(wiki):
    """The shipped library, with the communicator badge needing first-edit too (as the admin's
    "conversation-starter" needed ask-mentor besides its own tour)."""
    text = (ROOT / "tours.yaml").read_text(encoding="utf-8")
    text = text.replace("      tours: [ask-mentor]\n", "      tours: [first-edit, ask-mentor]\n", 1)
    lib = library(text)
    assert lib.badge("communicator").requires_tours == ("first-edit", "ask-mentor")
    deploy(wiki, site_pages(lib, languages=("de",)))
    wiki.steps = len(lib.tour("ask-mentor").steps)
    return wiki


def finish_ask_mentor(site, page, lang: str = "de") -> str:
    """Load a page as if the last step of ask-mentor had just been passed; the popover's text."""
    page.goto(f"{site.index}?title=Main_Page")
    page.evaluate("n => localStorage.setItem('wikitours-active', JSON.stringify({tour: "
                  "'ask-mentor', version: 1, index: n, shownOn: null}))", site.steps)
    page.goto(f"{site.index}?title=Main_Page&uselang={lang}")
    page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
    return page.inner_text(POPOVER)


def test_badge_not_announced_while_another_required_tour_is_missing(site, page):
    site.create_user("Reader Rea")
    errors = watch_errors(page)
    site.login(page, "Reader Rea")
    text = finish_ask_mentor(site, page)
    # German, names the badge and the missing tour by its German title, promises nothing
    assert "Für das Abzeichen „Kommunikationstalent“ brauchst du außerdem die Tour " \
           "Deine erste Bearbeitung" in text, text
    assert "ausgestellt" not in text
    record = progress_json(site, "Reader Rea")
    assert record["tours"]["ask-mentor"]["status"] == "completed"
    assert errors == []


def test_badge_announced_once_every_required_tour_is_done(site, page):
    site.create_user("Reader Bea")
    site.edit("User:Reader Bea/wikitours.json", json.dumps({"format": 1, "tours": {
        "first-edit": {"status": "completed", "version": 1, "started": "2026-11-01T00:00:00Z",
                       "completed": "2026-11-01T00:05:00Z"}}}), user="Reader Bea",
              contentmodel="json")
    site.login(page, "Reader Bea")
    text = finish_ask_mentor(site, page)
    assert "Kommunikationstalent" in text and "ausgestellt" in text, text
    assert "brauchst du außerdem" not in text


def test_restarting_a_completed_tour_keeps_the_completion_on_the_wiki(site, page):
    site.create_user("Reader Cea")
    done = {"status": "completed", "version": 1, "step": "done",
            "started": "2026-11-01T00:00:00Z", "completed": "2026-11-01T00:05:00Z",
            "updated": "2026-11-01T00:05:00Z", "edits": {"publish": 7}}
    site.edit("User:Reader Cea/wikitours.json",
              json.dumps({"format": 1, "tours": {"first-edit": done}}), user="Reader Cea",
              contentmodel="json")
    site.login(page, "Reader Cea")
    page.goto(f"{site.index}?title=User:Reader_Cea/sandbox&wikitour=first-edit")
    wait_title(page, "This is your sandbox")
    for _ in range(50):  # the gadget saves the new run in the background
        entry = progress_json(site, "Reader Cea")["tours"]["first-edit"]
        if entry["status"] == "started":
            break
        page.wait_for_timeout(200)
    assert entry["status"] == "started" and entry["started"] != done["started"]
    assert "edits" not in entry
    assert entry["completion"] == {k: done[k] for k in ("version", "started", "completed",
                                                         "edits")}
