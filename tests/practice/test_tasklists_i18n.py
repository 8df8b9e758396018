"""Issue 19 + every language is equal: the problems of the task types page
(``Project:Wikitours/Tasks.json``) are values with a line and column in the page, shown in the
reader's language by ``python -m publish.tasklists``, never English-only lines."""

from __future__ import annotations

import json

import pytest

from contracts.problems import Issue
from practice.tasktypes import CONFIG_TITLE, MAX_CONFIG_BYTES, parse_config
from publish.tasklists import _lang_option, shown
from tours.problemtext import format_problem, problem_in

GOOD_TYPE = {"id": "citation", "tour": "citation-task", "templates": ["Citation needed"]}


def page(**fields) -> str:
    """The types page as an admin would write it: indented, one field a line."""
    return json.dumps({"format": 1, "types": [GOOD_TYPE], **fields}, indent=2)


def lines(text: str, lang: str) -> list[str]:
    return [format_problem(shown(CONFIG_TITLE, i), lang)
            for i in parse_config(text, frozenset({"citation-task"})).problems]


def test_problems_are_values_not_english_lines():
    problems = parse_config(page(offer=99)).problems
    assert problems and all(isinstance(p, Issue) for p in problems)
    assert problems[0].message.key == "wikitours-problem-tasks-offer"


@pytest.mark.parametrize("lang, words", [
    ("de", "muss eine ganze Zahl von 1 bis 10 sein"),
    ("fr", "doit être un nombre entier de 1 à 10"),
    ("ar", "عددًا صحيحًا من 1 إلى 10"),
])
def test_a_german_or_other_operator_reads_the_problem_in_their_language(lang, words):
    shown_lines = lines(page(offer=99), lang)
    assert len(shown_lines) == 1 and words in shown_lines[0], shown_lines
    assert "whole number" not in shown_lines[0]


def test_line_and_column_point_at_the_field_in_the_page():
    text = page(streak="hour")
    (problem,) = parse_config(text).problems
    line = text.splitlines()[problem.line - 1]
    assert line[problem.column - 1:].startswith('"streak"'), (problem, line)
    assert lines(text, "de")[0].startswith(f"{CONFIG_TITLE}:{problem.line}:{problem.column}: ")


def test_a_bad_type_is_located_by_its_id_and_named_in_the_message():
    bad = {"id": "stubs", "tour": "citation-task", "categories": ["Stubs"],
           "check": "template-removed"}
    text = json.dumps({"format": 1, "types": [GOOD_TYPE, bad]}, indent=1)
    (problem,) = parse_config(text).problems
    assert text.splitlines()[problem.line - 1].strip().startswith('"id": "stubs"')
    german = lines(text, "de")[0]
    assert 'Aufgabentyp "stubs"' in german and "braucht die Vorlagen" in german


def test_invalid_json_gives_the_parser_position_and_a_translated_reason():
    text = '{"format": 1,\n  "types": [}'
    (problem,) = parse_config(text).problems
    assert (problem.line, problem.column) == (2, 13)
    german = lines(text, "de")[0]
    assert german.startswith(f"{CONFIG_TITLE}:2:13: ") and "kein gültiges JSON" in german
    assert "Expecting" not in german  # the JSON parser's own English is translated too


def test_script_and_placeholders_in_names_stay_plain_text():
    evil = "<script>alert(1)</script>$1{{PLURAL:$2|a|b}}"
    text = page(topics=[evil, "Rivers"])
    (problem,) = parse_config(text).problems
    for lang in ("en", "de", "he"):
        message, _hint = problem_in(shown(CONFIG_TITLE, problem), lang)
        assert evil in message  # quoted as written, never read as a placeholder
    assert "die Liste \"topics\"" in lines(text, "de")[0]


def test_a_huge_page_is_one_translated_problem_without_reading_it():
    text = '{"format": 1, "topics": [' + ",".join(['"x"'] * 40000) + "]}"
    assert len(text.encode()) > MAX_CONFIG_BYTES
    (problem,) = parse_config(text).problems
    assert (problem.line, problem.column) == (0, 0)
    assert "größer als" in lines(text, "de")[0] and "65.536" in lines(text, "de")[0]


def test_every_problem_of_a_hostile_page_is_translated_in_every_language():
    text = page(types=[
        "not an object", {"id": "Bad Id", "tour": "citation-task", "templates": ["A"]},
        {"id": "x", "tour": "citation-task", "templates": ["[[Foo]]"] * 12},
        {"id": "y", "tour": "missing-tour", "templates": ["Citation needed"]},
        {"id": "z", "tour": "BAD"}, {"id": "w", "tour": "citation-task", "learn": "B A"},
        {"id": "v", "tour": "citation-task", "templates": ["T"], "check": "nope"},
        {"id": "u", "tour": "citation-task", "categories": "Stubs"},
        GOOD_TYPE, GOOD_TYPE],
        levels=[5, 1], leaderboard="yes", streak="hour", topics=7, **{"max-pages": 5})
    english = lines(text, "en")
    assert len(english) >= 14
    for lang in ("ar", "he", "de", "fr", "es", "hi", "pt"):
        translated = lines(text, lang)
        assert len(translated) == len(english)
        same = [t for t, e in zip(translated, english) if t.split(": ", 2)[-1] == e.split(": ", 2)[-1]]
        assert not same, (lang, same)


@pytest.mark.parametrize("args, rest, lang", [
    (("--lang", "de", "-simulate"), ("-simulate",), "de"),
    (("--lang=fr",), (), "fr"),
    (("-lang:de", "-simulate"), ("-lang:de", "-simulate"), None),  # Pywikibot's: the wiki's
])
def test_the_console_language_option_is_not_pywikibots_wiki_language(args, rest, lang):
    assert _lang_option(args) == (rest, lang)


def test_the_status_page_is_in_the_wikis_language_escaped_and_short():
    from publish.taskstatus import MAX_SHOWN, render_task_status

    evil = "<script>alert(1)</script>[[Category:Spam]]{{Delete}}~~~~"
    text = page(topics=[evil] * 5 + [f"[[x{i}]]" for i in range(50)], offer=0)
    problems = [shown(CONFIG_TITLE, i) for i in parse_config(text).problems] * 20
    status = render_task_status("de", problems, 42, {"citation": 3})
    assert status.startswith('<div lang="de" dir="ltr">')
    assert "|640 Probleme}} auf der Seite der Aufgabentypen" in status  # PLURAL: the wiki's
    assert "[[Special:PermanentLink/42|Project:Wikitours/Tasks.json]]" in status
    assert "<script>" not in status and "[[Category:Spam" not in status
    assert "{{Delete" not in status and "~~~~" not in status
    assert status.count("\n* ") <= MAX_SHOWN + 1
    assert 'dir="rtl"' in render_task_status("he", problems, 42, {})
    ok = render_task_status("de", [], 42, {"citation": 3})
    assert "Die Aufgabenlisten sind aktuell" in ok and "citation: 3" in ok
