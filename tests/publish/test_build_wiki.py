"""Generated pages saved to a real MediaWiki (Debian's 1.39 on loopback) render as intended:
headings, links and the Start link are there, and hostile texts stay text even after the
pre-save transform (signatures, subst) that a deploy's edit goes through."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.compiler.test_render import HOSTILE, sample_library

from tours.build import Translations, build_pages
from tours.i18n import load_banana, source_hash

ROOT = Path(__file__).resolve().parents[2]
EVIL = " ".join(HOSTILE)


def _translations() -> Translations:
    pages = {"en": load_banana((ROOT / "i18n/pages/en.json").read_text(encoding="utf-8"),
                               "i18n/pages/en.json", "en")[0]}
    key = "wikitours-tour-first-edit-summary"
    src = "Make a small change in your own [[Help:Sandbox|sandbox]]."
    ar = {"@metadata": {"source-hashes": {key: source_hash(src)}},
          key: "أجرِ تعديلاً صغيراً في [[Help:Sandbox|ملعبك]]."}
    tours = {"ar": load_banana(json.dumps(ar, ensure_ascii=False), "i18n/tours/ar.json", "ar")[0]}
    return Translations(tours, pages, {})


@pytest.fixture(scope="module")
def saved(wiki):
    """Build a hostile library and save every page of it, as deploy would."""
    lib = sample_library(title=EVIL, text=EVIL, badge_name=EVIL)
    result = build_pages(lib, _translations(), gadget=False)
    assert result.ok, result.problems
    for page in result.pages:
        params = {"contentmodel": page.model} if page.model == "json" else {}
        wiki.edit(page.title, page.content, summary="wikitours test", **params)
    return {p.title: p for p in result.pages}


def parsed(wiki, title: str) -> dict:
    return wiki.call(action="parse", page=title,
                     prop="text|links|categories|sections|templates|externallinks|iwlinks|images",
                     formatversion=2)["parse"]


def _safe(info: dict) -> str:
    text = info["text"]
    assert info["categories"] == [] and info["templates"] == [] and info["images"] == []
    assert info["iwlinks"] == []
    assert "<script" not in text and "<table" not in text and "<pre" not in text
    assert "<ul><li>list" not in text and "<hr" not in text
    # signatures were not expanded on save: no link to the saving user
    assert not [link for link in info["links"] if link["title"].startswith("User:")]
    assert "~~~~" in html.unescape(text)
    # unbalanced quotes in a text stay inside it, not in the heading's edit link
    assert not re.search(r"<(b|i)><span class=\"mw-editsection\">", text)
    return text


def test_help_page_renders_as_intended(wiki, saved):
    info = parsed(wiki, "Help:Wikitours/first-edit")
    text = _safe(info)
    assert [(s["level"], s["line"]) for s in info["sections"]][1:] == [("3", "Steps")]
    assert info["sections"][0]["level"] == "2"
    start = re.search(r'<div class="wikitours-start plainlinks" data-wikitour="first-edit">'
                      r'<b><a[^>]+href="([^"]+)"[^>]*>Start this tour</a></b></div>', text)
    assert start, text
    href = html.unescape(start.group(1))
    assert href == (f"{wiki.url}/index.php?title=Special:MyPage/sandbox&wikitour=first-edit"
                    "#wikitour=first-edit")
    links = {link["title"] for link in info["links"]}
    assert {"Help:Wikitours", "Help:Wikitours/Badges/first-edit", "Help:Wikitours/first-edit/ar",
            "Help:Sandbox"} <= links
    assert len(re.findall(r"<li><span class=\"wikitours-step-title\">", text)) == 2
    assert all(e.startswith(("http://", "https://")) for e in info["externallinks"])


def test_catalogue_and_badge_pages_render_safely(wiki, saved):
    cat = parsed(wiki, "Help:Wikitours")
    text = _safe(cat)
    assert [s["line"] for s in cat["sections"] if s["level"] == "2"] == [
        "Guided tours", "Tours for newcomers", "Tours for mentors", "Tours for trainers", "Badges"]
    assert text.count(">Start this tour</a>") == 3
    badge = parsed(wiki, "Help:Wikitours/Badges/mentor-pathway")
    _safe(badge)
    assert {"Help:Wikitours/mentor-basics", "Help:Wikitours/Badges/first-edit"} <= {
        link["title"] for link in badge["links"]}


def test_arabic_page_is_right_to_left_with_marked_fallbacks(wiki, saved):
    info = parsed(wiki, "Help:Wikitours/first-edit/ar")
    text = _safe(info)
    assert '<div class="wikitours-page wikitours-help" lang="ar" dir="rtl">' in text
    assert "ملعبك" in text
    assert '<span lang="en" dir="ltr">Open the editor</span>' in text or \
        '<span lang="en" dir="ltr"><b>' in text


def test_gadget_json_pages_are_accepted_as_json(wiki, saved):
    for title, page in saved.items():
        if page.model != "json":
            continue
        info = wiki.page_info(title)
        assert info["contentmodel"] == "json", title
        assert json.loads(wiki.wikitext(title)) == json.loads(page.content)
