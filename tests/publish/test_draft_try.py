"""A draft can be tried in the browser before it is published (issue 22).

The sync puts a compiled draft's tour data and texts on ``MediaWiki:Wikitours/drafts/<id>.json``
(tours/render/drafttry.py) and its preview page links to ``?wikitourdraft=<id>``. The gadget then
runs the draft, marks every popover as a draft and records nothing (no progress, no badge, no
funnel event); the live tour of the same id is untouched. Real MediaWiki 1.39 and Chromium.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.gadget.test_gadget_support import (
    POPOVER,
    deploy,
    library,
    progress_json,
    site_pages,
    wait_title,
    watch_errors,
)
from tours.i18n import source_messages
from tours.render.drafttry import draft_data_page, draft_data_title
from tours.render.gadgetdata import tour_data, tour_messages
from publish.statuspage import render_draft_preview

DRAFT = """wikitours: 1
source-language: en
tours:
  - id: try-me
    title: Try me
    summary: A draft tour.
    audience: newcomer
    minutes: 1
    badge: try-badge
    steps:
      - id: hello
        title: Hello from the draft
        text: This step exists only in the draft.
      - id: bye
        title: Last draft step
        text: The last step.
badges:
  - id: try-badge
    name: Try badge
    description: Tried.
    requires:
      tours: [try-me]
"""


def draft_library():
    """The live library plus the draft's tour and badge, as the sync compiles a draft."""
    lib = library()
    extra = library(DRAFT)
    return replace(lib, tours=lib.tours + extra.tours, badges=lib.badges + extra.badges)


def draft_pages(lib, tour_id: str):
    tour = lib.tour(tour_id)
    texts = {k: m.text for k, m in source_messages(lib).items()}
    german = {k: "DE " + v for k, v in texts.items() if k.startswith(f"wikitours-tour-{tour_id}-")}
    return [tour_data(lib, tour), tour_messages(tour, "en", texts),
            tour_messages(tour, "de", german)]


def test_the_draft_page_holds_the_tour_marked_as_draft_and_its_texts_in_every_language():
    lib = draft_library()
    page = draft_data_page(draft_pages(lib, "try-me"), "try-me")
    assert page.title == draft_data_title("try-me") == "MediaWiki:Wikitours/drafts/try-me.json"
    data = json.loads(page.content)
    assert data["tour"]["draft"] is True and data["tour"]["id"] == "try-me"
    assert data["tour"]["badgeRequires"] == ["try-me"]
    assert data["messages"]["en"]["wikitours-tour-try-me-step-hello-title"] == \
        "Hello from the draft"
    assert data["messages"]["de"]["wikitours-tour-try-me-step-hello-title"].startswith("DE ")
    assert draft_data_page(draft_pages(lib, "try-me"), "other") is None


def test_the_preview_page_links_to_trying_the_draft_and_refuses_odd_ids():
    text = render_draft_preview("en", draft="Project:Wikitours/Drafts/try-me.yaml", revid=3,
                                help_text="help", live="", publish="P", try_it="try-me")
    assert "wikitourdraft=try-me" in text and "start this draft tour" in text
    odd = render_draft_preview("en", draft="D", revid=3, help_text="h", live="", publish="P",
                               try_it="x]] [[evil")
    assert "wikitourdraft" not in odd


@pytest.fixture(scope="module")
def site(wiki):
    lib = draft_library()
    live = library()
    deploy(wiki, site_pages(live, languages=("de",)))
    page = draft_data_page(draft_pages(lib, "try-me"), "try-me")
    data = json.loads(page.content)
    # the page is a wiki page anyone with the right could edit: markup in it stays text
    data["messages"]["en"]["wikitours-tour-try-me-step-bye-text"] = \
        "<script>alert(1)</script> stays text."
    wiki.edit(page.title, json.dumps(data), contentmodel="json")
    # a draft of a live tour: the draft's text, the live tour keeps its own
    changed = replace(lib, tours=tuple(
        replace(t, steps=(replace(t.steps[0], title="Draft welcome"),) + t.steps[1:])
        if t.id == "first-edit" else t for t in lib.tours))
    page = draft_data_page(draft_pages(changed, "first-edit"), "first-edit")
    wiki.edit(page.title, page.content, contentmodel="json")
    return wiki


def test_a_draft_is_tried_marked_and_nothing_is_recorded(site, page):
    site.create_user("Admin Ann")
    errors = watch_errors(page)
    site.login(page, "Admin Ann")
    page.goto(f"{site.index}?title=Project:Wikitours/Preview/try-me&wikitourdraft=try-me")
    wait_title(page, "Hello from the draft")
    text = page.inner_text(POPOVER)
    assert "Draft: you are trying a tour that is not published yet" in text, text
    page.click(f'{POPOVER} [data-wikitours="next"]')
    wait_title(page, "Last draft step")
    assert "<script>alert(1)</script> stays text." in page.inner_text(POPOVER)
    # the run survives a page load as a draft
    page.reload()
    wait_title(page, "Last draft step")
    assert "Draft:" in page.inner_text(POPOVER)
    page.click(f'{POPOVER} [data-wikitours="done"]')
    page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
    done = page.inner_text(POPOVER)
    assert "Draft:" in done and "Try badge" not in done and "issued" not in done, done
    page.wait_for_timeout(1000)
    assert progress_json(site, "Admin Ann") is None  # no progress, so no badge
    assert errors == []


def test_a_draft_of_a_live_tour_leaves_the_live_tour_alone(site, page):
    page.goto(f"{site.index}?title=Main_Page&wikitourdraft=first-edit&uselang=de")
    wait_title(page, "Draft welcome")
    assert "Entwurf:" in page.inner_text(POPOVER)
    page.evaluate("localStorage.clear()")
    page.goto(f"{site.index}?title=Main_Page&wikitour=first-edit")
    page.wait_for_selector(POPOVER)
    page.wait_for_timeout(500)
    assert "Draft welcome" not in page.inner_text(POPOVER)
    assert "Draft:" not in page.inner_text(POPOVER)
    # a draft id that only exists as a draft is no live tour
    page.evaluate("localStorage.clear()")
    page.goto(f"{site.index}?title=Main_Page&wikitour=try-me")
    page.wait_for_selector(POPOVER)
    assert "Hello from the draft" not in page.inner_text(POPOVER)
