"""The reference of the tour language for editors on the wiki (``<prefix>/Tour language[/<lang>]``).

The status page and the edit notice of the sync send editors to this page, and editors on a wiki
never see the repository's ``docs/tour-language.md``; so the build generates it, in every page
language, from the same tables the validator checks with (:mod:`tours.validate`,
:mod:`tours.catalogue`, :mod:`tours.model`): a field the validator accepts is listed here with its
allowed values, and a new field without a description is a missing message, not a silent gap.

Every sentence is a message of ``i18n/reference`` (banana JSON); the English ones also describe
the fields in the JSON Schema (:mod:`tours.schemagen`), so the schema and the page say the same.
Field names and values are what editors type, so they are shown as code in every language.

The example is a fixed tour (:data:`EXAMPLE`), not a quote of the library: a page that quoted
the first tour was rewritten in every language whenever that tour changed. It is written as YAML
by a small emitter that never writes ``<`` or ``~`` (they become ``\\u`` escapes in a quoted
scalar): a text can then neither close the ``<syntaxhighlight>`` block nor sign the page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from tours import catalogue
from tours.languages import language
from tours.markup import INTERFACE_MESSAGES, LITERAL_ENTITIES
from tours.model import (
    ADVANCES,
    AUDIENCES,
    EVIDENCE_KINDS,
    PLACEMENTS,
    Conditions,
    Library,
    PageRef,
    Step,
    Target,
    Tour,
)
from tours.render.common import Page, Site, render_text
from tours.render.wikitext import attr, comment, plain
from tours.validate import (
    ALTERNATIVE_FIELDS,
    ACTIONS,
    BADGE_FIELDS,
    BADGE_REQUIRES_FIELDS,
    CHANGE_FIELDS,
    CONDITION_FIELDS,
    DIALOGS,
    EDITORS,
    FORMAT,
    PAGE_KEYWORDS,
    SKIN_NAMES,
    STEP_FIELDS,
    TOP_FIELDS,
    TOUR_FIELDS,
    WIKI_FIELDS,
)

__all__ = ["PAGE_NAME", "PREFIX", "SECTIONS", "Section", "EXAMPLE", "reference_title", "render_reference",
           "example_yaml", "english", "field_description", "section_intro", "used_keys",
           "english_messages", "read_reference_messages", "I18N_DIR"]

#: The subpage of the help prefix (``Help:Wikitours/Tour language``); the sync links it.
PAGE_NAME = "Tour language"
#: Every message of the page starts with this.
PREFIX = "wikitours-reference-"
I18N_DIR = Path(__file__).resolve().parent.parent.parent / "i18n" / "reference"
#: Steps of a tour shown in an example (a short tour, still complete and valid).
EXAMPLE_STEPS = 3

#: The page's example: fixed, and showing a page, an element, a click and a condition.
EXAMPLE = Library("en", (Tour(
    "first-edit", "Your first edit",
    "Make your first edit in your own sandbox, a page where you can try anything.",
    "newcomer", 5, 1, (
        Step("welcome", "This is your sandbox",
             "Your sandbox is a page of your own where you can try anything.",
             PageRef("sandbox")),
        Step("open-editor", "Open the editor",
             "Click '''Edit source''' to open the editor for this page.", PageRef("sandbox"),
             Target(element="edit-source-tab"), placement="bottom", advance="click",
             when=Conditions(actions=("view",))),
        Step("write", "Write something", "Type a sentence or two in the box.",
             PageRef("sandbox"), Target(element="textbox"), placement="top",
             when=Conditions(actions=("edit", "submit"), editors=("source",))),
    )),))


@dataclass(frozen=True)
class Section:
    """One table of the page: an object of the language and the validator's table of its fields
    (``name → required``), or, for ``page``, the keywords a step's page may be."""

    id: str
    fields: Mapping[str, bool] | None = None
    values: tuple[str, ...] = ()


SECTIONS = (
    Section("header", TOP_FIELDS),
    Section("tour", TOUR_FIELDS),
    Section("step", STEP_FIELDS),
    Section("alternative", ALTERNATIVE_FIELDS),
    Section("page", values=PAGE_KEYWORDS),
    Section("condition", CONDITION_FIELDS),
    Section("badge", BADGE_FIELDS),
    Section("badge-requires", BADGE_REQUIRES_FIELDS),
    Section("wiki", WIKI_FIELDS),
    Section("change", CHANGE_FIELDS),
)
from tours.i18n import read_dir

# What each field takes: ("enum", values) lists the values as code; ("msg", key, params) is a
# value message; ("see"/"list", section) links the section describing it; ("code", values).
_TEXT = ("msg", "value-text", ())
_ID = ("msg", "value-id", ())
_IDS = ("msg", "value-ids", ())
_NUMBER = ("msg", "value-number", ())
_BOOLEAN = ("msg", "value-either", ("true", "false"))
VALUES: dict[tuple[str, str], tuple] = {
    ("header", "wikitours"): ("code", (str(FORMAT),)),
    ("header", "source-language"): ("msg", "value-language", ("en",)),
    ("header", "tours"): ("list", "tour"),
    ("header", "badges"): ("list", "badge"),
    ("header", "wikis"): ("list", "wiki"),
    ("header", "special-pages"): ("msg", "value-names", ()),
    ("tour", "id"): _ID,
    ("tour", "title"): _TEXT,
    ("tour", "summary"): _TEXT,
    ("tour", "audience"): ("enum", AUDIENCES),
    ("tour", "minutes"): _NUMBER,
    ("tour", "version"): _NUMBER,
    ("tour", "requires"): _IDS,
    ("tour", "badge"): _ID,
    ("tour", "steps"): ("list", "step"),
    ("step", "id"): _ID,
    ("step", "page"): ("see", "page"),
    ("step", "element"): ("enum", tuple(catalogue.ELEMENTS)),
    ("step", "selector"): ("msg", "value-selector", ()),
    ("alternative", "element"): ("enum", tuple(catalogue.ELEMENTS)),
    ("alternative", "selector"): ("msg", "value-selector", ()),
    ("alternative", "skin"): ("enum", SKIN_NAMES),
    ("alternative", "mediawiki"): ("code", ('"1.43"', '"1.43+"', '"1.39-1.42"')),
    ("alternative", "discussion-tools"): _BOOLEAN,
    ("step", "placement"): ("enum", PLACEMENTS),
    ("step", "highlight"): _BOOLEAN,
    ("step", "title"): _TEXT,
    ("step", "text"): _TEXT,
    ("step", "skin-text"): ("enum", SKIN_NAMES),
    ("step", "advance"): ("enum", ADVANCES),
    ("step", "when"): ("see", "condition"),
    ("step", "unless"): ("see", "condition"),
    ("condition", "action"): ("enum", ACTIONS),
    ("condition", "namespace"): ("msg", "value-namespace", ("User talk",)),
    ("condition", "skin"): ("enum", SKIN_NAMES),
    ("condition", "editor"): ("enum", EDITORS),
    ("condition", "logged-in"): _BOOLEAN,
    ("condition", "previewing"): _BOOLEAN,
    ("condition", "showing-changes"): _BOOLEAN,
    ("condition", "watched"): _BOOLEAN,
    ("condition", "dialog"): ("enum", DIALOGS),
    ("badge", "id"): _ID,
    ("badge", "name"): _TEXT,
    ("badge", "description"): _TEXT,
    ("badge", "requires"): ("see", "badge-requires"),
    ("badge", "evidence"): ("enum", EVIDENCE_KINDS),
    ("badge-requires", "tours"): _IDS,
    ("badge-requires", "badges"): _IDS,
    ("wiki", "id"): ("msg", "value-database", ()),
    ("wiki", "language"): ("msg", "value-language", ("de",)),
    ("wiki", "pages"): ("msg", "value-title-map", ()),
    ("wiki", "changes"): ("list", "change"),
    ("wiki", "skins"): ("enum", SKIN_NAMES),
    ("wiki", "mediawiki"): ("code", ('"1.43"',)),
    ("change", "tour"): _ID,
    ("change", "replace"): _ID,
    ("change", "with"): ("see", "step"),
    ("change", "after"): _ID,
    ("change", "add"): ("see", "step"),
    ("change", "remove"): _ID,
}

#: Values and field names a description names; shown as code, never translated. The tests check
#: that each is still a value or field of the validator.
DESCRIPTION_PARAMS: dict[str, tuple[str, ...]] = {
    "step-placement": ("start", "end"),
    "step-highlight": ("true",),
    "step-advance": ("next", "click", "saved", "editor-opened", "visited"),
    "condition-action": ("view", "edit", "submit"),
    "condition-editor": ("source", "visual", "discussion"),
    "condition-logged-in": ("true", "false"),
    "wiki-id": ("dewiki",),
    "change-replace": ("with",),
    "change-after": ("add",),
    "page-intro": ("page",),
    "condition-intro": ("when", "unless"),
    "badge-requires-intro": ("requires",),
    "change-intro": ("replace", "after", "remove"),
    "page-title": ("Special:Watchlist",),
    "texts": ("$1",),
    "texts-literal": ("<nowiki>[[…]]</nowiki>", " ".join(LITERAL_ENTITIES), "{{int:savearticle}}",
                      ", ".join(INTERFACE_MESSAGES)),
    "wiki-layout": ("id:", "Project:Wikitours/Tours/first-edit.yaml", "order:", "Project:Wikitours/Library.yaml"),
}

#: Messages used as they are (besides the per-section and per-field ones).
_FIXED = ("title", "intro", "example-heading", "example-intro", "texts", "texts-literal", "wiki-layout", "column-field",
          "column-required", "column-values", "column-description", "column-value",
          "required-yes", "required-no")


def used_keys() -> set[str]:
    """Every message key the page can use (the tests compare it with ``en.json``)."""
    keys = {PREFIX + k for k in _FIXED}
    for section in SECTIONS:
        keys |= {PREFIX + section.id + "-heading", PREFIX + section.id + "-intro"}
        for name in section.fields or ():
            keys.add(PREFIX + f"{section.id}-{name}")
        for value in section.values:
            keys.add(PREFIX + f"{section.id}-{value}")
    keys.add(PREFIX + "page-title")
    keys.add(PREFIX + "value-title")
    for spec in VALUES.values():
        if spec[0] == "msg":
            keys.add(PREFIX + spec[1])
        elif spec[0] == "list":
            keys.add(PREFIX + "value-list")
        elif spec[0] == "see":
            keys.add(PREFIX + "value-see")
    return keys


@lru_cache(maxsize=1)
def read_reference_messages() -> tuple[Mapping, tuple]:
    """The shipped ``i18n/reference`` files (``lang → MessageFile``) and the problems reading
    them; read once per process (the sync builds many wikis)."""
    files, problems = read_dir(I18N_DIR)
    return files, tuple(problems)


# ---------------------------------------------------------------------------------------------
# English, for the JSON Schema


@lru_cache(maxsize=1)
def english_messages() -> Mapping[str, str]:
    """The English messages of ``i18n/reference/en.json``: the one source of field descriptions."""
    data = json.loads((I18N_DIR / "en.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("@")}


def english(name: str, params: tuple[str, ...] | None = None) -> str:
    """Message *name* (without the prefix) in English, placeholders filled with their plain
    values: the schema's descriptions are plain text."""
    text = english_messages()[PREFIX + name]
    values = DESCRIPTION_PARAMS.get(name, ()) if params is None else params
    return re.sub(r"\$([1-9])", lambda m: values[int(m.group(1)) - 1]
                  if int(m.group(1)) <= len(values) else m.group(0), text)


def field_description(section: str, name: str) -> str:
    """The English description of field *name* of *section*: ``field_description("step", "page")``."""
    return english(f"{section}-{name}")


def section_intro(section: str) -> str:
    return english(f"{section}-intro")


# ---------------------------------------------------------------------------------------------
# The example


_RESERVED = re.compile(r"(?i)(true|false|yes|no|on|off|y|n|null|~|[-+.0-9][-+.0-9_eE:xXoObB]*"
                       r"|\.inf|\.nan|-\.inf)\Z")
_PLAIN_OK = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`<~\x7f]"
                       r"[^\n\t\r\x00-\x1f\x7f<~\u0085\u2028\u2029\ufeff]*\Z")


def _scalar(value: str, quote: bool = False) -> str:
    """*value* as a YAML scalar: plain when that reads back the same (and not *quote*), else
    double-quoted with ``<``, ``~`` and control characters escaped (JSON escapes are YAML's)."""
    if (not quote and _PLAIN_OK.match(value) and not value.endswith((" ", ":"))
            and ": " not in value and " #" not in value and not _RESERVED.match(value)):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return (quoted.replace("<", "\\u003c").replace("~", "\\u007e").replace("\x7f", "\\u007f")
            .replace("\u0085", "\\u0085").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029").replace("\ufeff", "\\ufeff"))


def _words(values: tuple, q) -> str:
    items = [q(str(v)) for v in values]
    return items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"


def _conditions(name: str, c: Conditions, indent: str, q) -> list[str]:
    if c.is_empty():
        return []
    out = [f"{indent}{name}:"]
    for key, values in (("action", c.actions), ("skin", c.skins), ("editor", c.editors)):
        if values:
            out.append(f"{indent}  {key}: {_words(values, q)}")
    if c.namespaces:  # numbers, written as numbers
        numbers = [str(int(n)) for n in c.namespaces]
        out.append(f"{indent}  namespace: " + (numbers[0] if len(numbers) == 1
                                               else "[" + ", ".join(numbers) + "]"))
    if c.logged_in is not None:
        out.append(f"{indent}  logged-in: {'true' if c.logged_in else 'false'}")
    return out


def _step(step: Step, indent: str, q) -> list[str]:
    out = [f"{indent}- id: {q(step.id)}"]
    inner = indent + "  "
    page = step.page
    if page.kind in ("title", "special") and page.title:
        out.append(f"{inner}page: {q(page.title)}")
    elif page.kind != "any":
        out.append(f"{inner}page: {q(page.kind)}")
    if step.target is not None and step.target.element:
        out.append(f"{inner}element: {q(step.target.element)}")
    elif step.target is not None and step.target.selector:
        out.append(f"{inner}selector: {q(step.target.selector)}")
    if step.placement != "auto":
        out.append(f"{inner}placement: {q(step.placement)}")
    if not step.highlight:
        out.append(f"{inner}highlight: false")
    out.append(f"{inner}title: {q(step.title)}")
    out.append(f"{inner}text: {q(step.text)}")
    if step.advance != "next":
        out.append(f"{inner}advance: {q(step.advance)}")
    out.extend(_conditions("when", step.when, inner, q))
    out.extend(_conditions("unless", step.unless, inner, q))
    return out


def _tour_yaml(library: Library, tour: Tour, quote: bool) -> str:
    def q(value: str) -> str:
        return _scalar(value, quote)

    lines = [f"wikitours: {FORMAT}", f"source-language: {q(library.source_language)}",
             "", "tours:", f"  - id: {q(tour.id)}", f"    title: {q(tour.title)}",
             f"    summary: {q(tour.summary)}", f"    audience: {q(tour.audience)}",
             f"    minutes: {tour.minutes}", "    steps:"]
    for step in tour.steps[:EXAMPLE_STEPS]:
        lines.extend(_step(step, "      ", q))
    return "\n".join(lines) + "\n"


def example_yaml(library: Library) -> str:
    """A complete tours file holding the first steps of *library*'s first tour ("" without one).

    The result is checked by reading it back: should the plain emitter ever misjudge a text, the
    reading differs and every text is written quoted instead.
    """
    if not library.tours:
        return ""
    tour = library.tours[0]
    text = _tour_yaml(library, tour, False)
    try:
        data = yaml.safe_load(text)
        back = data["tours"][0]
        same = (back["title"] == tour.title and back["summary"] == tour.summary
                and [(s["title"], s["text"]) for s in back["steps"]]
                == [(s.title, s.text) for s in tour.steps[:EXAMPLE_STEPS]])
    except (yaml.YAMLError, KeyError, TypeError, IndexError):
        same = False
    return text if same else _tour_yaml(library, tour, True)


# ---------------------------------------------------------------------------------------------
# The page


def reference_title(site: Site, lang: str) -> str:
    """``<prefix>/Tour language`` in the base language, ``…/Tour language/<lang>`` otherwise."""
    suffix = "" if lang == site.base_language else f"/{lang}"
    return f"{site.prefix}/{PAGE_NAME}{suffix}"


def _anchor(section: str) -> str:
    return f"wikitours-reference-{section}"


def _code(value: str, nowrap: bool = False) -> str:
    """*value* as code, always left to right (``$1`` would read ``1$`` in an Arabic sentence);
    field names do not break at their hyphens."""
    style = ' style="white-space:nowrap"' if nowrap else ""
    return f'<code dir="ltr"{style}>{plain(value)}</code>'


class _Writer:
    """Renders the messages of one page language (each looked up once)."""

    def __init__(self, site: Site, lang: str, texts) -> None:
        self.site, self.lang, self.texts = site, lang, texts
        self.sep = site.separator(lang)

    def msg(self, name: str, params: tuple[str, ...] | None = None, *, links: bool = True) -> str:
        values = DESCRIPTION_PARAMS.get(name, ()) if params is None else params
        return render_text(self.texts.get(PREFIX + name, self.lang), self.lang,
                           tuple(_code(v) for v in values), links=links)

    def heading(self, section: str) -> str:
        return self.msg(f"{section}-heading", (), links=False)

    def section_link(self, section: str) -> str:
        return f"[[#{_anchor(section)}|{self.heading(section)}]]"

    def values(self, spec: tuple) -> str:
        kind = spec[0]
        if kind in ("enum", "code"):
            return self.sep.join(_code(v) for v in spec[1])
        if kind == "msg":
            return self.msg(spec[1], spec[2])
        name = "value-list" if kind == "list" else "value-see"
        return render_text(self.texts.get(PREFIX + name, self.lang), self.lang,
                           (self.section_link(spec[1]),))


def _header(w: _Writer, *names: str) -> str:
    """A header row; ``!`` is escaped in the cells, since ``!!`` would start another cell."""
    cells = [w.msg(f"column-{name}", (), links=False).replace("!", "&#33;") for name in names]
    return "! " + " !! ".join(cells)


def _table(w: _Writer, section: Section) -> list[str]:
    out = ['{| class="wikitable wikitours-reference-table"']
    if section.fields is None:
        out.append(_header(w, "value", "description"))
        for value in section.values:
            out += [f'|- data-field="{attr(section.id + "." + value)}"', f"| {_code(value, True)}",
                    f"| {w.msg(f'{section.id}-{value}')}"]
        out += [f'|- data-field="{attr(section.id)}.title"', f"| {w.msg('value-title', ())}",
                f"| {w.msg('page-title')}"]
    else:
        out.append(_header(w, "field", "required", "values", "description"))
        for name, required in section.fields.items():
            spec = VALUES.get((section.id, name), _TEXT)
            out += [f'|- data-field="{attr(section.id + "." + name)}"', f"| {_code(name, True)}",
                    f"| {w.msg('required-yes' if required else 'required-no', ())}",
                    f"| {w.values(spec)}", f"| {w.msg(f'{section.id}-{name}')}"]
    out.append("|}")
    return out


def render_reference(site: Site, lang: str, texts) -> Page:
    """The reference page in *lang*; *texts* are the ``i18n/reference`` messages
    (a :class:`~tours.render.texts.Messages`, falling back along *lang*'s chain to English)."""
    w = _Writer(site, lang, texts)
    chrome = site.chrome(lang)
    lines = [
        comment(site.msg("wikitours-pages-generated", lang).value),
        f'<div class="wikitours-page wikitours-reference" lang="{attr(lang)}" '
        f'dir="{language(lang).dir}">',
        f"== {w.msg('title', (), links=False)} ==",
        w.msg("intro"),
    ]
    example = site._cache.get(("reference-example",))
    if example is None:  # the same in every language
        example = site._cache[("reference-example",)] = example_yaml(EXAMPLE)
    if example:
        lines += [
            "",
            f'<span id="{_anchor("example")}"></span>',
            f"== {w.msg('example-heading', (), links=False)} ==",
            w.msg("example-intro"),
            f'<div class="wikitours-reference-example" lang="{attr(EXAMPLE.source_language)}" '
            'dir="ltr">',
            '<syntaxhighlight lang="yaml">',
            example.rstrip("\n"),
            "</syntaxhighlight>",
            "</div>",
            "",
            w.msg("texts"),
            "",
            w.msg("texts-literal"),
            "",
            w.msg("wiki-layout"),
        ]
    for section in SECTIONS:
        lines += ["", f'<span id="{_anchor(section.id)}"></span>',
                  f"== {w.heading(section.id)} ==", w.msg(f"{section.id}-intro"), ""]
        lines += _table(w, section)
    lines += ["", f'<div class="wikitours-back">{chrome["back"]}</div>']
    languages = site.languages_line(lang, ("reference",),
                                    lambda other: reference_title(site, other))
    if languages:
        lines.append(f'<div class="wikitours-languages">{languages}</div>')
    lines.append("</div>")
    content = "\n".join(lines) + "\n"
    return Page(reference_title(site, lang), "wikitext", content, "help", None, lang)
