"""Compiler problems in every language: ``tours.problemtext`` and the Problem model.

The texts are messages of ``i18n/compiler`` (banana JSON); these tests use scratch message
files through ``monkeypatch`` where they need texts the real files do not have, so that what is
tested is the rendering, not today's wording.
"""

from __future__ import annotations

import json
import re

import pytest

from tours import messages, problemtext
from tours.model import Problem
from tours.problemtext import T, Text, format_problem, problem_in, render


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Message files in a scratch folder: write(lang, {key: text})."""
    monkeypatch.setattr(messages, "COMPILER_DIR", tmp_path)
    messages.clear_cache()

    def write(lang: str, texts: dict[str, str]) -> None:
        data = {"@metadata": {"authors": ["test"]}, **texts}
        (tmp_path / f"{lang}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        messages.clear_cache()

    yield write
    messages.clear_cache()


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

_VALIDATE_SOURCE = (Path(__file__).resolve().parents[2] / "tours" / "validate.py").read_text("utf-8")
_HOSTILE_VALUE = "<script>alert(1)</script>{{PLURAL:$1|a|b}}$2"

#: Broken tours files that together reach every problem tours/validate.py can report; values
#: are hostile where a value is quoted (markup, placeholders, PLURAL), to show they stay text.
VALIDATE_BROKEN = {
    "not a mapping": "- a\n- b\n",
    "alternatives and skins": """\
source-language: en
tours:
  - id: t
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    steps:
      - id: a
        title: A
        text: A
        page: Talk:X
        element: reply-link
        when: {skin: vector, dialog: popup}
      - id: b
        title: B
        text: B
        element:
          - {skin: minerva}
          - {element: talk-tab, selector: "#x"}
          - {element: talk-tab, mediawiki: "one.four"}
        when: {skin: minerva}
      - {id: c, title: C, text: C, when: {skin: vector-2022}}
      - {id: d, title: D, text: D, when: {skin: minerva}}
wikis:
  - id: xwiki
    skins: [vector]
    mediawiki: "1.39.x"
""",
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
    badges: [b]
    wikis: []
    title: [a, b]
    summary: ~
    audience: "{_HOSTILE_VALUE}"
    minutes: five
    version: [1]
    requires: [t1, t1, nope, tt2]
    badge: nobadge
    steps:
      - id: s1
        title: "Hello \\0 NUL"
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
      - id: s5b
        title: T
        text: X
        selector: "#content p:first"
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
    "badges asking for evidence they cannot have": """\
source-language: en
tours:
  - id: t1
    title: T
    summary: S
    audience: newcomer
    minutes: 1
    steps:
      - {id: a, title: T, text: X}
badges:
  - {id: b1, name: B, description: D, requires: {tours: t1}, evidence: [edit, refs]}
  - {id: b2, name: B, description: D, requires: {badges: b1}, evidence: edit}
""",
    "a tour named like the gadget's own pages": """\
source-language: en
tours:
  - id: ui
    title: T
    summary: S
    audience: newcomer
    minutes: 1
    steps:
      - {id: a, title: T, text: X}
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
    for lang in ("en", "de", "ar"):  # quoted as each language quotes: '…', „…“, «…»
        assert _HOSTILE_VALUE in problem_in(audience[0], lang)[0]
    # a placeholder quoted from a tour text is shown, not filled in
    placeholder = [p for p in problems if _keys(p.text, set()) >= {"wikitours-problem-in-field",
                                                                     "wikitours-problem-placeholder-unavailable"}]
    for lang in ("en", "de", "ar"):  # "$2" is quoted from the text, "$1" named in the hint
        assert placeholder and all("$2" in problem_in(p, lang)[0] for p in placeholder)
        assert all("$1" in problem_in(p, lang)[1] for p in placeholder)


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


# -- everything else that makes compiler problems (reading files, markup, translations, local
# adaptations, wiki pages, the build, the bots' configuration pages) ------------------------

import ast  # noqa: E402
from dataclasses import replace  # noqa: E402
import os  # noqa: E402

from tours import problemkinds, yamltree  # noqa: E402
from tours.load import MAX_PROBLEMS, _capped, load_file  # noqa: E402
from tours.markup import check_markup  # noqa: E402

_ROOT = Path(__file__).resolve().parents[2]
#: The files whose problems these tests cover (tours/validate.py and publish/sync.py have their own).
_OTHER_SOURCES = ("tours/yamltree.py", "tours/load.py", "tours/markup.py", "tours/i18n.py",
                  "tours/variants.py", "tours/wikisource.py", "tours/build.py", "tours/problemkinds.py",
                  "publish/multiwiki.py", "bot/experiments.py", "bot/mentors.py")

#: Broken inputs of the reader of tours files, hostile where a value is quoted.
_BROKEN_TOURS_FILES = {
    "binary": bytes(range(256)),
    "latin-1": "title: caf\xe9\n".encode("latin-1"),
    "broken UTF-16": b"\xff\xfe\x00\xd8",
    "NUL": "a: b\x00",
    "lone surrogate": "a: \ud800",
    "empty": "",
    "flow not closed": "tours: [1, 2\n",
    "colon in text": "a: b: c\n",
    "tab": "a:\n\tb: 1\n",
    "bad indentation": "a:\n  - x\n - y\n",
    "list item out of line": "- a\n- b\nc: 1\n",
    "simple key without colon": "a: 1\nb\nc: 2\n",
    "unknown escape": 'x: "\\q"\n',
    "two documents": "a: 1\n---\nb: 2\n",
    "extra brace": "{a: 1}}\n",
    "control character": "a: \x01b\n",
    "alias": "a: *x\n",
    "anchor": "a: &x 1\n",
    "tags": "a: !!binary x\nb: !<tag:x> [1]\n",
    "too deep": "[" * (yamltree.MAX_DEPTH + 5),
    "too large": b"a" * (yamltree.MAX_BYTES + 1),
    "too many problems": "a: [" + ", ".join(f"*x{i}" for i in range(MAX_PROBLEMS + 30)) + "]\n",
    "unclosed quote": 'a: "x\n',
}


def _mentor_problems():
    from bot.mentors import MAX_LIST_BYTES, parse_mentor_list

    text = """{"mentors": [
  {"username": "Bob", "weight": -1}, {"username": "Bob", "capacity": 1e9},
  {"username": "Cy", "away-until": "next week"}, {"username": "Cy"},
  {"username": "Eve<script>"}, {"username": "Fay", "notify": "sms", "{{PLURAL:$1|a|b}}": "red"},
  "Gus", {"languages": ["en"]}, {"username": "Hal", "intro": "%s"}, {"username": "Ida", "intro": 5},
  {"username": "Jo", "languages": "de"}, {"username": "Ada"}, {"username": "Ada"}
]}""" % ("x" * 600)
    yield "mentor list", parse_mentor_list(text)[1]
    for broken in ('{"mentors": [', "[]", "", '{"mentors": [1,]}', " " * (MAX_LIST_BYTES + 1)):
        yield f"mentor list {broken[:20]!r}", parse_mentor_list(broken)[1]


def _experiment_problems():
    from bot.experiments import parse_config, parse_report_threshold

    entries = [{"name": "Bad Name"}, {"name": "a", "share": 200}, {"name": "b", "share": 10, "variants": [1, 2]},
               {"name": "c", "share": 10, "variants": [{"id": "x", "tours": "all"}, {"id": "y"}]},
               {"name": "d", "share": 10, "variants": [{"id": "x"}]},
               {"name": "e", "share": 10, "variants": [{"id": "control"}, {"id": "t"}]},
               {"name": "e", "share": 10, "variants": [{"id": "control"}, {"id": "t"}]},
               {"name": "f", "share": 10, "variants": [{"id": "control"}, {"id": "t"}],
                "primary": "happiness", "minimum-effect": 5, "planned-size": 100}]
    yield "experiments", parse_config(json.dumps({"experiments": entries}, indent=1))[1]
    for broken in ('{"experiments": [', "[1]", '{"a": "\\q"}', '{"a": "\x01"}', '{"a": 1} x'):
        yield f"experiments {broken!r}", parse_config(broken)[1]
    yield "threshold", parse_report_threshold('{"report-threshold": 0}')[1]


def _config_problems(tmp: Path):
    from publish.multiwiki import load_config, parse_config

    api = "http://127.0.0.1/api.php"
    cases = [[], {"wikis": []},
             {"library": {"wiki": "nowhere", "tours": "Project:[[X]]", "translations": "P:T"},
              "wikis": [1, {"id": "meta", "api": "javascript:alert(1)", "language": "<b>", "settings": [1],
                            "status": "Project:[[X]]", "passwd": "x"},
                        {"id": "Meta Wiki!", "api": api}, {"id": "m2", "api": api}, {"id": "m2", "api": api}]},
             {"wikis": [{"id": "m", "api": api}]}]
    for n, data in enumerate(cases):
        yield f"config {n}", parse_config(data)[1]
    for name, text in (("b.yaml", "wikis: [unclosed"), ("c.yaml", "a: \x01"), ("d.json", '{"a": 1,}'),
                       ("e.yaml", "a: !foo x")):
        (tmp / name).write_text(text)
        yield f"config {name}", load_config(tmp / name)[1]
    yield "config missing", load_config(tmp / "missing.yaml")[1]


def _translation_problems(tmp: Path):
    from tours.i18n import check, load_banana, read_dir, source_messages

    for name, raw in (("not utf-8", b'{"a": "\xff"}'), ("json", '{"a": "x",\n "b": }'), ("deep", "[" * 100000),
                      ("comma", '{"a": "x" "b": "y"}'),
                      ("list", "[1]"), ("duplicate", '{"a": "x", "a": "y"}'), ("number", '{"a": 1}'),
                      ("escape", '{"a": "\\q"}'), ("unicode escape", '{"a": "\\u12"}'),
                      ("string", '{"a": "x'), ("control", '{"a": "\x01"}'), ("extra", '{} {}'),
                      ("colon", '{"a" 1}'), ("property", "{'a': 1}")):
        yield f"banana {name}", load_banana(raw, "i18n/tours/x.json", "x")[1]
    library, _ = load_file(_ROOT / "tours.yaml")
    keys = list(source_messages(library))
    hostile = "$9 {{PLURAL:$1|a|b}}"
    de = {"@metadata": {"source-hashes": {keys[1]: "00000000"}},
          keys[0]: "Hallo $7 <script>x</script> {{Vorlage}}", keys[1]: "veraltet", keys[2]: "ohne Hash",
          keys[3]: "mit \u0000 NUL", hostile: "x"}
    files = {"de": load_banana(json.dumps(de), "i18n/tours/de.json", "de")[0],
             "xx-unknown": load_banana("{}", "i18n/tours/xx-unknown.json", "xx-unknown")[0],
             "qqq": load_banana(json.dumps({hostile: "doc"}), "i18n/tours/qqq.json", "qqq")[0]}
    yield "translations", list(check(library, files).problems)
    (tmp / "i18n").mkdir()
    (tmp / "i18n" / "de.json").mkdir()  # a folder named like a file cannot be read
    yield "read_dir", read_dir(tmp / "i18n")[1]
    from tours.i18n import _load_library

    yield "status reading", _load_library(str(tmp / "missing.yaml"))[1]
    # the pure-Python JSON decoder words two errors differently (the C one is used when present)
    yield "json kinds", [Problem("f", 1, 1, T("wikitours-problem-json-invalid", problemkinds.json_error_text(
        json.JSONDecodeError(msg, "", 0)))) for msg in ("Invalid \\escape: 'q'", "Invalid control character '\\n' at")]


def _variant_and_page_problems():
    from tests.compiler.test_render import sample_library
    from tours.model import PageRef, Position, Step, StepChange, WikiVariant
    from tours.variants import apply_variant
    from tours.wikisource import SourcePage, load_from_pages

    lib = sample_library()
    variant = WikiVariant("zwiki", "en", (), (
        StepChange("first-edit", "remove", "welcome", pos=Position(40, 9)),
        StepChange("first-edit", "replace", "welcome", Step("welcome", "W", "T", PageRef("sandbox"))),
        StepChange("first-edit", "replace", "gone", Step("gone", "W", "T", PageRef("sandbox"))),
        StepChange("no-such-tour", "remove", "x"),
        StepChange("first-edit", "insert-after", "open-editor"),
        StepChange("mentor-basics", "remove", "mentor-list"),
        StepChange("first-edit", "insert-after", "open-editor", Step("open-editor", "d", "d", PageRef("sandbox"))),
    ))
    yield "variant", apply_variant(lib, variant)[1]
    tour = "id: {id}\ntitle: T\nsummary: S.\naudience: newcomer\nminutes: 5\nversion: 1\nsteps:\n" \
           "  - id: one\n    page: sandbox\n    title: One\n    text: One.\n"
    prefix = "Project:Wikitours/Tours/"
    pages = [SourcePage(f"{prefix}a.yaml", tour.format(id="other")), SourcePage(f"{prefix}b.yaml", "# empty\n")]
    header = SourcePage("Project:Wikitours/Library.yaml", "wikitours: 1\ntours:\n  - id: x\n")
    local = SourcePage("Project:Wikitours/Local.yaml", "# nothing\n")
    yield "wiki pages", list(load_from_pages(pages, header=header, local=local, prefix=prefix).problems)
    yield "wiki page named wrongly", list(load_from_pages(pages[:1], prefix=prefix).problems)
    draft = SourcePage("Project:Wikitours/Drafts/c.yaml", tour.format(id="d"))
    yield "draft named wrongly", list(load_from_pages([pages[0], draft], prefix=prefix).problems)
    yield "no wiki pages", list(load_from_pages([], prefix=prefix).problems)
    ordered = SourcePage("Project:Wikitours/Library.yaml", "order: [Bad Id, x, x, gone]\n")
    yield "header order", list(load_from_pages(pages[:1], header=ordered, prefix=prefix).problems)


def _build_problems(tmp: Path):
    from tests.compiler.test_render import sample_library
    from tours import build
    from tours.i18n import load_banana

    lib = sample_library()
    pages = {"en": load_banana('{"wikitours-x": "X $1"}', "i18n/pages/en.json", "en")[0],
             "de": load_banana('{"wikitours-x": "X $1 $2 $3"}', "i18n/pages/de.json", "de")[0]}
    translations = build.Translations({}, pages, {"de": pages["de"]}, {})
    yield "build prefix", list(build.build_pages(lib, translations, prefix="[[x]]", gadget=False).problems)
    yield "build wiki", list(build.build_pages(lib, translations, wiki="nowiki", gadget=False).problems)
    yield "build no wikis", list(build.build_pages(replace(lib, wikis=()), translations, wiki="nowiki",
                                                   gadget=False).problems)
    yield "build interface texts", build._check_page_messages({}, "pages")
    yield "build reading", build._load(str(tmp / "missing.yaml"))[2]
    translations = build.Translations({}, {"en": pages["en"]}, {})  # no problems of their own
    first = build.build_pages(lib, translations, gadget=False).pages[0]
    original = build.render_badge_page
    try:  # a badge page whose title clashes with the first page's
        build.render_badge_page = lambda site, badge, lang: first
        yield "build same title", list(build.build_pages(lib, translations, gadget=False).problems)
    finally:
        build.render_badge_page = original
    original = build.render_catalogue
    try:  # the renderers' refusals of a title
        for text in ("the first page of tour 'x' cannot be linked: 'a|b'", "not a title that can be linked: 'a|b'",
                     "something else"):
            def refuse(site, lang, text=text):
                raise ValueError(text)
            build.render_catalogue = refuse
            yield f"build {text}", list(build.build_pages(lib, translations, gadget=False).problems)
    finally:
        build.render_catalogue = original


def _reader_problems(tmp: Path):
    for name, data in _BROKEN_TOURS_FILES.items():
        library, problems = load_library(data, "f.yaml")
        assert library is None and problems, name
        yield name, problems
    yield "missing file", load_file(tmp / "missing.yaml")[1]
    yield "folder", load_file(tmp)[1]
    yield "not a folder", load_file("/proc/self/status/x")[1]
    from tours import load

    original = load.validate
    try:  # a bug in the validator must still give a problem, with the exception as a parameter
        load.validate = lambda *args: {}["no such key"]
        yield "bug", load_library("a: 1\n", "f.yaml")[1]
    finally:
        load.validate = original
    original = yamltree._build
    try:
        yamltree._build = lambda *args: (_ for _ in ()).throw(RecursionError())
        yield "too complex", load_library("a: 1\n", "f.yaml")[1]
    finally:
        yamltree._build = original
    big = tmp / "big.yaml"
    with open(big, "wb") as handle:
        handle.truncate(yamltree.MAX_BYTES + 1)  # sparse: large without writing it
    yield "large file", load_file(big)[1]


def _markup_problems():
    from tests.compiler.test_markup import UNSAFE

    for text in list(UNSAFE) + ["a {{PLURAL:$1|x", "[[" * 20 + "x", "{{PLURAL:1|[[a|" * 12, "<kbd>x", "Intro\n# one",
                                "Intro\n: x", "Intro\n; x", "[https://example.org/x<b>", "[https://example.org a\nb]"]:
        yield text, [Problem("f", 1, issue.offset + 1, issue.message, issue.hint) for issue in check_markup(text)]


@pytest.fixture(scope="module")
def other_problems(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("problems")
    found = []
    for source in (_reader_problems(tmp), _markup_problems(), _translation_problems(tmp),
                   _variant_and_page_problems(), _build_problems(tmp), _config_problems(tmp),
                   _experiment_problems(), _mentor_problems()):
        for name, problems in source:
            assert problems, name
            found += [(name, p) for p in problems]
    return found


def test_every_other_compiler_problem_is_translatable(other_problems):
    """Every problem the broken inputs above produce (reading, markup, translation files, local
    adaptations, wiki pages, build, the bots' configuration pages) carries a translatable text
    whose English is the problem's message, and renders in de and ar (English until translated)
    with parameters left as they are."""
    for name, problem in other_problems:
        assert isinstance(problem.text, Text), (name, str(problem))
        assert problem.hint == "" or isinstance(problem.hint_text, Text), (name, str(problem))
        assert render(problem.text, "en") == problem.message, (name, str(problem))
        if problem.hint:
            assert render(problem.hint_text, "en") == problem.hint, (name, str(problem))
        for lang in ("de", "ar"):
            message, hint = problem_in(problem, lang)
            assert message and bool(hint) == bool(problem.hint), (name, lang)
    assert len(other_problems) > 300


def test_other_problems_keep_hostile_values_as_text(other_problems):
    by_name = {}
    for name, problem in other_problems:
        by_name.setdefault(name, []).append(problem)
    # a message key quoted from a translation file is shown, never filled in or pluralised
    unknown = [p for p in by_name["translations"] if p.text.key == "wikitours-problem-messages-unknown-key"]
    assert len(unknown) == 2
    for lang in ("en", "de", "ar"):
        assert all("$9 {{PLURAL:$1|a|b}}" in problem_in(p, lang)[0] for p in unknown)
    mentors = [p for p in by_name["mentor list"] if p.text.key == "wikitours-problem-mentors-unknown-field"]
    assert len(mentors) == 1
    for lang in ("en", "de", "ar"):
        message = problem_in(mentors[0], lang)[0]
        assert "mentors[6]" in message and "{{PLURAL:$1|a|b}}" in message, (lang, message)
    # the syntax of tour texts named in markup problems stays as written
    [plural] = [p for _, p in other_problems if p.text.key == "wikitours-problem-markup-plural-needs-number"]
    for lang in ("en", "de", "ar"):
        message = problem_in(plural, lang)[0]
        assert "{{PLURAL:…}}" in message and message.endswith("{{PLURAL:$2|one edit|$2 edits}}"), message


def test_known_library_errors_have_messages_of_their_own(other_problems):
    """YAML, JSON and file errors of known kinds are messages, not the library's English text."""
    reached: set[str] = set()
    for _, problem in other_problems:
        _keys(problem.text, reached)
    assert {"wikitours-problem-yaml-expected-comma-or-bracket", "wikitours-what-yaml-while-parsing-flow-sequence",
            "wikitours-problem-yaml-mapping-values-here", "wikitours-problem-yaml-control-character",
            "wikitours-what-yaml-problem-while", "wikitours-problem-json-expecting-value",
            "wikitours-problem-json-expecting-comma", "wikitours-problem-json-expecting-property-name",
            "wikitours-problem-json-invalid-escape", "wikitours-problem-json-extra-data",
            "wikitours-problem-os-no-such-file", "wikitours-problem-os-not-a-directory"} <= reached
    # every kind of the maps is a message with the library's own wording as its English text
    en = problemtext.messages("en")
    for mapping in (yamltree.YAML_PROBLEMS, yamltree.YAML_CONTEXTS, problemkinds.JSON_ERRORS):
        for wording, key in mapping.items():
            assert en[key] == wording, key
    for number, key in problemkinds.OS_ERRORS.items():
        assert en[key] == os.strerror(number), key
    # an unknown kind falls back to the library's text as a parameter, never to an exception
    assert render(T("wikitours-problem-json-invalid", problemkinds.json_error_text(ValueError("odd")))) == \
        "not valid JSON: odd"


def test_other_messages_are_in_en_json_and_documented(other_problems):
    """Every key my files use is in en.json and documented in qqq.json with each of its $N; the
    broken inputs reach all but the few listed here (which need a broken installation)."""
    sources = "\n".join((_ROOT / name).read_text("utf-8") for name in _OTHER_SOURCES)
    used = set(re.findall(r'"(wikitours-(?:problem|hint|what)-[a-z0-9-]+)"', sources))
    en = problemtext.messages("en")
    qqq = json.loads((problemtext.I18N_DIR / "qqq.json").read_text("utf-8"))
    for key in used:
        assert key in en, key
        assert qqq.get(key, "").strip(), key
        for n in set(re.findall(r"\$([1-9])", en[key])):
            assert f"${n}" in qqq[key], (key, n)
    reached: set[str] = set()
    for _, problem in other_problems:
        _keys(problem.text, reached)
        _keys(problem.hint_text, reached)
    libraries = (set(yamltree.YAML_PROBLEMS.values()) | set(yamltree.YAML_CONTEXTS.values())
                 | set(problemkinds.JSON_ERRORS.values()) | set(problemkinds.OS_ERRORS.values()))
    unreachable_here = {
        "wikitours-problem-file-too-many-values", "wikitours-hint-split-file",  # 2 million values: too slow here
        "wikitours-hint-yaml-no-aliases",  # libyaml's parser never resolves aliases (kept for the pure reader)
        "wikitours-hint-translation-safe-subset",  # every markup issue has a hint of its own
        # the joined file always holds the local page's entry: the validator reports an empty one first
        "wikitours-problem-wikisource-no-adaptation", "wikitours-hint-wikisource-no-adaptation",
    }
    assert used - libraries - reached - unreachable_here == set()


def test_no_plain_string_problems_left_in_other_files():
    """No problem in my files is made from an f-string or a plain string: each message and hint
    passed to ``Problem`` or to a file's own helper (``err``, ``problem``, ``bad``, ``add``) is a
    ``T(...)``, a variable or a call returning one."""

    def plain_text(node: ast.AST) -> bool:
        if isinstance(node, ast.BoolOp):
            return any(plain_text(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return plain_text(node.body) or plain_text(node.orelse)
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and node.value not in ("", "warning", "error")
        return isinstance(node, (ast.JoinedStr, ast.BinOp))

    checked = 0
    for name in _OTHER_SOURCES:
        for call in ast.walk(ast.parse((_ROOT / name).read_text("utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            if isinstance(func, ast.Name) and func.id == "Problem":
                texts = call.args[3:5] + [k.value for k in call.keywords if k.arg in ("message", "hint")]
            elif isinstance(func, ast.Name) and func.id in ("err", "problem", "bad"):
                texts = call.args[:2] if func.id == "err" else call.args[1:3] if func.id == "problem" else call.args
            elif isinstance(func, ast.Attribute) and func.attr == "add" and name == "tours/markup.py":
                texts = call.args[1:3]
            else:
                continue
            checked += 1
            for text in texts:
                assert not plain_text(text), (name, ast.unparse(call))
    assert checked > 120


def test_cleaned_problems_keep_their_translatable_text_clean():
    """A value quoted from a file may hold control characters or be huge: the translatable
    parameters are escaped and shortened like the English message, so no language's output
    can forge lines or drive a terminal."""
    value = "x\x1b[2J\ny" * 200
    [problem] = _capped([Problem("f", 1, 1, T("wikitours-problem-messages-unknown-key", value),
                                 T("wikitours-hint-markup-remove-it"))], "f")
    for lang in ("en", "de", "ar"):
        message = problem_in(problem, lang)[0]
        assert "\x1b" not in message and "\n" not in message and len(message) < 400
    assert problem.message.startswith("unknown key 'x\\x1b[2J\\ny")
