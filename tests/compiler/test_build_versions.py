"""The gadget's data under versioned titles and the pointer in the loader (contracts §3)."""

from __future__ import annotations

import json
from pathlib import Path

from tours.build import build_pages, read_i18n
from tours.load import load_library
from tours.render.liveversion import (LOADER_TITLE, Pointer, gadget_titles, parse_pointer,
                                      with_pointer)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "tours.yaml").read_text(encoding="utf-8")


def build(text: str) -> dict[str, tuple[str, str]]:
    library, problems = load_library(text, "tours.yaml")
    assert library is not None, problems
    translations, _ = read_i18n(ROOT / "i18n")
    result = build_pages(library, translations)
    assert result.ok, [str(p) for p in result.problems]
    return {p.title: (p.kind, p.content) for p in result.pages}


def test_one_changed_tour_changes_only_its_pages_and_the_pointer():
    before = build(SOURCE)
    old_text = "Click <b>Edit</b> (or <b>Create</b>)"
    assert "Click '''Edit''' (or '''Create''')" in SOURCE
    after = build(SOURCE.replace("Click '''Edit''' (or '''Create''')",
                                 "Click '''Create''' (or '''Edit''')", 1))
    old_pointer = parse_pointer(before[LOADER_TITLE][1])
    new_pointer = parse_pointer(after[LOADER_TITLE][1])
    assert old_pointer.tours["first-edit"] != new_pointer.tours["first-edit"]
    assert {k: v for k, v in old_pointer.tours.items() if k != "first-edit"} == \
        {k: v for k, v in new_pointer.tours.items() if k != "first-edit"}
    assert old_pointer.index == new_pointer.index and old_pointer.ui == new_pointer.ui
    changed = {t for t in after if before.get(t) != after[t]}
    # new titles: the tour's new segment (data and its message pages); edited: the pointer and
    # the tour's help pages (they name the version they describe); nothing else.
    assert LOADER_TITLE in changed
    for title in changed - {LOADER_TITLE}:
        assert title.startswith(("MediaWiki:Wikitours/tours/first-edit/",
                                 "MediaWiki:Wikitours/messages/first-edit/",
                                 "Help:Wikitours/first-edit",
                                 "Help:Wikitours/Tour language",  # quotes the library
                                 "MediaWiki:Gadget-wikitours-sources.json")), title
    assert all(t not in before for t in changed if t.startswith("MediaWiki:Wikitours/"))
    segment = gadget_titles(new_pointer, "first-edit", ["en", "de"])
    assert old_text not in after[segment["messages/en"]][1]
    assert "data-version=\"%s\"" % new_pointer.tours["first-edit"] in \
        after["Help:Wikitours/first-edit/de"][1]
    # every versioned title the new pointer names exists in the build, and the old ones did
    for pointer, pages in ((old_pointer, before), (new_pointer, after)):
        for tour in pointer.tours:
            for key, title in gadget_titles(pointer, tour, ["en"]).items():
                assert title in pages, (key, title)
                json.loads(pages[title][1])


def test_pointer_round_trip_and_replacement():
    pointer = Pointer("abcdef0123", "0123456789", {"first-edit": "aaaaaaaaaa"})
    loader = "/*! loader */\nvar x = 1;\n"
    once = with_pointer(loader, pointer)
    assert parse_pointer(once) == pointer
    other = Pointer("bbbbbbbbbb", "0123456789", {})
    twice = with_pointer(once, other)
    assert parse_pointer(twice) == other and twice.count("wikitoursLive") == 1
    assert twice.endswith(loader)


def test_forged_or_broken_pointers_are_refused():
    assert parse_pointer(None) is None and parse_pointer("var a;") is None
    assert parse_pointer("mw.libs.wikitoursLive = {not json};") is None
    bad = [{"tours": "<script>"}, {"tours": "abcdef", "ui": "x/../y"}, {"tours": ["abcdef"]},
           {"ui": "abcdef"}, ["abcdef"]]
    for data in bad:
        assert parse_pointer(f"mw.libs.wikitoursLive = {json.dumps(data)};") is None
    hostile = {"tours": "abcdef", "ok": "abcdef", "Evil|Title": "abcdef", "x": "../../Gadget-x",
               "y": 5}
    pointer = parse_pointer(f"mw.libs.wikitoursLive = {json.dumps(hostile)};")
    assert pointer.tours == {"ok": "abcdef"}


def test_without_gadget_code_the_data_keeps_fixed_titles():
    library, _ = load_library(SOURCE, "tours.yaml")
    translations, _ = read_i18n(ROOT / "i18n")
    result = build_pages(library, translations, gadget=False)
    titles = {p.title for p in result.pages}
    assert "MediaWiki:Wikitours/tours/first-edit.json" in titles
    assert "MediaWiki:Gadget-wikitours-tours.json" in titles
