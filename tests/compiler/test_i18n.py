"""Translation checks: every problem at the file:line:column of its key, completeness per
language, outdated texts by source hash, and qqq.json documenting every key."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.compiler.test_render import sample_library

from tours.i18n import (
    check,
    load_banana,
    maybe_markup,
    outdated_keys,
    qqq_json,
    read_dir,
    run_status,
    source_hash,
    source_messages,
    usable_translations,
)
from tours.load import load_file
from tours.markup import check_markup

ROOT = Path(__file__).resolve().parents[2]
TITLE = "wikitours-tour-first-edit-title"
SUMMARY = "wikitours-tour-first-edit-summary"
STEP_TEXT = "wikitours-tour-first-edit-step-open-editor-text"
WELCOME = "wikitours-tour-first-edit-step-welcome-text"


def banana(messages: dict, hashes: dict | None = None) -> str:
    meta = {"authors": ["Ada"], "source-hashes": hashes or {}}
    return json.dumps({"@metadata": meta, **messages}, ensure_ascii=False, indent="\t")


def at(text: str, key: str) -> str:
    """``LINE:COLUMN`` of the key *key* in *text*, found by plain string search."""
    offset = text.rindex(json.dumps(key, ensure_ascii=False) + ":")  # after @metadata
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - text.rfind(chr(10), 0, offset)}"


def test_hash_is_first_8_hex_of_sha1():
    assert source_hash("Your first edit") == "65d7e2ce"
    assert len(source_hash("ä")) == 8


def test_load_banana_records_key_positions():
    text = '{\n\t"@metadata": {"authors": []},\n\t"a": "x",\n\t\t"b": "y"\n}\n'
    mf, problems = load_banana(text, "i18n/tours/de.json", "de")
    assert problems == []
    assert mf.where("a") == (3, 2) and mf.where("b") == (4, 3)
    assert dict(mf.messages) == {"a": "x", "b": "y"}


def test_load_banana_broken_files_are_problems_not_exceptions():
    cases = {
        '{"a": "x",\n "b": }': "i18n/x.json:2:7: error: not valid JSON: Expecting value",
        "[1, 2]": "i18n/x.json:1:1: error: a message file must be one JSON object",
        b"\xff\xfe{": "i18n/x.json:1:1: error: this file is not UTF-8 text",
        '{"a": 3}': "i18n/x.json:1:2: error: a: a message must be a string",
        "[" * 100000: "i18n/x.json:1:1: error: not valid banana JSON: nested far too deeply",
    }
    for text, expected in cases.items():
        _, problems = load_banana(text, "i18n/x.json", "x")
        assert str(problems[0]).startswith(expected), (text[:20], str(problems[0]))
    mf, problems = load_banana('{"a": "1",\n"a": "2"}', "i18n/x.json", "x")
    assert mf.messages["a"] == "2"
    assert str(problems[0]).startswith("i18n/x.json:2:1: warning: duplicate key 'a'")


def test_check_reports_each_problem_at_its_key():
    lib = sample_library()
    sources = source_messages(lib)
    good_hash = source_hash(sources[TITLE].text)
    text = banana({
        TITLE: "Deine erste Bearbeitung",
        SUMMARY: "Zusammenfassung für $1 und $2",
        STEP_TEXT: "Klicke <script>x</script>",
        WELCOME: "Gut gemacht, {{GENDER:$1|du}} bist hier.",
        "wikitours-tour-gone-title": "Weg",
        "wikitours-badge-first-edit-name": "Erste Bearbeitung",
    }, {TITLE: good_hash, "wikitours-badge-first-edit-name": "00000000",
        WELCOME: source_hash(sources[WELCOME].text)})
    mf, _ = load_banana(text, "i18n/tours/de.json", "de")
    report = check(lib, {"de": mf})
    lines = [str(p) for p in report.problems]
    # $1/$2 shown as text where the source has none: an error at the key's line and column
    assert any(s.startswith(f"i18n/tours/de.json:{at(text, SUMMARY)}: error: {SUMMARY}: the translation uses "
                            "$1, $2 but the source text has no such placeholder") for s in lines)
    assert any(s.startswith(f"i18n/tours/de.json:{at(text, STEP_TEXT)}: error: {STEP_TEXT}: unsafe markup: raw "
                            "HTML (<script>)") for s in lines)
    assert any(s.startswith(f"i18n/tours/de.json:{at(text, 'wikitours-tour-gone-title')}: warning: unknown key "
                            "'wikitours-tour-gone-title'") for s in lines)
    outdated = [s for s in lines if "outdated" in s]
    assert len(outdated) == 1 and outdated[0].startswith(
        f"i18n/tours/de.json:{at(text, 'wikitours-badge-first-edit-name')}: warning: "
        "wikitours-badge-first-edit-name: outdated, the source "
        "text changed after it was translated")
    assert f"set its source hash to {source_hash('First edit')}" in outdated[0]
    # {{GENDER:$1|…}} is allowed although the English source has no $1
    assert not any(WELCOME in s and "placeholder" in s for s in lines)
    de = report.languages[0]
    assert de.lang == "de" and de.total == len(sources)
    assert de.translated == 5 and de.outdated == ("wikitours-badge-first-edit-name",)
    assert set(de.invalid) == {SUMMARY, STEP_TEXT}
    assert de.unknown == ("wikitours-tour-gone-title",)
    assert TITLE not in de.missing and "wikitours-tour-mentor-basics-title" in de.missing
    assert round(de.percent, 1) == round(100 * 2 / len(sources), 1)
    usable = usable_translations(lib, {"de": mf}, report)["de"]
    # invalid ones are never shown; outdated ones are, marked (issue 17)
    assert set(usable) == {TITLE, WELCOME, "wikitours-badge-first-edit-name"}
    assert outdated_keys(report) == {"de": frozenset({"wikitours-badge-first-edit-name"})}


def test_unknown_language_and_qqq_coverage():
    lib = sample_library()
    xx, _ = load_banana(banana({TITLE: "x"}, {TITLE: source_hash("Your first edit")}),
                        "i18n/tours/xx-bogus.json", "xx-bogus")
    qqq, _ = load_banana(json.dumps({TITLE: "doc", "wikitours-nope": "doc"}),
                         "i18n/tours/qqq.json", "qqq")
    report = check(lib, {"xx-bogus": xx, "qqq": qqq})
    lines = [str(p) for p in report.problems]
    assert any(s.startswith("i18n/tours/xx-bogus.json:1:1: error: unknown language code "
                            "'xx-bogus'") for s in lines)
    assert any("i18n/tours/qqq.json:1:" in s and "unknown key 'wikitours-nope'" in s
               for s in lines)
    assert TITLE not in report.undocumented and SUMMARY in report.undocumented


def test_generated_qqq_documents_every_key():
    lib = sample_library()
    doc = json.loads(qqq_json(lib))
    assert set(doc) - {"@metadata"} == set(source_messages(lib))
    step = doc[STEP_TEXT]
    assert "step 2" in step and "\"open-editor\"" in step and "edit-source-tab" in step
    assert "clicks the element" in step
    assert "\"first-edit\"" in doc["wikitours-badge-first-edit-name"]


def test_committed_qqq_is_complete_for_shipped_tours():
    library, problems = load_file(ROOT / "tours.yaml")
    assert library is not None, problems
    files, file_problems = read_dir(ROOT / "i18n" / "tours")
    assert file_problems == []
    report = check(library, files)
    assert report.undocumented == ()
    assert json.loads(qqq_json(library, files["qqq"])) == json.loads(
        (ROOT / "i18n/tours/qqq.json").read_text(encoding="utf-8"))


def _write_project(tmp_path: Path, translation: dict, hashes: dict) -> Path:
    (tmp_path / "tours.yaml").write_text((ROOT / "tours.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    tours = tmp_path / "i18n" / "tours"
    tours.mkdir(parents=True)
    (tours / "de.json").write_text(banana(translation, hashes), encoding="utf-8")
    return tmp_path / "tours.yaml"


def test_status_command_text_and_json(tmp_path, capsys):
    lib_file = _write_project(
        tmp_path,
        {TITLE: "Deine erste Bearbeitung", SUMMARY: "Kurz."},
        {TITLE: source_hash("Your first edit"), SUMMARY: "deadbeef"})
    ns = argparse.Namespace(file=str(lib_file), i18n=None, format="text", write_qqq=True)
    assert run_status(ns) == 0
    out = capsys.readouterr().out
    # counted from the shipped tours file, which other work grows
    total = int(out.split(" texts in", 1)[0].split()[-1])
    assert total >= 84
    row = next(line for line in out.splitlines() if line.startswith("de "))
    assert row.split()[:3] == ["de", "Deutsch", f"{round(100 / total, 1)}%"]
    assert "de: outdated (1):\n  " + SUMMARY in out
    assert f"de: missing ({total - 2}):" in out
    assert (tmp_path / "i18n/tours/qqq.json").is_file()  # --write-qqq
    assert "undocumented" not in out

    ns.format = "json"
    assert run_status(ns) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["languages"]["de"]["outdated"] == [SUMMARY]
    assert data["languages"]["de"]["percent"] == round(100 / total, 1)
    line, column = at((tmp_path / "i18n/tours/de.json").read_text(encoding="utf-8"),
                      SUMMARY).split(":")
    assert any(p["message"].startswith(SUMMARY + ": outdated") and p["severity"] == "warning"
               and (p["line"], p["column"]) == (int(line), int(column))
               for p in data["problems"])


def test_status_fails_on_errors(tmp_path, capsys):
    lib_file = _write_project(tmp_path, {TITLE: "Hallo $3"}, {})
    ns = argparse.Namespace(file=str(lib_file), i18n=str(tmp_path / "i18n"), format="text",
                            write_qqq=False)
    assert run_status(ns) == 1
    out = capsys.readouterr().out
    where = at((tmp_path / "i18n/tours/de.json").read_text(encoding="utf-8"), TITLE)
    assert f"de.json:{where}: error: {TITLE}: the translation uses $3" in out


MARKUP_PIECES = list("[]{}<>&|'_=*#:; -!~$\n") + ["''", "__", "[[", "{{", "<b>", "&amp;", "ab",
                                                  "ع", "$1", "ISBN 123", "https://x.org"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=25).map("".join))
def test_markup_fast_path_agrees_with_the_loader(text):
    """Translations that skip the full markup check are exactly ones it would accept."""
    if not maybe_markup(text):
        assert check_markup(text) == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200),
                 st.text(max_size=200),
                 st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
                              lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=10), inner,
                                                                      max_size=4)),
                              max_leaves=20).map(json.dumps)))
def test_any_file_content_gives_problems_never_exceptions(content):
    mf, problems = load_banana(content, "i18n/tours/de.json", "de")
    assert mf is not None or problems
    for p in problems:
        assert p.file == "i18n/tours/de.json" and p.line >= 1 and p.column >= 1
    if mf is not None:
        check(sample_library(), {"de": mf})  # checking never raises either


def test_hostile_translation_files_in_status(tmp_path, capsys):
    lib_file = _write_project(tmp_path, {TITLE: "ok"}, {})
    tours = tmp_path / "i18n" / "tours"
    (tours / "fr.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tours / "es.json").write_text("[" * 50000, encoding="utf-8")
    (tours / "pt.json").write_text(json.dumps({TITLE: "x" * 2_000_000, SUMMARY: None}),
                                   encoding="utf-8")
    ns = argparse.Namespace(file=str(lib_file), i18n=None, format="text", write_qqq=False)
    assert run_status(ns) == 1
    out = capsys.readouterr().out
    assert "fr.json:1:1: error: this file is not UTF-8 text" in out
    assert "es.json:1:1: error: not valid banana JSON: nested far too deeply" in out
    pt = (tours / "pt.json").read_text(encoding="utf-8")
    assert f"pt.json:{at(pt, SUMMARY)}: error: {SUMMARY}: a message must be a string" in out
    assert "Traceback" not in out


def test_control_characters_in_a_translation_are_refused_at_their_key():
    """Issue 14: a JSON escape such as \\u0000 must not reach a popover or a wiki page."""
    lib = sample_library()
    sources = source_messages(lib)
    text = banana({TITLE: "Deine \u0000 erste Bearbeitung", SUMMARY: "Eine\tZusammenfassung\nhier",
                   STEP_TEXT: "Klicke \u001b[31m hier", WELCOME: "Gut \u0085 gemacht"},
                  {k: source_hash(sources[k].text) for k in (TITLE, SUMMARY, STEP_TEXT, WELCOME)})
    assert "\\u0000" in text  # as a translator's file has it: an escape, not a raw character
    mf, problems = load_banana(text, "i18n/tours/de.json", "de")
    assert problems == []
    report = check(lib, {"de": mf})
    lines = [str(p) for p in report.problems]
    for key, char in ((TITLE, "U+0000 (NUL)"), (STEP_TEXT, "U+001B (ESC)"),
                      (WELCOME, "U+0085 (NEL)")):
        assert any(line.startswith(
            f"i18n/tours/de.json:{at(text, key)}: error: {key}: contains the control "
            f"character {char}, which no wiki page or popover can show") for line in lines)
    assert all(str(p.hint) == "delete it; in a quoted text it may be written as an "
               "escape such as \\0, \\x07 or \\u0000"
               for p in report.problems if "control character" in str(p))
    de = report.languages[0]
    assert set(de.invalid) == {TITLE, STEP_TEXT, WELCOME}  # tab and line break are fine
    assert set(usable_translations(lib, {"de": mf}, report)["de"]) == {SUMMARY}
