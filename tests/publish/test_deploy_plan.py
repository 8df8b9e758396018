"""The deploy's decisions, without a wiki: gadget-definition merging, manifest checks, conflicts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from publish import deployplan as dp
from tests.deployhelp import write_build

OURS = dp.GadgetDefinition("MediaWiki:Gadgets-definition", "wikitours",
                           ("* wikitours[ResourceLoader|default]|wikitours.js",))


def test_merge_appends_our_section_and_keeps_other_lines_byte_for_byte():
    current = "== editing ==\n* HotCat[ResourceLoader]|HotCat.js  \n\n== other ==\n* X|X.js"
    merged = dp.merge_definition(current, OURS)
    assert merged.startswith(current)
    assert dp.section_text(merged, "wikitours") == dp.render_section(OURS)


def test_merge_replaces_only_our_section_in_the_middle():
    current = ("== a ==\n* A|A.js\n\n== wikitours ==\n* wikitours[old]|old.js\n* stale|s.js\n\n"
               "== z ==\n* Z|Z.js\n")
    merged = dp.merge_definition(current, OURS)
    assert "old.js" not in merged and "stale" not in merged
    assert merged.startswith("== a ==\n* A|A.js\n\n== wikitours ==\n* wikitours[ResourceLoader")
    assert merged.endswith("\n== z ==\n* Z|Z.js\n")
    assert dp.merge_definition(merged, OURS) == merged  # idempotent


def test_a_section_named_like_ours_as_a_prefix_is_not_ours():
    current = "== wikitours-extra ==\n* E|E.js\n"
    merged = dp.merge_definition(current, OURS)
    assert merged.startswith(current.rstrip("\n"))
    assert "* E|E.js" in merged and merged.count("== wikitours ==") == 1


@given(st.lists(st.sampled_from(["== a ==", "== b ==", "* A|A.js", "* B|B.js", "", " ",
                                  "== wikitours ==", "* w|w.js", "<!-- c -->"]), max_size=12))
def test_lines_outside_our_section_never_change(lines):
    current = "\n".join(lines)
    merged = dp.merge_definition(current, OURS)

    def outside(text):
        kept, inside = [], False
        for line in text.split("\n"):
            heading = dp._HEADING.match(line)
            if heading:
                inside = heading.group(1) == "wikitours"
            if not inside and line.strip():
                kept.append(line)
        return kept

    assert outside(merged) == outside(current)
    assert dp.section_text(merged, "wikitours") == dp.render_section(OURS)


def test_canonical_forms_match_what_mediawiki_saves():
    assert dp.content_hash('{"b": 1, "a": [1, 2]}', "json") == \
        dp.content_hash('{\n\t"a": [\n\t\t1,\n\t\t2\n\t],\n\t"b": 1\n}', "json")
    assert dp.content_hash("text\r\nmore\n\n", "wikitext") == \
        dp.content_hash("text\nmore", "wikitext")
    assert dp.content_hash("a", "wikitext") != dp.content_hash("b", "wikitext")


def _manifest(pages):
    return dp.Manifest("g", "tours.yaml", "v1", tuple(dp.BuiltPage(t, "wikitext", x, "help")
                                                         for t, x in pages), None)


def test_plan_decides_create_update_unchanged_and_conflict():
    manifest = _manifest([("New", "n"), ("Same", "s"), ("Ours", "o2"), ("Theirs", "t2"),
                          ("Foreign", "f2")])
    wiki = {"Same": dp.WikiPage("Same", True, "s", "wikitext"),
            "Ours": dp.WikiPage("Ours", True, "o1", "wikitext"),
            "Theirs": dp.WikiPage("Theirs", True, "edited by someone", "wikitext"),
            "Foreign": dp.WikiPage("Foreign", True, "never deployed by us", "wikitext")}
    state = {"Ours": {"sha256": dp.content_hash("o1", "wikitext")},
             "Theirs": {"sha256": dp.content_hash("t1", "wikitext")}}
    plan = dp.plan(manifest, wiki, state)
    assert {c.title: c.action for c in plan.changes} == {
        "New": "create", "Same": "unchanged", "Ours": "update", "Theirs": "conflict",
        "Foreign": "conflict"}
    forced = dp.plan(manifest, wiki, state, overwrite=True)
    assert not forced.conflicts and len(forced.edits) == 4


def test_a_half_done_deploy_is_completed_without_conflicts():
    manifest = _manifest([("A", "a2"), ("B", "b2")])
    state = {"A": {"sha256": dp.content_hash("a1", "wikitext"), "revid": 1},
             "B": {"sha256": dp.content_hash("b1", "wikitext"), "revid": 2}}
    # A was saved before the failure (revision 3); no state was written
    again = dp.plan(manifest, {"A": dp.WikiPage("A", True, "a2", "wikitext", 3),
                               "B": dp.WikiPage("B", True, "b1", "wikitext", 2)}, state)
    assert [c.action for c in again.changes] == ["unchanged", "update"]
    recorded = dp.next_state(manifest, again, {"B": 4})["pages"]
    assert recorded == {"A": {"sha256": dp.content_hash("a2", "wikitext"), "revid": 3},
                        "B": {"sha256": dp.content_hash("b2", "wikitext"), "revid": 4}}


def test_a_page_mediawiki_transformed_on_save_is_still_ours():
    manifest = _manifest([("Sig", "Signed ~~~~")])
    state = {"Sig": {"sha256": dp.content_hash("Signed ~~~~", "wikitext"), "revid": 7}}
    saved = dp.WikiPage("Sig", True, "Signed [[User:Bot|Bot]] 10:00", "wikitext", 7)
    assert dp.plan(manifest, {"Sig": saved}, state).changes[0].action == "unchanged"
    edited = dp.WikiPage("Sig", True, "Signed [[User:Bot|Bot]] 10:00 and more", "wikitext", 8)
    assert dp.plan(manifest, {"Sig": edited}, state).changes[0].action == "conflict"


def test_manifest_problems_are_reported_with_the_file(tmp_path):
    build = write_build(tmp_path / "b", [("Help:X", "wikitext", "x")])
    raw = json.loads((build / "manifest.json").read_text())
    raw["pages"][0]["sha256"] = "0" * 64
    (build / "manifest.json").write_text(json.dumps(raw))
    with pytest.raises(dp.ManifestError, match="does not match its sha256"):
        dp.load_manifest(build)
    raw["pages"][0].update(file="../../../etc/passwd", sha256=None)
    (build / "manifest.json").write_text(json.dumps(raw))
    with pytest.raises(dp.ManifestError, match="outside the build folder"):
        dp.load_manifest(build)
    raw["pages"][0].update(file="pages/0001.txt", model="php")
    (build / "manifest.json").write_text(json.dumps(raw))
    with pytest.raises(dp.ManifestError, match="model 'php'"):
        dp.load_manifest(build)
    (build / "manifest.json").write_text("{not json")
    with pytest.raises(dp.ManifestError, match="not valid JSON"):
        dp.load_manifest(build)
    with pytest.raises(dp.ManifestError, match="not found"):
        dp.load_manifest(tmp_path / "nowhere")


def test_edits_are_ordered_so_readers_never_see_a_half_deployed_state():
    pages = [dp.BuiltPage("Help:W", "wikitext", "c", "catalogue"),
             dp.BuiltPage("Help:W/t", "wikitext", "h", "help"),
             dp.BuiltPage("MediaWiki:Gadget-w.js", "javascript", "j", "gadget-code"),
             dp.BuiltPage("MediaWiki:Gadget-loader.js", "javascript", "p", "pointer"),
             dp.BuiltPage("MediaWiki:W/tours/t.json", "json", "{}", "tour-data")]
    manifest = dp.Manifest("g", "s", "v", tuple(pages), OURS)
    result = dp.plan(manifest, {}, {})
    order = [c.title for c in result.edits]
    # the versioned data and code, the definition, then the pointer (the one edit that switches
    # readers), then the pages people read
    assert order == ["MediaWiki:W/tours/t.json", "MediaWiki:Gadget-w.js",
                     "MediaWiki:Gadgets-definition", "MediaWiki:Gadget-loader.js", "Help:W/t",
                     "Help:W"]
    assert result.pointer_index == 3


def test_pages_the_build_no_longer_names_are_retired_then_due():
    old = {"MediaWiki:Wikitours/tours/t/aaaaaa.json": {"sha256": "x", "revid": 5},
           "MediaWiki:Wikitours/messages/t/aaaaaa/en.json": {"sha256": "y", "revid": 6},
           "Help:W/gone": {"sha256": "z", "revid": 7}}
    pages = [dp.BuiltPage("MediaWiki:Wikitours/tours/t/bbbbbb.json", "json", "{}", "tour-data")]
    manifest = dp.Manifest("g", "s", "v", tuple(pages), None)
    retired = dp.retire(manifest, old, {}, "2026-12-06T10:00:00Z")
    # only the gadget's versioned pages are retired (a removed tour's help page stays)
    assert retired == {"MediaWiki:Wikitours/messages/t/aaaaaa/en.json":
                       {"since": "2026-12-06T10:00:00Z", "revid": 6},
                       "MediaWiki:Wikitours/tours/t/aaaaaa.json":
                       {"since": "2026-12-06T10:00:00Z", "revid": 5}}
    # a later run keeps the first retirement time; a build naming a page again revives it
    again = dp.retire(dp.Manifest("g", "s", "v", (dp.BuiltPage(
        "MediaWiki:Wikitours/tours/t/aaaaaa.json", "json", "{}", "tour-data"),), None), {},
        retired, "2026-12-06T11:00:00Z")
    assert again == {"MediaWiki:Wikitours/messages/t/aaaaaa/en.json":
                     {"since": "2026-12-06T10:00:00Z", "revid": 6}}
    assert dp.due(retired, "2026-12-06T10:59:59Z", 3600) == []
    assert len(dp.due(retired, "2026-12-06T11:00:00Z", 3600)) == 2
    state = dp.next_state(manifest, dp.plan(manifest, {}, {}), {}, retired)
    assert dp.parse_retired(dp.state_text(state)) == retired
    # a version a stopped deploy created and no build names (never recorded) is retired too
    orphan = "MediaWiki:Wikitours/tours/t/cccccc.json"
    swept = dp.retire(manifest, {}, {}, "2026-12-06T12:00:00Z",
                      {orphan: 9, "MediaWiki:Wikitours/tours/t/bbbbbb.json": 8,
                       "MediaWiki:Wikitours/deployed.json": 3})
    assert swept == {orphan: {"since": "2026-12-06T12:00:00Z", "revid": 9}}
    # a forged state cannot make deploy delete other pages
    forged = json.dumps({"retired": {"Main Page": {"since": "2000-01-01T00:00:00Z"},
                                     "MediaWiki:Common.js": {"since": "2000-01-01T00:00:00Z"}}})
    assert dp.parse_retired(forged) == {}
