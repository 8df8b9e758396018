"""Drafts (publish/sync.py): an editor saves a tour as ``Project:Wikitours/Drafts/<id>.yaml`` and the
sync writes its compiled help page to ``Project:Wikitours/Preview/<id>`` under a banner, or its
errors; the live tours never change because of a draft. Real local wikis (an English library
wiki serving a second wiki, and an Arabic library wiki), real Pywikibot, requests counted at the
servers.

The tests run in order and build on each other.
"""

from __future__ import annotations

from html import unescape
import os
import re
import time
from pathlib import Path

import pytest

from publish.multiwiki import parse_config
from publish.sync import sync_once
from tests.publish.test_sync import FIRST, HEADER, HEADER_TEXT, SECOND, STATUS, TOURS
from tests.publish.test_sync_state import requests_since
from trusthelp import trusted_user
from publish.statuspage import msg
from tests.deployhelp import live_title

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = "Project:Wikitours/Drafts/"
PREVIEW = "Project:Wikitours/Preview/"
EDITOR = "Draft Editor"

NEW_TOUR = """id: ask-for-help
title: Ask for help
summary: Find the help desk and ask a question.
audience: newcomer
minutes: 4
version: 1
steps:
  - id: desk
    page: sandbox
    title: The help desk
    text: Volunteers answer questions at the help desk.
"""


def _config(*wikis, drafts=None):
    library = {"wiki": wikis[0][0], "tours": TOURS, "header": HEADER,
               "translations": "Project:Wikitours/i18n/"}
    if drafts is not None:
        library["drafts"] = drafts
    config, problems = parse_config({
        "library": library,
        "wikis": [{"id": wid, "api": w.api, "index": w.index, "language": w.language}
                  for wid, w in wikis]})
    assert config is not None, problems
    return config


def _c(wiki, title: str) -> str:
    from publish.sync import canonical

    return canonical(wiki.site(), title)


@pytest.fixture(scope="module")
def lib(make_wiki):
    meta = make_wiki()
    other = make_wiki()
    trusted_user(meta, "Tour Editor", "sysop")  # publishes (publish/trust.py); drafts are open to all
    meta.create_user(EDITOR)
    meta.edit(HEADER, HEADER_TEXT)
    meta.edit(TOURS + "first-edit.yaml", FIRST, user="Tour Editor")
    meta.edit(TOURS + "ask-mentor.yaml", SECOND, user="Tour Editor")
    config = _config(("meta", meta), ("other", other))
    sites = {"meta": meta.site(), "other": other.site()}
    state: dict = {}
    logs: list[str] = []

    def run(**kw):
        return sync_once(config, sites, state, log=logs.append, **kw)

    first = run()
    return meta, other, run, first, logs


def _edits(wiki, start: float) -> list[str]:
    return [e["title"] for e in requests_since(wiki, start)
            if e["method"] == "POST" and e["action"] == "edit"]


def test_the_config_puts_drafts_beside_the_tours_and_checks_the_prefix():
    config = _config(("a", type("W", (), {"api": "http://127.0.0.1/api.php", "index": "",
                                          "language": "en"})))
    assert config.library.drafts == "Project:Wikitours/Drafts/"
    off = _config(("a", type("W", (), {"api": "http://127.0.0.1/api.php", "index": "",
                                       "language": "en"})), drafts="")
    assert off.library.drafts == ""
    _, problems = parse_config({"library": {"wiki": "a", "drafts": TOURS},
                                "wikis": [{"id": "a", "api": "http://127.0.0.1/api.php"}]})
    assert problems and "drafts" in problems[0].message


def test_the_edit_notices_tell_editors_about_drafts(lib):
    meta, other, run, first, logs = lib
    assert first.outcomes["meta"].published and first.outcomes["other"].published, logs
    notice = meta.wikitext("MediaWiki:Editnotice-4-Wikitours-Tours")
    assert "draft" in notice and _c(meta, DRAFTS) in notice and _c(meta, PREVIEW) in notice
    draft_notice = meta.wikitext("MediaWiki:Editnotice-4-Wikitours-Drafts")
    assert draft_notice is not None
    assert "publishes nothing" in draft_notice and _c(meta, TOURS) in draft_notice
    # the editor of a draft sees it above the edit box
    form = meta.session(EDITOR).get(meta.index, params={
        "title": DRAFTS + "first-edit.yaml", "action": "edit"}, timeout=60).text
    assert "This page is a draft of a guided tour" in form


def test_a_draft_changing_a_step_previews_the_new_text_and_the_live_page_keeps_the_old(lib):
    meta, other, run, *_ = lib
    # a live edit first, as the cost to compare with
    meta.edit(TOURS + "ask-mentor.yaml", SECOND.replace("arrive here", "arrive here first"),
              user="Tour Editor")
    start = time.time()
    assert run().outcomes["meta"].published
    live_requests = len(requests_since(meta, start))

    live_help = meta.wikitext("Help:Wikitours/first-edit")
    live_data = meta.page_info(live_title(meta, "MediaWiki:Wikitours/tours/first-edit.json"))["revid"]
    assert "Well done" in live_help
    draft = FIRST.replace("title: Well done", "title: Very well done")
    saved = meta.edit(DRAFTS + "first-edit.yaml", draft, user=EDITOR)
    start = time.time()
    result = run()
    meta_out, other_out = result.outcomes["meta"], result.outcomes["other"]
    assert meta_out.drafts_only and not meta_out.published and meta_out.errors == []
    assert meta_out.drafts == {_c(meta, DRAFTS + "first-edit.yaml"): 0}
    assert not other_out.changed
    # the preview: the new text under the banner
    preview = meta.wikitext(PREVIEW + "first-edit")
    assert preview is not None and "Very well done" in preview
    assert f"revision {saved['newrevid']}" in preview and "It is not live" in preview
    assert f"[[:{_c(meta, DRAFTS + 'first-edit.yaml')}|" in preview
    assert "[[:Help:Wikitours/first-edit|" in preview  # the live help page
    assert f"copy the text of the draft into [[:{_c(meta, TOURS + 'first-edit.yaml')}|" in preview
    assert "wikitours-start" not in preview  # no button starting the live tour
    # the live pages did not change, and no deploy ran: only the sync's own pages were edited
    assert meta.wikitext("Help:Wikitours/first-edit") == live_help
    assert "Very well done" not in meta.wikitext("Help:Wikitours/first-edit")
    assert meta.page_info(live_title(meta, "MediaWiki:Wikitours/tours/first-edit.json"))["revid"] == live_data
    edits = _edits(meta, start)
    assert all(not t.startswith(("Help:", "MediaWiki:Wikitours/tours", "MediaWiki:Wikitours/messages",
                                 "MediaWiki:Gadget"))
               and "deployed.json" not in t for t in edits), edits
    assert any(t.endswith("Preview/first-edit") for t in edits)
    assert len(requests_since(meta, start)) < live_requests
    assert requests_since(other, start) == []  # the other wiki (no adaptation page) costs nothing
    # the status page: up to date, with a Drafts section; the draft's editor gets no talk note
    status = meta.wikitext(STATUS)
    assert "up to date" in status and "Drafts (previewed only, never published)" in status
    assert "compiles: preview" in status and _c(meta, PREVIEW + "first-edit") in status
    assert meta.wikitext(f"User talk:{EDITOR}") is None


@pytest.mark.browser
def test_the_preview_page_in_a_browser(lib, browser):
    meta, *_ = lib
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    try:
        page.goto(f"{meta.index}?title={PREVIEW}first-edit")
        box = page.locator(".wikitours-draft-banner")
        assert box.is_visible() and "It is not live" in box.inner_text()
        assert "Very well done" in page.inner_text("#mw-content-text")
        folder = ROOT / "docs" / "screenshots" if os.environ.get("WIKITOURS_SCREENSHOTS") \
            else ROOT / "screenshots" / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "draft-preview.png"))
    finally:
        page.close()


def test_nothing_changed_after_a_draft_edit_is_one_request_per_wiki(lib):
    meta, other, run, *_ = lib
    start = time.time()
    result = run()
    assert not any(o.changed for o in result.outcomes.values())
    meta_log, other_log = requests_since(meta, start), requests_since(other, start)
    # the library wiki: the one listing (tours, drafts, translations); the other wiki, without an
    # adaptation page, has nothing to list
    assert len(meta_log) == 1 and other_log == [], (meta_log, other_log)
    assert meta_log[0]["action"] == "query"


def test_a_new_id_draft_previews_a_new_tour_without_publishing_it(lib):
    meta, other, run, *_ = lib
    meta.edit(DRAFTS + "ask-for-help.yaml", NEW_TOUR, user=EDITOR)
    result = run()
    assert result.outcomes["meta"].drafts == {_c(meta, DRAFTS + "ask-for-help.yaml"): 0}
    preview = meta.wikitext(PREVIEW + "ask-for-help")
    assert "Volunteers answer questions at the help desk." in preview
    assert "publishing the draft adds a new tour" in preview
    for wiki in (meta, other):
        assert wiki.wikitext("Help:Wikitours/ask-for-help") is None
        assert wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/tours/ask-for-help.json")) is None
        assert wiki.wikitext(live_title(wiki, "MediaWiki:Gadget-wikitours-tours.json")) is not None
    # the first draft was not recompiled (unchanged): its preview keeps its revision
    assert "Very well done" in meta.wikitext(PREVIEW + "first-edit")
    assert set(result.outcomes["meta"].drafts) == {_c(meta, DRAFTS + "ask-for-help.yaml")}


def test_a_broken_draft_lists_its_errors_and_the_tours_stay_up_to_date(lib):
    meta, other, run, *_ = lib
    broken = NEW_TOUR.replace("minutes: 4", "minutes: many").replace(
        "    title: The help desk\n", "    title: The help desk\n   bad: indentation\n")
    meta.edit(DRAFTS + "ask-for-help.yaml", broken, user=EDITOR)
    deployed = meta.page_info("MediaWiki:Wikitours/deployed.json")["revid"]
    result = run()
    out = result.outcomes["meta"]
    assert out.errors == [] and out.drafts[_c(meta, DRAFTS + "ask-for-help.yaml")] >= 1
    preview = meta.wikitext(PREVIEW + "ask-for-help")
    assert re.search(r"line \d+", preview) and "How to fix it" in preview
    assert "nothing to preview yet" in preview
    assert _c(meta, DRAFTS + "ask-for-help.yaml") in preview
    assert "Volunteers answer questions" not in preview
    status = meta.wikitext(STATUS)
    assert "up to date" in status and "nothing was published" not in status
    shown = re.sub(r"<[^>]+>", "", meta.html(STATUS))
    assert re.search(r"ask-for-help\.yaml \(revision \d+\) has (an error|\d+ errors): see", shown), shown
    assert meta.page_info("MediaWiki:Wikitours/deployed.json")["revid"] == deployed
    assert meta.wikitext(f"User talk:{EDITOR}") is None


def test_hostile_draft_content_stays_inert_on_the_preview_page(lib):
    meta, other, run, *_ = lib
    # errors quoting hostile text (magic word, category, script, signature) …
    hostile = FIRST.replace("You made your first edit.",
                            "\"{{SITENAME}} [[Category:Pwned]] ~~~~ <script>alert(1)</script>\"")
    meta.edit(DRAFTS + "first-edit.yaml", hostile, user=EDITOR)
    # … and a draft that compiles with a signature in its text
    # (inside <pre>, one of the wrappers tour pages may use, the editor's own save keeps
    # the tildes; the sync's save of the preview must not sign either)
    signed = SECOND.replace("End every message with four tildes.", "\"Sign with ~~~~ at the end.\"")
    meta.edit(DRAFTS + "ask-mentor.yaml", f'<pre>\n{signed}</pre>\n',
              user=EDITOR)
    assert "Sign with ~~~~ at the end." in meta.wikitext(DRAFTS + "ask-mentor.yaml")
    result = run()
    assert result.outcomes["meta"].drafts[_c(meta, DRAFTS + "first-edit.yaml")] >= 3
    assert result.outcomes["meta"].drafts[_c(meta, DRAFTS + "ask-mentor.yaml")] == 0
    for tour in ("first-edit", "ask-mentor"):
        text = meta.wikitext(PREVIEW + tour)
        assert "~~~~" not in text  # saved as entities, so the save did not sign
        assert "[[User:" not in text and "[[Category:" not in text and "<script>" not in text
        assert "{{SITENAME}}" not in text
        html = meta.html(PREVIEW + tour)
        assert "<script>alert" not in html and f"User:{meta.bot.name}" not in html
        cats = meta.call(action="query", prop="categories", titles=PREVIEW + tour)["query"]["pages"][0]
        assert not cats.get("categories"), cats
    # the script is an error shown as text; the tildes stay tildes
    errors = meta.html(PREVIEW + "first-edit")
    shown = unescape(re.sub(r"<[^>]+>", "", errors))
    assert "raw HTML (<script>)" in shown and "magic word {{SITENAME}}" in shown
    assert "[[Category:…]]" in shown and "line 25" in shown
    assert "Sign with ~~~~ at the end." in unescape(meta.html(PREVIEW + "ask-mentor")), meta.wikitext(PREVIEW + "ask-mentor")


def test_publishing_a_draft_is_copying_it_and_deleting_it_changes_nothing_live(lib):
    meta, other, run, *_ = lib
    draft = FIRST.replace("title: Well done", "title: Very well done")
    meta.edit(DRAFTS + "first-edit.yaml", draft, user=EDITOR)
    # anyone may write a draft; a trusted editor publishes it (publish/trust.py)
    meta.edit(TOURS + "first-edit.yaml", draft, user="Tour Editor")
    result = run()
    assert result.outcomes["meta"].published and result.outcomes["other"].published
    for wiki in (meta, other):
        assert "Very well done" in wiki.wikitext("Help:Wikitours/first-edit")
    live = meta.wikitext("Help:Wikitours/first-edit")
    meta.call("POST", user=meta.admin.name, action="delete", title=DRAFTS + "first-edit.yaml",
              token=meta.call(user=meta.admin.name, action="query", meta="tokens")["query"]["tokens"]["csrftoken"])
    result = run()
    assert result.outcomes["meta"].drafts_only
    assert meta.wikitext("Help:Wikitours/first-edit") == live
    preview = meta.wikitext(PREVIEW + "first-edit")
    assert "was deleted" in preview and "Very well done" not in preview
    status = meta.wikitext(STATUS)
    assert _c(meta, DRAFTS + "first-edit.yaml") not in status
    assert _c(meta, DRAFTS + "ask-for-help.yaml") in status


AR_HEADER = HEADER_TEXT.replace("source-language: en", "source-language: ar")


@pytest.mark.browser
def test_an_arabic_library_wiki_shows_the_banner_in_arabic_right_to_left(make_wiki, browser):
    ar = make_wiki(language="ar")
    ar.edit(HEADER, AR_HEADER)
    ar.edit(TOURS + "ask-mentor.yaml", SECOND)
    ar.edit(TOURS + "first-edit.yaml", FIRST)
    config = _config(("arwiki", ar))
    state: dict = {}
    sites = {"arwiki": ar.site()}
    assert sync_once(config, sites, state, log=lambda _: None).outcomes["arwiki"].published
    saved = ar.edit(DRAFTS + "first-edit.yaml", FIRST.replace("title: Well done", "title: أحسنت"))
    result = sync_once(config, sites, state, log=lambda _: None)
    assert result.outcomes["arwiki"].drafts_only
    preview = ar.wikitext(PREVIEW + "first-edit")
    banner = msg("wikitours-sync-draft-banner", "ar", saved["newrevid"], "X").split("X")[0]
    assert banner in preview and 'lang="ar" dir="rtl"' in preview and "أحسنت" in preview
    status = ar.wikitext(STATUS)
    assert msg("wikitours-sync-status-drafts", "ar") in status
    page = browser.new_page(viewport={"width": 1100, "height": 820})
    try:
        page.goto(f"{ar.index}?title={PREVIEW}first-edit")
        box = page.locator(".wikitours-draft-banner")
        assert box.is_visible() and box.get_attribute("dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.querySelector('.wikitours-draft-banner')).direction") == "rtl"
    finally:
        page.close()


# ---------------------------------------------------------------------------------------------
# The pure parts, without a wiki


def test_draft_pages_render_quoted_text_inert_in_the_wiki_language():
    from tours.model import Problem
    from publish.statuspage import render_draft_deleted, render_draft_errors, render_draft_preview

    problem = Problem("Project:Wikitours/Drafts/x.yaml", 7, 3,
                      "bad value '[[Category:X]] {{SITENAME}} ~~~~ <script>'", "write __NOTOC__")
    page = render_draft_errors("he", draft="Project:Wikitours/Drafts/x.yaml", revid=12,
                               problems=[problem], live="")
    assert 'lang="he" dir="rtl"' in page and "7" in page
    for raw in ("[[Category:", "{{SITENAME", "~~~~", "<script", "__NOTOC__"):
        assert raw not in page, raw
    assert msg("wikitours-sync-status-fix", "he", "").strip() in page
    ok = render_draft_preview("de", draft="Project:Wikitours/Drafts/x.yaml", revid=5,
                              help_text='<div class="wikitours-start" data-wikitour="x">start</div>\nbody\n',
                              live="", publish="Project:Wikitours/Tours/x.yaml")
    assert "body" in ok and "wikitours-start" not in ok and 'dir="ltr"' in ok
    assert msg("wikitours-sync-draft-new", "de") in ok
    # a title that cannot be a link is shown as text
    gone = render_draft_deleted("ar", draft="Project:Wikitours/Drafts/[[x]].yaml")
    assert "[[x]]" not in gone and 'dir="rtl"' in gone


def test_a_forged_drafts_field_on_the_state_page_is_dropped_and_reported():
    from publish.syncstate import parse_state, render_state

    state, _, problem = parse_state(render_state({"drafts": {"Project:D/x.yaml": [3, 0]},
                                                  "drafts-base": "abc"}, None))
    assert state["drafts"] == {"Project:D/x.yaml": [3, 0]} and state["drafts-base"] == "abc"
    for forged in ({"x": [1]}, {"x": ["1", 0]}, {"x": [1, -1]}, ["x"],
                   {f"p{n}": [1, 0] for n in range(600)}):
        state, _, problem = parse_state(render_state({"drafts": forged}, None))
        assert "drafts" not in state and problem == ("field", "drafts"), forged
