"""Reading hostile and odd files: every one gives problems at a position, never an exception."""

from __future__ import annotations

import time
from pathlib import Path

from tours import yamltree
from tours.load import MAX_PROBLEMS, load_file, load_library

from tests.compiler.test_validate import BASE

ROOT = Path(__file__).resolve().parents[2]


def problems_of(data) -> list[tuple]:
    library, problems = load_library(data, "f.yaml")
    assert library is None
    return [(p.line, p.column, p.severity, p.message, p.hint) for p in problems]


def test_shipped_tours_file_loads_clean():
    library, problems = load_file(ROOT / "tours.yaml")
    assert problems == []
    assert [t.id for t in library.tours] == [
        "first-edit", "add-citation", "ask-mentor", "user-page", "mentor-basics", "run-a-workshop",
        "citation-task", "copyedit-task", "links-task", "stub-task"]
    assert library.source_language == "en" and library.file.endswith("tours.yaml")
    trainer = library.badge("trainer")
    assert trainer.requires_badges == ("newcomer-pathway", "mentor-pathway")
    assert library.tour("ask-mentor").steps[2].when.namespaces == (3,)
    assert dict(library.wiki("dewiki").pages)["Help:Referencing for beginners"] == "Hilfe:Einzelnachweise"


def test_broken_yaml_flow():
    """A bracket left open is reported where it was opened, not after the last line."""
    assert problems_of("source-language: en\ntours: [1, 2\n") == [
        (2, 8, "error", "YAML syntax error: the bracket [ opened here is never closed",
         "close it with ] on the same line, with commas between the items; or write one item per line without [")]


QUOTE_OPEN = BASE.replace("    summary: S\n", '    summary: "S\n')


def test_a_quote_left_open_is_reported_where_it_was_opened():
    assert problems_of(QUOTE_OPEN) == [
        (5, 14, "error", 'YAML syntax error: the quote " that starts this text is never closed',
         'end the text with " on its line; a " inside the text is written \\"')]
    assert problems_of("a: 1\nb: 'its\nc: 2\n")[0][:4] == (
        2, 4, "error", "YAML syntax error: the quote ' that starts this text is never closed")
    assert problems_of("a: {x: 1\nb: 2\n")[0][:4] == (
        1, 4, "error", "YAML syntax error: the bracket { opened here is never closed")


def test_a_quote_left_open_on_a_wiki_page_is_reported_on_the_pages_line():
    from publish.seed import wrap_text
    from tours.wikisource import load_page

    tour = "id: t1\ntitle: T\nsummary: 'S\naudience: newcomer\nminutes: 5\nsteps:\n  - id: s1\n    title: Hello\n" \
           "    text: World\n"
    loaded = load_page(wrap_text(tour, "pre"), "Project:Wikitours/Tours/t1.yaml")
    [problem] = loaded.problems
    assert (problem.file, problem.line, problem.column) == ("Project:Wikitours/Tours/t1.yaml", 4, 10)
    assert "never closed" in problem.message


def test_broken_indentation():
    text = BASE.replace("    title: T\n", "    title: T\n   summary: x\n")
    assert problems_of(text) == [
        (5, 4, "error", "YAML syntax error: did not find expected '-' indicator (while parsing a block collection)",
         "check the indentation: items of the same list must start in the same column")]


def test_colon_in_plain_text():
    text = BASE.replace("title: Hello", "title: Note: this")
    assert problems_of(text) == [
        (10, 20, "error", "YAML syntax error: mapping values are not allowed in this context",
         "a text containing ': ' must be put in quotes, or written after '>-' on the next lines")]


def test_tabs():
    text = BASE.replace("    minutes: 5", "\tminutes: 5")
    assert problems_of(text) == [
        (7, 1, "error", "YAML syntax error: found a tab character that violates indentation (while scanning a plain scalar)",
         "indent with spaces, not tabs")]


def test_binary():
    assert problems_of(bytes(range(256))) == [
        (2, 118, "error", "the file is not UTF-8 text (byte 0x80 cannot be read)",
         "save the file as UTF-8 text; is this really a tours file?")]


def test_latin1_position_of_bad_byte():
    data = "source-language: en\ntitle: caf\xe9\n".encode("latin-1")
    assert problems_of(data)[0][:4] == (2, 11, "error", "the file is not UTF-8 text (byte 0xe9 cannot be read)")


def test_nul_and_lone_surrogate():
    assert problems_of("a: b\x00") == [
        (1, 5, "error", "the file contains a NUL character, so it is not a text file",
         "save the file as UTF-8 text; is this really a tours file?")]
    assert problems_of("a: \ud800") == [
        (1, 4, "error", "the file contains a character that is not valid Unicode", "save the file as UTF-8 text")]


def test_windows_newlines_keep_positions():
    text = BASE.replace("\n", "\r\n").replace("title: Hello", "title: Hi <div>")
    assert problems_of(text) == [
        (10, 19, "error", "title of step 's1' of tour 't1': raw HTML (<div>) is not allowed in tour texts",
         "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")]
    library, problems = load_library(BASE.replace("\n", "\r\n"), "f.yaml")
    assert problems == [] and library.tours[0].steps[0].title == "Hello"


def test_folded_text_with_windows_newlines():
    text = BASE.replace("text: World", "text: >-\n          one two\n          three {{x}}").replace("\n", "\r\n")
    assert problems_of(text)[0][:2] == (13, 17)


def test_byte_order_marks():
    text = "\ufeff" + BASE.replace("title: Hello", "title: Hi <div>")
    assert problems_of(text)[0][:2] == (10, 19)
    for data in (b"\xef\xbb\xbf" + BASE.encode(), "\ufeff".encode("utf-16-le") + BASE.encode("utf-16-le"),
                 "\ufeff".encode("utf-16-be") + BASE.encode("utf-16-be")):
        library, problems = load_library(data, "f.yaml")
        assert problems == [] and library.tours[0].id == "t1"


def test_huge_file_is_refused_quickly():
    data = b"# " + b"x" * (yamltree.MAX_BYTES + 10)
    start = time.perf_counter()
    found = problems_of(data)
    assert time.perf_counter() - start < 5
    assert found == [(1, 1, "error", f"the file is too large ({len(data):,} bytes; at most 16 MB are accepted)",
                      "split the tours into a smaller file, or check that this is really a tours file")]
    text = "a" * (yamltree.MAX_BYTES // 4 + 1) + "é" * (yamltree.MAX_BYTES // 2)
    assert problems_of(text)[0][3].startswith("the file is too large")


def test_deep_flow_nesting_is_refused_not_crashing():
    found = problems_of("[" * 200_000 + "]" * 200_000)
    assert found == [(1, 65, "error", "the file is nested too deeply (more than 64 levels)",
                      "a tours file needs only a few levels; check the indentation and brackets")]


def test_deep_block_nesting():
    text = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 100))
    assert problems_of(text)[0][3] == "the file is nested too deeply (more than 64 levels)"


def test_billion_laughs_is_refused_fast_and_short():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    found = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 5
    assert found[:3] == [
        (1, 5, "error", "anchors (&a0) are not supported", "remove the '&a0' and write each value out in full"),
        (2, 5, "error", "anchors (&a1) are not supported", "remove the '&a1' and write each value out in full"),
        (2, 10, "error", "aliases (*a0) are not supported", "write the value out in full instead of referring to an anchor"),
    ]
    assert len(found) == 19  # one anchor and one alias problem per line, not 9**9


def test_recursive_alias():
    found = problems_of("a: &x [*x]\n")
    assert [f[3] for f in found] == ["anchors (&x) are not supported", "aliases (*x) are not supported"]


def test_several_documents():
    assert problems_of(BASE + "---\n" + BASE) == [
        (12, 1, "error", "the file contains more than one YAML document ('---')",
         "keep all tours in one document: remove the extra '---' line")]


def test_empty_and_comment_only():
    expected = [(1, 1, "error", "the file is empty", "start from the shipped tours.yaml; see docs/tour-language.md")]
    assert problems_of("") == expected
    assert problems_of("# nothing here\n") == expected
    assert problems_of(b"") == expected


def test_python_tags_are_refused():
    text = BASE.replace("title: T", "title: !!python/object/apply:os.system ['ls']")
    assert problems_of(text) == [
        (4, 12, "error", "the YAML tag '!!python/object/apply:os.system' is not supported",
         "remove the tag (the part starting with '!'); the tour language needs none")]


def test_non_text_keys():
    text = BASE.replace("    title: T", "    1: T\n    title: T")
    assert problems_of(text) == [
        (4, 5, "error", "unknown field '1' in tour 't1'",
         "allowed fields: id, title, summary, audience, minutes, version, requires, badge, steps")]
    text = BASE.replace("    title: T", "    ? [a, b]\n    : x\n    title: T")
    assert problems_of(text)[0][3] == "a field name in tour 't1' must be a plain word"


def test_problem_flood_is_capped():
    text = "source-language: en\ntours: []\n" + "".join(f"x{i}: 1\n" for i in range(MAX_PROBLEMS + 50))
    library, problems = load_library(text, "f.yaml")
    assert library is None and len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == "51 more problems are not shown"


def test_load_file_errors(tmp_path):
    missing = tmp_path / "nope.yaml"
    library, problems = load_file(missing)
    assert library is None and [(p.line, p.column, p.message) for p in problems] == [(1, 1, "the file does not exist")]
    library, problems = load_file(tmp_path)
    assert problems[0].message == "this is a folder, not a file"
    good = tmp_path / "t.yaml"
    good.write_text(BASE, "utf-8")
    library, problems = load_file(good)
    assert problems == [] and library.file == str(good)


def test_many_tours_load(tmp_path):
    body = BASE.split("tours:\n", 1)[1]
    text = "source-language: en\ntours:\n" + "".join(body.replace("id: t1", f"id: t{i}") for i in range(300))
    library, problems = load_library(text, "big.yaml")
    assert problems == [] and len(library.tours) == 300


def test_values_cannot_forge_output_lines_or_flood_messages():
    text = BASE.replace("id: t1", 'id: "x\\nt.yaml:1:1: error: forged\\u001b[31m"')
    found = problems_of(text)
    assert found[0][:3] == (3, 9, "error")
    assert "\n" not in found[0][3] and "\x1b" not in found[0][3]
    assert found[0][3] == "'x\\nt.yaml:1:1: error: forged\\x1b[31m' is not a valid id"
    long_id = "X" * 3000
    message = problems_of(BASE.replace("id: t1", f"id: {long_id}"))[0][3]
    assert len(message) == 300 and message.endswith("…")
