"""Every validation error class of the tour language: exact message, hint and line:column.

Each case is a small tours file; the expected problems are written out in full so that a
changed message or a shifted position fails the test.
"""

from __future__ import annotations

import textwrap

import pytest

from tours.load import load_library

BASE = """\
source-language: en
tours:
  - id: t1
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    steps:
      - id: s1
        title: Hello
        text: World
"""


def step(extra: str) -> str:
    """BASE with more fields for step s1, from line 12 on, indented by 8 spaces."""
    return BASE + textwrap.indent(textwrap.dedent(extra), " " * 8)


def check(text: str) -> list[tuple]:
    library, problems = load_library(text, "t.yaml")
    assert all(p.file == "t.yaml" for p in problems)
    if any(p.severity == "error" for p in problems):
        assert library is None
    else:
        assert library is not None
    return [(p.line, p.column, p.severity, p.message, p.hint) for p in problems]


def test_base_is_valid():
    library, problems = load_library(BASE, "t.yaml")
    assert problems == []
    step_ = library.tours[0].steps[0]
    assert (step_.id, step_.title, step_.text, step_.page.kind, step_.advance) == ("s1", "Hello", "World", "any", "next")
    assert library.tours[0].version == 1
    assert step_.pos.line == 9 and library.tours[0].pos.line == 3


CASES = {
    "unknown field with suggestion": (
        BASE.replace("    minutes: 5\n", "    minutes: 5\n    sumary: x\n"),
        [(8, 5, "error", "unknown field 'sumary' in tour 't1'", "did you mean 'summary'?")],
    ),
    "unknown field without suggestion": (
        step("colour: red\n"),
        [(12, 9, "error", "unknown field 'colour' in step 's1' of tour 't1'",
          "allowed fields: id, page, element, selector, placement, highlight, title, text, skin-text, advance, when, unless")],
    ),
    "missing required field": (
        BASE.replace("    audience: newcomer\n", ""),
        [(3, 5, "error", "tour 't1' has no 'audience'", "add a line 'audience: …'")],
    ),
    "field given twice": (
        step("title: again\n"),
        [(12, 9, "error", "'title' is given twice in step 's1' of tour 't1' (first at line 10)", "keep only one of them")],
    ),
    "wrong type: list for a text": (
        BASE.replace("title: T", "title: [a, b]"),
        [(4, 12, "error", "'title' of tour 't1' must be a text, not a list",
          "write the text on the same line, or after '>-' on the following lines")],
    ),
    "wrong type: steps not a list": (
        BASE.replace("    steps:\n      - id: s1\n        title: Hello\n        text: World\n", "    steps: none\n"),
        [(8, 12, "error", "'steps' of tour 't1' must be a list, not 'none'",
          "write each entry on its own line starting with '- '")],
    ),
    "wrong type: step is a text": (
        BASE + "      - just a sentence\n",
        [(12, 9, "error", "the step at line 12 of tour 't1' must be a set of 'field: value' lines, not 'just a sentence'",
          "write each field on its own line as 'name: value'")],
    ),
    "empty text": (
        BASE.replace("text: World", "text:"),
        [(11, 14, "error", "'text' of step 's1' of tour 't1' is empty", "write the text after 'text:'")],
    ),
    "bad id": (
        BASE.replace("id: t1", "id: First_Edit"),
        [(3, 9, "error", "'First_Edit' is not a valid id", "use lowercase letters, digits and hyphens, like 'first-edit'")],
    ),
    "minutes not a number": (
        BASE.replace("minutes: 5", "minutes: five"),
        [(7, 14, "error", "'minutes' of tour 't1' must be a whole number greater than 0, not 'five'",
          "write a number, like 'minutes: 5'")],
    ),
    "minutes zero": (
        BASE.replace("minutes: 5", "minutes: 0"),
        [(7, 14, "error", "'minutes' of tour 't1' must be a whole number greater than 0, not '0'",
          "write a number, like 'minutes: 5'")],
    ),
    "version not whole": (
        BASE.replace("minutes: 5", "minutes: 5\n    version: 1.5"),
        [(8, 14, "error", "'version' of tour 't1' must be a whole number greater than 0, not '1.5'",
          "write a number, like 'version: 1'")],
    ),
    "quoted number is a text": (
        BASE.replace("minutes: 5", "minutes: '5'"),
        [(7, 14, "error", "'minutes' of tour 't1' must be a whole number greater than 0, not '5'",
          "write a number, like 'minutes: 5'")],
    ),
    "unknown audience": (
        BASE.replace("audience: newcomer", "audience: newcomers"),
        [(6, 15, "error", "unknown audience 'newcomers' in tour 't1'",
          "did you mean 'newcomer'? (one of: newcomer, mentor, trainer)")],
    ),
    "duplicate step id": (
        BASE + "      - id: s1\n        title: A\n        text: B\n",
        [(12, 13, "error", "duplicate step id 's1' in tour 't1' (also at line 9)", "give each step of a tour its own id")],
    ),
    "duplicate tour id": (
        BASE + BASE.split("tours:\n", 1)[1],
        [(12, 9, "error", "duplicate tour id 't1' (also at line 3)", "give each tour its own id")],
    ),
    "unknown tour in requires": (
        BASE.replace("minutes: 5", "minutes: 5\n    requires: [t2]"),  # too short for a suggestion
        [(8, 16, "error", "tour 't1' requires unknown tour 't2'", "check the id of the tour it requires")],
    ),
    "tour requires itself": (
        BASE.replace("minutes: 5", "minutes: 5\n    requires: t1"),
        [(8, 15, "error", "tour 't1' requires itself", "remove it from 'requires'")],
    ),
    "unknown badge": (
        BASE.replace("minutes: 5", "minutes: 5\n    badge: gold"),
        [(8, 12, "error", "tour 't1' earns unknown badge 'gold'", "add the badge under 'badges:', or check its id")],
    ),
    "unknown element": (
        step("element: save-buton\n"),
        [(12, 18, "error", "unknown element 'save-buton' in step 's1' of tour 't1'", "did you mean 'save-button'?")],
    ),
    "element and selector": (
        step("element: textbox\nselector: '#x'\n"),
        [(13, 9, "error", "step 's1' of tour 't1' has both 'element' and 'selector'",
          "keep 'element' (it knows every skin) and remove 'selector', or the other way round")],
    ),
    "invalid selector": (
        step("selector: 'div >'\n"),
        [(12, 19, "error", "'div >' is not a valid CSS selector: Expected selector, got <EOF at 5>",
          "check the selector in the browser's developer tools, or use a catalogue 'element'")],
    ),
    "unknown pseudo-class selector": (
        step("selector: 'a:hovr'\n"),
        [(12, 19, "error", "'a:hovr' is not a valid CSS selector: The pseudo-class :hovr is unknown",
          "check the selector in the browser's developer tools, or use a catalogue 'element'")],
    ),
    "jQuery-only :contains() selector": (
        step("selector: '#p-navigation a:contains(\"Help\")'\n"),
        [(12, 19, "error", "'#p-navigation a:contains(\"Help\")' uses :contains(), which only jQuery understands: "
          "the gadget finds elements with the browser's own CSS (document.querySelector), where it matches nothing",
          "write a plain CSS selector: :first-of-type instead of :first, an id or class instead of :contains() "
          "or :visible; or use a catalogue 'element'")],
    ),
    "jQuery-only :first selector (cssselect parses it)": (
        step("selector: '#content p:first'\n"),
        [(12, 19, "error", "'#content p:first' uses :first, which only jQuery understands: "
          "the gadget finds elements with the browser's own CSS (document.querySelector), where it matches nothing",
          "write a plain CSS selector: :first-of-type instead of :first, an id or class instead of :contains() "
          "or :visible; or use a catalogue 'element'")],
    ),
    "jQuery-only :visible selector": (
        step("selector: '.mw-editsection a:visible'\n"),
        [(12, 19, "error", "'.mw-editsection a:visible' uses :visible, which only jQuery understands: "
          "the gadget finds elements with the browser's own CSS (document.querySelector), where it matches nothing",
          "write a plain CSS selector: :first-of-type instead of :first, an id or class instead of :contains() "
          "or :visible; or use a catalogue 'element'")],
    ),
    "advance click without element": (
        step("advance: click\n"),
        [(12, 18, "error", "'advance: click' on step 's1' of tour 't1' needs an 'element' or a 'selector' to click",
          "add 'element: …', or use 'advance: next'")],
    ),
    "advance saved outside an editor": (
        step("advance: saved\nwhen:\n  action: history\n"),
        [(12, 18, "warning", "'advance: saved' on step 's1' of tour 't1', which never shows in an editor",
          "show the step while editing (when: action: [edit, submit]) or use 'advance: next'")],
    ),
    "advance editor-opened on a special page": (
        step("page: Special:Watchlist\nadvance: editor-opened\n"),
        [(13, 18, "warning", "'advance: editor-opened' on step 's1' of tour 't1', where no editor can be opened",
          "show the step on a page that can be edited, or use 'advance: next'")],
    ),
    "advance visited on the last step": (
        step("advance: visited\n"),
        [(12, 18, "warning", "'advance: visited' on the last step of tour 't1', so there is no next page to visit",
          "use 'advance: next' on the last step")],
    ),
    "unknown placement": (
        step("placement: botom\n"),
        [(12, 20, "error", "unknown placement 'botom' in step 's1' of tour 't1'",
          "did you mean 'bottom'? (one of: auto, top, bottom, start, end)")],
    ),
    "placement left": (
        step("placement: left\n"),
        [(12, 20, "error", "unknown placement 'left' in step 's1' of tour 't1'",
          "use 'start' or 'end', which mirror in right-to-left languages (one of: auto, top, bottom, start, end)")],
    ),
    "unknown advance": (
        step("advance: clik\n"),
        [(12, 18, "error", "unknown advance 'clik' in step 's1' of tour 't1'",
          "did you mean 'click'? (one of: next, click, saved, editor-opened, visited)")],
    ),
    "unknown skin": (
        step("when: {skin: vector2022}\n"),
        [(12, 22, "error", "unknown skin 'vector2022' in 'when' of step 's1' of tour 't1'",
          "did you mean 'vector-2022'? (one of: vector-2022, vector, minerva, monobook, timeless)")],
    ),
    "unknown editor": (
        step("unless: {editor: wysiwyg}\n"),
        [(12, 26, "error", "unknown editor 'wysiwyg' in 'unless' of step 's1' of tour 't1'", "(one of: source, visual, discussion)")],
    ),
    "unknown condition field": (
        step("when: {actoin: view}\n"),
        [(12, 16, "error", "unknown field 'actoin' in 'when' of step 's1' of tour 't1'", "did you mean 'action'?")],
    ),
    "unknown namespace": (
        step("when: {namespace: [User talk, 4, Main, Projekt]}\n"),
        [(12, 48, "error", "unknown namespace 'Projekt' in 'when' of step 's1' of tour 't1'", "did you mean 'Project'?")],
    ),
    "logged-in not a boolean": (
        step("when: {logged-in: maybe}\n"),
        [(12, 27, "error", "'logged-in' of 'when' of step 's1' of tour 't1' must be true or false, not 'maybe'",
          "write 'logged-in: true' or 'logged-in: false'")],
    ),
    "step that can never show": (
        step("when: {editor: source}\nunless: {editor: [source, visual]}\n"),
        [(13, 9, "warning", "step 's1' of tour 't1' can never show: its 'unless' holds whenever its 'when' does",
          "narrow 'unless' or remove it")],
    ),
    "page with invalid characters": (
        step("page: 'Help:A|B'\n"),
        [(12, 15, "error", "'Help:A|B' is not a valid page title: it contains '|'",
          "page titles cannot contain # < > [ ] { } |; for a step on any page use 'page: any'")],
    ),
    "unknown special page": (
        step("page: Special:Watchlst\n"),
        [(12, 15, "error", "there is no special page 'Special:Watchlst'",
          "did you mean 'Special:Watchlist'? (if a wiki extension adds it, list it under 'special-pages:' at the top of the file)")],
    ),
    "unsafe markup in a text": (
        BASE.replace("text: World", "text: Hi <script>alert(1)</script>"),
        [(11, 18, "error", "text of step 's1' of tour 't1': raw HTML (<script>) is not allowed in tour texts",
          "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    ),
    "unsafe markup in a folded text": (
        BASE.replace("text: World", "text: >-\n          Line one is fine and\n          then {{Template}} here,\n"
                     "          <img src=x onerror=alert(1)>"),
        [(13, 16, "error", "text of step 's1' of tour 't1': templates ({{Template}}) are not allowed in tour texts",
          "tour texts cannot use templates; write the text out, or link to a page with [[Page|label]]"),
         (14, 11, "error", "text of step 's1' of tour 't1': raw HTML (<img>) is not allowed in tour texts",
          "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    ),
    "javascript link in a title": (
        BASE.replace("title: T", "title: '[javascript:alert(1) x]'"),
        [(4, 13, "error", "title of tour 't1': links starting with 'javascript:' are not allowed in tour texts",
          "only http:// and https:// links are allowed, like [https://example.org label]")],
    ),
    "bad source language": (
        BASE.replace("source-language: en", "source-language: English"),
        [(1, 18, "error", "'English' is not a language code", "write a MediaWiki language code, like 'en', 'de' or 'pt-br'")],
    ),
    "newer format": (
        "wikitours: 2\n" + BASE,
        [(1, 12, "error", "this file is written for wikitours format 2, but this compiler reads format 1",
          "write 'wikitours: 1' or use a newer wikitours")],
    ),
    "top level is a list": (
        "- a\n- b\n",
        [(1, 1, "error", "the file must be a set of 'field: value' lines, not a list",
          "write each field on its own line as 'name: value'")],
    ),
}

BADGES = """\
badges:
  - id: a
    name: A
    description: D
    requires: {badges: [b]}
  - id: b
    name: B
    description: D
    requires: {badges: [a], tours: [t11]}
  - id: a
    name: A2
    description: D
    requires: {tours: [t1]}
  - id: c
    name: C
    description: D
    requires: {badges: [nope]}
"""

CASES["badges: cycle, unknown tour and badge, duplicate"] = (
    BASE + BADGES,
    [(20, 25, "error", "badge requirement cycle: a → b → a",
      "a badge cannot require itself, directly or through other badges; remove one of these requirements"),
     (20, 37, "error", "badge 'b' requires unknown tour 't11'", "did you mean 't1'?"),
     (21, 9, "error", "duplicate badge id 'a' (also at line 13)", "give each badge its own id"),
     (28, 25, "error", "badge 'c' requires unknown badge 'nope'", "check the badge id")],
)

CYCLE = """\
source-language: en
tours:
  - {id: a, title: A, summary: S, audience: newcomer, minutes: 1, requires: c, steps: [{id: s, title: T, text: X}]}
  - {id: b, title: B, summary: S, audience: newcomer, minutes: 1, requires: a, steps: [{id: s, title: T, text: X}]}
  - {id: c, title: C, summary: S, audience: newcomer, minutes: 1, requires: [b], steps: [{id: s, title: T, text: X}]}
"""
CASES["prerequisite cycle"] = (
    CYCLE,
    [(4, 77, "error", "prerequisite cycle: a → c → b → a",
      "a tour cannot require itself, directly or through other tours; remove one of these requirements")],
)

WIKIS = """\
wikis:
  - id: dewiki
    language: de
    pages:
      "Help:Start": "Hilfe:Start"
      "Help:Bad": "Hilfe:<b>"
    changes:
      - {tour: t1, replace: s1, with: {id: s1-de, title: T, text: X}}
      - {tour: t1, replace: s1, with: {id: s1-de2, title: T, text: X}}
      - {tour: tx, remove: s1}
      - {tour: t1, remove: s11}
      - {tour: t1, after: s1, add: {id: s1, title: T, text: X}}
      - {tour: t1, remove: s1, after: s1}
  - id: dewiki
"""
CASES["wiki variants"] = (
    BASE + WIKIS,
    [(17, 19, "error", "'Hilfe:<b>' is not a valid page title: it contains '<'", "page titles cannot contain # < > [ ] { } |"),
     (20, 29, "error", "step 's1' of tour 't1' is changed twice in wiki 'dewiki' (first at line 19)", "keep one change per step"),
     (21, 16, "error", "wiki 'dewiki' changes unknown tour 'tx'", "check the tour id"),
     (22, 28, "error", "wiki 'dewiki' changes unknown step 's11' of tour 't1'", "did you mean 's1'?"),
     (23, 41, "error", "step id 's1' is already used in tour 't1'",
      "give the local step its own id, like 's1-dewiki', so that its texts get their own translations"),
     (24, 9, "error", "a change of wiki 'dewiki' needs exactly one of 'replace', 'after' or 'remove', not 'after' and 'remove'",
      "write {tour: T, replace: STEP, with: {…}}, {tour: T, after: STEP, add: {…}} or {tour: T, remove: STEP}"),
     (25, 9, "error", "duplicate wiki id 'dewiki' (also at line 13)", "describe each wiki once")],
)


@pytest.mark.parametrize("name", list(CASES))
def test_error_class(name):
    text, expected = CASES[name]
    assert check(text) == expected


def test_all_problems_in_one_pass():
    text = step("element: save-buton\nplacement: botom\nadvance: clik\n").replace("minutes: 5", "minutes: -1")
    found = check(text)
    assert [(line, column) for line, column, *_ in found] == [(7, 14), (12, 18), (13, 20), (14, 18)]


def test_wiki_variant_model():
    text = BASE + """\
wikis:
  - id: dewiki
    language: de
    pages: {"Help:Start": "Hilfe:Start"}
    changes:
      - {tour: t1, after: s1, add: {id: extra, page: sandbox, element: textbox, title: T, text: X}}
      - {tour: t1, remove: s1}
"""
    library, problems = load_library(text, "t.yaml")
    assert problems == []
    wiki = library.wiki("dewiki")
    assert wiki.language == "de" and wiki.pages == (("Help:Start", "Hilfe:Start"),)
    add, remove = wiki.changes
    assert (add.action, add.step_id, add.step.id, add.step.page.kind) == ("insert-after", "s1", "extra", "sandbox")
    assert dict(add.step.target.selectors)["*"] == ("#wpTextbox1",)
    assert (remove.action, remove.step_id, remove.step) == ("remove", "s1", None)


def test_conditions_resolve_namespaces_and_lists():
    library, problems = load_library(
        step("when: {namespace: [User talk, 4, Main, help], action: [edit, submit], editor: source, logged-in: yes}\n"
             "unless: {skin: minerva}\n"), "t.yaml")
    assert problems == []
    s = library.tours[0].steps[0]
    assert s.when.namespaces == (3, 4, 0, 12)
    assert s.when.actions == ("edit", "submit") and s.when.editors == ("source",) and s.when.logged_in is True
    assert s.unless.skins == ("minerva",)


def test_special_pages_subpages_aliases_and_overrides():
    ok = check(step("page: special:contribs/Foo\n"))
    assert ok == []
    text = "special-pages: [Homepage]\n" + step("page: Special:Homepage\n")
    assert check(text) == []
    library, problems = load_library(step("page: Special:Homepage\n"), "t.yaml", extra_special_pages=["Homepage"])
    assert problems == [] and library.tours[0].steps[0].page.kind == "special"


def test_selector_target_and_catalogue_target():
    library, _ = load_library(step("selector: '#p-search input'\n"), "t.yaml")
    assert set(dict(library.tours[0].steps[0].target.selectors).values()) == {("#p-search input",)}
    library, _ = load_library(step("element: search\n"), "t.yaml")
    selectors = dict(library.tours[0].steps[0].target.selectors)
    assert selectors["minerva"] == ("#searchIcon",) and selectors["vector"] == ("#p-search", "#searchform")


def test_yaml_norway_problem_does_not_bite():
    library, problems = load_library(BASE.replace("source-language: en", "source-language: no"), "t.yaml")
    assert problems == [] and library.source_language == "no"


MORE = {
    "placeholder other than $1": (
        BASE.replace("text: World", "text: Hi $1, you have {{PLURAL:$2|one edit|$2 edits}}"),
        [(11, 40, "error", "text of step 's1' of tour 't1': $2 is not available in tour texts",
          "only $1, the reader's user name, is filled in; write other names and numbers out"),
         (11, 52, "error", "text of step 's1' of tour 't1': $2 is not available in tour texts",
          "only $1, the reader's user name, is filled in; write other names and numbers out")],
    ),
    "page and namespace contradict": (
        step("page: user-talk\nwhen: {namespace: Help}\n"),
        [(13, 9, "warning", "step 's1' of tour 't1' can never show: its page is in namespace 3, but 'when' asks "
          "for namespace 12", "remove 'namespace' from 'when', or change 'page'")],
    ),
    "unsafe markup in a badge name": (
        BASE + "badges:\n  - {id: b, name: \"{{Badge}}\", description: D, requires: {tours: t1}}\n",
        [(13, 20, "error", "name of badge 'b': templates ({{Badge}}) are not allowed in tour texts",
          "tour texts cannot use templates; write the text out, or link to a page with [[Page|label]]")],
    ),
    "unsafe markup in a local step": (
        BASE + "wikis:\n  - id: dewiki\n    changes:\n      - tour: t1\n        after: s1\n        add:\n"
               "          id: s2\n          title: T\n          text: \"<style>x</style>\"\n",
        [(20, 18, "error", "text of step 's2' of tour 't1' in wiki 'dewiki': raw HTML (<style>) is not allowed in "
          "tour texts", "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    ),
    "tour earns a badge that does not require it": (
        BASE.replace("minutes: 5", "minutes: 5\n    badge: b") + "badges:\n  - {id: b, name: B, description: D, requires: {tours: []}}\n"
        .replace("tours: []", "badges: [c]") + "  - {id: c, name: C, description: D, requires: {tours: t1}}\n",
        [(8, 12, "warning", "tour 't1' earns badge 'b', but the badge does not require it",
          "add 't1' to 'requires: tours' of badge 'b', so that completing the tour really earns the badge")],
    ),
    "empty tours": (
        "source-language: en\ntours: []\n",
        [(2, 8, "error", "'tours' of the file is empty", "add at least one entry under 'tours:'")],
    ),
    "missing tours and language": (
        "wikitours: 1\n",
        [(1, 1, "error", "the file has no 'source-language'", "add a line 'source-language: …'"),
         (1, 1, "error", "the file has no 'tours'", "add a line 'tours: …'")],
    ),
}


@pytest.mark.parametrize("name", list(MORE))
def test_more_error_classes(name):
    text, expected = MORE[name]
    assert check(text) == expected


@pytest.mark.parametrize("selector", ["li:first-child", "a[title=':first']",
                                      "input[type=text]", "#wpSave:checked", "tr:nth-child(2)",
                                      "li:last-of-type"])
def test_css_selectors_that_look_like_jquery_ones_are_accepted(selector):
    assert check(step(f"selector: \"{selector}\"\n")) == []


def test_control_characters_written_as_escapes_are_refused_with_their_place():
    """Issue 14: YAML refuses raw control characters, but a quoted text can write one with an
    escape; NUL and friends must not reach the popovers and the status pages."""
    text = BASE.replace("title: Hello", 'title: "Hel\\0lo"').replace(
        "text: World", 'text: "Wor\\x07ld \\u001b[1m \\x85 \\uFFFE"').replace(
        "summary: S", 'summary: "tab\\there and\\nline breaks are fine"')
    problems = check(text)
    hint = ("delete it; in a quoted text it may be written as an escape such as \\0, \\x07 "
            "or \\u0000")
    assert problems == [
        (10, 20, "error", "'title' of step 's1' of tour 't1' contains the control character "
         "U+0000 (NUL), which no wiki page or popover can show", hint),
        (11, 19, "error", "'text' of step 's1' of tour 't1' contains the control character "
         "U+0007 (BEL), which no wiki page or popover can show", hint),
        (11, 26, "error", "'text' of step 's1' of tour 't1' contains the control character "
         "U+001B (ESC), which no wiki page or popover can show", hint),
        (11, 36, "error", "'text' of step 's1' of tour 't1' contains the control character "
         "U+0085 (NEL), which no wiki page or popover can show", hint),
    ]  # at most three per text: the fourth (U+FFFE) shows once these are gone


# --- evidence-backed badges (issue 15) ------------------------------------------------------

SAVED = BASE + "        advance: saved\n"


def test_badge_evidence_is_read_and_reference_implies_edit():
    library, problems = load_library(
        SAVED + "badges:\n  - {id: b, name: B, description: D, requires: {tours: t1}, evidence: reference}\n",
        "t.yaml")
    assert problems == []
    assert library.badges[0].evidence == ("edit", "reference")
    assert library.badges[0].evidence_backed
    plain, _ = load_library(SAVED + "badges:\n  - {id: b, name: B, description: D, requires: {tours: t1}}\n", "t.yaml")
    assert plain.badges[0].evidence == () and not plain.badges[0].evidence_backed


CASES["evidence of an unknown kind"] = (
    SAVED + "badges:\n  - {id: b, name: B, description: D, requires: {tours: t1}, evidence: [edit, refs]}\n",
    [(14, 78, "error", "unknown evidence 'refs' in badge 'b'", "(one of: edit, reference)")],
)
CASES["evidence from a tour that saves nothing"] = (
    BASE + "badges:\n  - {id: b, name: B, description: D, requires: {tours: t1}, evidence: edit}\n",
    [(13, 71, "error", "badge 'b' asks for evidence, but the tour 't1' has no step that ends with a saved edit",
      "give a step of 't1' 'advance: saved', or remove 'evidence' so that the badge says the tour was completed")],
)
CASES["evidence without tours"] = (
    SAVED + "badges:\n  - {id: a, name: A, description: D, requires: {tours: t1}}\n"
    "  - {id: b, name: B, description: D, requires: {badges: a}, evidence: edit}\n",
    [(15, 71, "error", "badge 'b' asks for evidence but requires no tours whose edits could show it",
      "list the tours whose edits are the evidence under 'requires: {tours: [...]}', or remove 'evidence'")],
)


@pytest.mark.parametrize("name", ["evidence of an unknown kind", "evidence from a tour that saves nothing",
                                  "evidence without tours"])
def test_evidence_problems(name):
    text, expected = CASES[name]
    assert check(text) == expected


@pytest.mark.parametrize("reserved", ["config", "tours", "translate", "ui", "tasks"])
def test_a_tour_id_the_live_pointer_uses_is_refused(reserved):
    """The loader's live-version pointer (contracts §3) keeps its own entries beside the tours'
    ids; a tour called like one of them would be read from the wrong page."""
    text = BASE.replace("id: t1", f"id: {reserved}")
    assert check(text) == [
        (3, 9, "error", f"the tour id '{reserved}' is reserved for the gadget's own pages "
         "(config, tours, translate, ui, tasks)", f"give the tour another id, for example '{reserved}-tour'"),
    ]
