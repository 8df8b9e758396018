"""Compiler problems in every language: ``tours.problemtext`` and the Problem model.

The texts are messages of ``i18n/compiler`` (banana JSON); these tests use scratch message
files through ``monkeypatch`` where they need texts the real files do not have, so that what is
tested is the rendering, not today's wording.
"""

from __future__ import annotations

import json
import re

import pytest

from tours import problemtext
from tours.model import Problem
from tours.problemtext import T, Text, format_problem, problem_in, render


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Message files in a scratch folder: write(lang, {key: text})."""
    monkeypatch.setattr(problemtext, "I18N_DIR", tmp_path)
    problemtext.messages.cache_clear()

    def write(lang: str, texts: dict[str, str]) -> None:
        data = {"@metadata": {"authors": ["test"]}, **texts}
        (tmp_path / f"{lang}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        problemtext.messages.cache_clear()

    yield write
    problemtext.messages.cache_clear()


def test_english_parameters_and_nested_phrases(scratch):
    scratch("en", {"wikitours-x": "unknown field '$1' in $2", "wikitours-what-tour": "tour '$1'"})
    assert render(T("wikitours-x", "titel", T("wikitours-what-tour", "first-edit"))) == \
        "unknown field 'titel' in tour 'first-edit'"


def test_fallback_chain_then_english(scratch):
    # de-at falls back to de (MediaWiki's chain); a key German lacks comes from English
    scratch("en", {"wikitours-a": "A $1", "wikitours-b": "B"})
    scratch("de", {"wikitours-a": "Ä $1"})
    assert render(T("wikitours-a", "x"), "de-at") == "Ä x"
    assert render(T("wikitours-b"), "de-at") == "B"
    assert render(T("wikitours-a", "x"), "no such language!") == "A x"


def test_missing_key_is_a_programming_error(scratch):
    scratch("en", {})
    with pytest.raises(problemtext.MessageMissing):
        render(T("wikitours-nope"))


def test_plural_follows_the_language_rules(scratch):
    scratch("en", {"wikitours-n": "$1 {{PLURAL:$1|problem|problems}}"})
    scratch("ar", {"wikitours-n": "{{PLURAL:$1|لا مشاكل|مشكلة واحدة|مشكلتان|$1 مشاكل|$1 مشكلة|$1 مشكلة}}"})
    assert render(T("wikitours-n", 1)) == "1 problem"
    assert render(T("wikitours-n", 2)) == "2 problems"
    assert render(T("wikitours-n", 2), "ar") == "مشكلتان"
    assert render(T("wikitours-n", 5), "ar") == "5 مشاكل"  # "few": 3–10
    assert render(T("wikitours-n", 11), "ar") == "11 مشكلة"  # "many": 11–99


def test_numbers_are_formatted_for_the_language(scratch):
    scratch("en", {"wikitours-len": "at most $1 characters"})
    scratch("de", {"wikitours-len": "höchstens $1 Zeichen"})
    assert render(T("wikitours-len", 12000)) == "at most 12,000 characters"
    assert render(T("wikitours-len", 12000), "de") == "höchstens 12.000 Zeichen"


@pytest.mark.parametrize("hostile", ["$2", "{{PLURAL:$1|a|b}}", "$1$1$1", "<script>x</script>", "\\1"])
def test_parameters_are_never_interpreted(scratch, hostile):
    scratch("en", {"wikitours-q": "value '$1' ($2)"})
    assert render(T("wikitours-q", hostile, 3)) == f"value '{hostile}' (3)"


def test_problem_keeps_english_and_the_translatable_text(scratch):
    scratch("en", {"wikitours-m": "'$1' is empty", "wikitours-h": "write the $1",
                   "wikitours-severity-error": "error", "wikitours-hint-label": "hint"})
    scratch("fr", {"wikitours-m": "« $1 » est vide", "wikitours-h": "écrivez le $1",
                   "wikitours-severity-error": "erreur", "wikitours-hint-label": "conseil"})
    problem = Problem("t.yaml", 3, 5, T("wikitours-m", "title"), T("wikitours-h", "title"))
    assert problem.message == "'title' is empty" and problem.hint == "write the title"
    assert str(problem) == "t.yaml:3:5: error: 'title' is empty\n    hint: write the title"
    assert problem_in(problem, "fr") == ("« title » est vide", "écrivez le title")
    assert format_problem(problem, "fr") == "t.yaml:3:5: erreur: « title » est vide\n    conseil: écrivez le title"
    # comparing problems ignores the translatable form (tests compare English values)
    assert problem == Problem("t.yaml", 3, 5, "'title' is empty", "write the title")
    plain = Problem("t.yaml", 1, 1, "plain English")
    assert problem_in(plain, "fr") == ("plain English", "")
    assert isinstance(problem.text, Text)


def test_every_source_message_renders_in_every_shipped_language():
    """Each message of i18n/compiler renders in each language with sample parameters."""
    en = problemtext.messages("en")
    langs = sorted(p.stem for p in problemtext.I18N_DIR.glob("*.json") if p.stem != "qqq")
    assert en and "en" in langs
    for key, text in en.items():
        count = max([int(n) for n in re.findall(r"\$([0-9]+)", text)] or [0])
        params = tuple(range(2, 2 + count))
        for lang in langs:
            out = render(Text(key, params), lang)
            assert not re.search(r"\$[0-9]", out), (key, lang, out)
            assert "{{PLURAL" not in out.upper(), (key, lang, out)
