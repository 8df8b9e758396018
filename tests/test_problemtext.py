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


# -- tours/validate.py: every problem of a tours file is translatable -------------------------

from pathlib import Path  # noqa: E402

from tours.load import load_library  # noqa: E402

_VALIDATE_SOURCE = (Path(__file__).resolve().parent.parent / "tours" / "validate.py").read_text("utf-8")
_HOSTILE_VALUE = "<script>alert(1)</script>{{PLURAL:$1|a|b}}$2"

#: Broken tours files that together reach every problem tours/validate.py can report; values
#: are hostile where a value is quoted (markup, placeholders, PLURAL), to show they stay text.
VALIDATE_BROKEN = {
    "not a mapping": "- a\n- b\n",
    "top level": f"""\
wikitours: 2
source-language: "English {_HOSTILE_VALUE}"
colour: red
special-pages: ["Special:", "Home|page", [x]]
tours: []
""",
    "a tour with everything wrong": f"""\
source-language: en
source-language: de
tours:
  - id: t1
    ? [odd, key]
    : x
    sumary: x
    title: [a, b]
    summary: ~
    audience: "{_HOSTILE_VALUE}"
    minutes: five
    version: [1]
    requires: [t1, t1, nope, tt2]
    badge: nobadge
    steps:
      - id: s1
        title: Hello
        text: "<div>$2 {{{{PLURAL:$1|a|b}}}}</div>"
        page: "Special:Watchlst"
        element: save-buton
        placement: left
        highlight: maybe
        advance: clik
        when: {{action: [edti, [x]], namespace: [-2, Usr, Qqqqzz, 2], skin: vector2022, editor: wysiwyg, logged-in: perhaps}}
        unless: {{}}
      - id: s1
        title: T
        text: X
      - id: Bad Id
        title: T
        text: X
      - title: T
        text: X
        page: "A|B"
        element: x
        selector: "#x"
      - id: s3
        title: T
        text: "{'word ' * 1100}"
        advance: click
        placement: over
        when: {{action: [], skin: {{a: 1}}, editor: visula}}
      - id: s4
        title: T
        text: "{'<div>' * 30}"
        page: Special:Watchlist
        advance: saved
        element: qqqqqqqq
      - not a step
      - id: s5
        title: T
        text: X
        page: Special:Watchlist
        advance: editor-opened
        selector: "#x >"
      - id: s6
        title: T
        text: X
        page: sandbox
        when: {{namespace: 0}}
        unless: {{logged-in: true}}
        advance: plonk
      - id: s7
        title: T
        text: X
        page: "{'x' * 300}"
        when: {{action: view}}
        unless: {{action: view}}
      - id: s8
        title: T
        text: X
        page: Special:Zzqqxxyy
      - id: ~
        title: T
        text: X
      - id: s9
        title: T
        text: X
        page: ":"
        advance: visited
  - id: t1
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    steps: none
  - id: t2
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    requires: t3
    badge: b1
    steps: []
  - id: t3
    title: T
    summary: S
    minutes: 5
    requires: t2
    steps:
      - {{id: a, title: T, text: X}}
  - id: "Not An Id"
    title: T
  - title: T
  - id: ""
badges:
  - id: b1
    name: B
    description: D
    requires: {{tours: [nope], badges: [b1, b2, nob]}}
  - id: b2
    name: B
    description: D
    requires: {{badges: b1}}
  - id: b1
    name: B
    description: D
    requires: {{}}
  - id: Bad Badge
  - name: x
  - id: ~
wikis:
  - id: dewiki
    language: "Deutsch"
    pages:
      "Help:A": "Hilfe:A"
      "Help:A": "Hilfe:B"
      "Help:C": [x]
      "Help:D|x": "Hilfe:D"
    changes:
      - {{tour: t3}}
      - {{tour: t3, replace: a, remove: a}}
      - {{tour: t3, replace: a, remove: a, after: a}}
      - {{tour: t3, remove: a, with: {{id: z, title: T, text: X}}}}
      - {{tour: t3, replace: a}}
      - {{tour: nope, remove: a}}
      - {{tour: t3, remove: zz}}
      - {{tour: t3, after: a, add: {{id: a, title: T, text: X}}}}
      - {{tour: t3, after: a, add: {{id: n, title: T, text: X}}}}
      - {{tour: t3, after: a, add: {{id: n, title: T, text: X}}}}
      - {{remove: a, with: {{id: Bad, title: T, text: X}}}}
      - {{tour: t3, after: a, add: {{id: q, title: [x], text: X}}}}
  - id: dewiki
    pages: [a]
  - id: De.Wiki
  - id: Other Wiki
  - language: x
  - id: ~
  - [a]
""",
}


def _keys(text, out: set[str]) -> set[str]:
    """Every message key in a text, its phrases included."""
    if isinstance(text, Text):
        out.add(text.key)
        for param in text.params:
            _keys(param, out)
    return out


def _validate_problems():
    for name, source in VALIDATE_BROKEN.items():
        library, problems = load_library(source, "broken.yaml")
        assert library is None and problems, name
        yield name, problems


def test_every_validate_problem_is_translatable():
    """Every problem of the broken files has a translatable message (and hint), rendering in
    de and ar (English fallback until translated) without a missing key, hostile values kept
    as plain text in every language."""
    count = 0
    for name, problems in _validate_problems():
        for problem in problems:
            count += 1
            assert isinstance(problem.text, Text), (name, str(problem))
            assert problem.hint == "" or isinstance(problem.hint_text, Text), (name, str(problem))
            for lang in ("de", "ar", "en"):
                message, hint = problem_in(problem, lang)
                assert message and not re.search(r"\{\{PLURAL", message.replace(_HOSTILE_VALUE, "")), (lang, message)
                assert bool(hint) == bool(problem.hint)
                assert format_problem(problem, lang).startswith(f"broken.yaml:{problem.line}:{problem.column}: ")
            assert render(problem.text, "en") == problem.message
    assert count > 100


def test_hostile_values_stay_plain_text_in_every_language():
    _, problems = load_library(VALIDATE_BROKEN["a tour with everything wrong"], "broken.yaml")
    audience = [p for p in problems if p.text.key == "wikitours-problem-audience-unknown"]
    assert len(audience) == 1
    for lang in ("en", "de", "ar"):
        assert f"'{_HOSTILE_VALUE}'" in problem_in(audience[0], lang)[0]
    # a placeholder quoted from a tour text is shown, not filled in
    placeholder = [p for p in problems if _keys(p.text, set()) >= {"wikitours-problem-in-field",
                                                                     "wikitours-problem-placeholder-unavailable"}]
    assert placeholder and all("$2 is not available" in problem_in(p, "ar")[0] for p in placeholder)
    assert all("only $1, the reader's user name" in problem_in(p, "de")[1] for p in placeholder)


def test_broken_files_reach_every_validate_message():
    """The broken files above reach every message key tours/validate.py uses (a key that no
    input reaches would be untested, and would fail only when a translator's language shows
    it), and every such key is in en.json and documented in qqq.json."""
    used = set(re.findall(r'"(wikitours-[a-z-]+)"', _VALIDATE_SOURCE))
    used -= {"wikitours-what-"}  # the prefix of the phrases _name builds
    used |= {f"wikitours-what-{kind}{at}" for kind in ("tour", "badge", "wiki") for at in ("", "-at-line")}
    used |= {"wikitours-what-step-of", "wikitours-what-step-at-line-of"}
    reached: set[str] = set()
    for _, problems in _validate_problems():
        for problem in problems:
            _keys(problem.text, reached)
            _keys(problem.hint_text, reached)
    assert used - reached == set()
    en = problemtext.messages("en")
    qqq = json.loads((problemtext.I18N_DIR / "qqq.json").read_text("utf-8"))
    for key in used:
        assert key in en, key
        assert qqq.get(key, "").strip(), key
        for n in set(re.findall(r"\$([1-9])", en[key])):
            assert f"${n}" in qqq[key], (key, n)  # every parameter is explained for translators


def test_no_plain_string_problems_left_in_validate():
    """No problem in tours/validate.py is made from an f-string or a plain string any more: each
    message and hint given to ``error``, ``warning`` or ``Problem`` is a ``T(...)`` (possibly
    chosen by ``or`` / ``if``), a variable holding one, or the empty hint."""
    import ast

    def plain_text(node: ast.AST) -> bool:
        if isinstance(node, ast.BoolOp):
            return any(plain_text(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return plain_text(node.body) or plain_text(node.orelse)
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and node.value != ""
        return isinstance(node, (ast.JoinedStr, ast.BinOp))

    checked = 0
    for call in ast.walk(ast.parse(_VALIDATE_SOURCE)):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("error", "warning"):
            texts = call.args[1:3]
        elif isinstance(func, ast.Name) and func.id == "Problem":
            texts = call.args[3:5]
        else:
            continue
        checked += 1
        for text in texts:
            assert not plain_text(text), ast.unparse(call)
    assert checked > 60
