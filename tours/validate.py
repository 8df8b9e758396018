"""Check a ``tours.yaml`` node tree and turn it into a :class:`~tours.model.Library`.

Every problem is collected in one pass, each at the exact line and column of the key or value
it is about, with a hint that tells a non-programmer how to fix it. A library is only built
when there is no error (warnings are fine). All lookups go through dictionaries built once, so
the cost grows linearly with the size of the file.

The field tables at the top (``TOP_FIELDS``, ``TOUR_FIELDS``…) are the language; the JSON
Schema in ``tours/schema/tours.schema.json`` is tested against them in both directions.

Messages and hints are :class:`~tours.problemtext.Text` values (``i18n/compiler``), because the
sync bot shows them on the wiki in the wiki's language. The things a message is about are
phrases of their own (``wikitours-what-*``: "step 'save' of tour 'first-edit'") passed as
parameters; ids, field names and values from the file are parameters, never English words.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from cssselect import GenericTranslator, SelectorError

from tours import catalogue, namespaces, targets
from tours.controlchars import describe, find_control
from tours.markup import check_markup
from tours.model import (
    RESERVED_TOUR_IDS,
    ADVANCES,
    AUDIENCES,
    EVIDENCE_KINDS,
    PLACEMENTS,
    Badge,
    Alternative,
    Conditions,
    Library,
    PageRef,
    Position,
    Problem,
    Step,
    StepChange,
    Tour,
    WikiVariant,
)
from tours.problemtext import T, Text
from tours.yamltree import Map, Node, Scalar, Seq

__all__ = [
    "ALTERNATIVE_FIELDS",
    "DIALOGS",
    "FORMAT",
    "TOP_FIELDS",
    "TOUR_FIELDS",
    "STEP_FIELDS",
    "CONDITION_FIELDS",
    "BADGE_FIELDS",
    "BADGE_REQUIRES_FIELDS",
    "WIKI_FIELDS",
    "CHANGE_FIELDS",
    "PAGE_KEYWORDS",
    "SKIN_NAMES",
    "EDITORS",
    "ACTIONS",
    "special_page_names",
    "validate",
]

#: The version of the language this compiler reads (``wikitours: 1``).
FORMAT = 1
#: Longest text accepted (a popover must be short); keeps the cost of checking texts bounded.
MAX_TEXT = 5000
#: Problems reported per text at most; more are summarised in one line.
MAX_TEXT_PROBLEMS = 20

# field name → required?
TOP_FIELDS = {"wikitours": False, "source-language": True, "tours": True, "badges": False, "wikis": False,
              "special-pages": False}
TOUR_FIELDS = {"id": True, "title": True, "summary": True, "audience": True, "minutes": True, "version": False,
               "requires": False, "badge": False, "steps": True}
STEP_FIELDS = {"id": True, "page": False, "element": False, "selector": False, "placement": False,
               "highlight": False, "title": True, "text": True, "skin-text": False, "advance": False,
               "when": False, "unless": False}
#: An item of a step's list of alternatives (``element: [{element: x, skin: minerva}, y]``).
ALTERNATIVE_FIELDS = {"element": False, "selector": False, "skin": False, "mediawiki": False,
                      "discussion-tools": False}
CONDITION_FIELDS = {"action": False, "namespace": False, "skin": False, "editor": False, "logged-in": False,
                    "previewing": False, "showing-changes": False, "watched": False, "dialog": False}
BADGE_FIELDS = {"id": True, "name": True, "description": True, "requires": True, "evidence": False}
BADGE_REQUIRES_FIELDS = {"tours": False, "badges": False}
WIKI_FIELDS = {"id": True, "language": False, "pages": False, "changes": False, "skins": False, "mediawiki": False}
CHANGE_FIELDS = {"tour": True, "replace": False, "with": False, "after": False, "add": False, "remove": False}

#: ``page:`` keywords; anything else is a page title.
PAGE_KEYWORDS = ("any", "sandbox", "user-page", "user-talk")
#: Skins a condition may name: the bundled skins of MediaWiki 1.39.
SKIN_NAMES = ("vector-2022", "vector", "minerva", "monobook", "timeless")
EDITORS = ("source", "visual", "discussion")
#: Dialogs of the visual editor the ``dialog`` condition can name.
DIALOGS = ("save", "cite", "link", "welcome", "any")

_DATA = Path(__file__).resolve().parent / "data"
ACTIONS: tuple[str, ...] = tuple(json.loads((_DATA / "actions.json").read_text("utf-8"))["actions"])

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_WIKI_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*\Z")
_BAD_TITLE = re.compile(r"[#<>\[\]{}|\x00-\x1f\x7f]")
_PLACEHOLDER = re.compile(r"\$[1-9][0-9]*")
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_EDITOR_ACTIONS = {"edit", "submit"}
_TRANSLATOR = GenericTranslator()



@lru_cache(maxsize=1)
def special_page_names() -> dict[str, str]:
    """Case-folded special page name or English alias → canonical name, from
    ``tours/data/special-pages.json`` (generated from MediaWiki by :mod:`tours.mwdata`)."""
    pages = json.loads((_DATA / "special-pages.json").read_text("utf-8"))["pages"]
    table = {}
    for name, aliases in pages.items():
        for alias in [name, *aliases]:
            table[alias.casefold()] = name
    return table


def _closest(word: str, choices: Iterable[str]) -> str:
    """The allowed value closest to *word*, or an empty string."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else ""


def _suggest(word: str, choices: Iterable[str]) -> Text | None:
    """A "did you mean …?" hint, or ``None`` (so ``_suggest(…) or T(…)`` gives a fallback)."""
    found = _closest(word, choices)
    return T("wikitours-hint-did-you-mean", found) if found else None


#: The message of an unknown value, per field that takes one of a fixed set of values: one
#: message each, so that translators can name the thing ("unknown skin") in their grammar.
_UNKNOWN_VALUE = {
    "audience": "wikitours-problem-audience-unknown",
    "placement": "wikitours-problem-placement-unknown",
    "advance": "wikitours-problem-advance-unknown",
    "action": "wikitours-problem-action-unknown",
    "skin": "wikitours-problem-skin-unknown",
    "dialog": "wikitours-problem-dialog-unknown",
    "editor": "wikitours-problem-editor-unknown",
    "evidence": "wikitours-problem-evidence-unknown",
}


#: Source characters a double-quoted YAML escape takes after its backslash's letter.
_ESCAPE_WIDTH = {"x": 4, "u": 6, "U": 10}


class _Validator:
    def __init__(self, filename: str, text: str, extra_special_pages: Iterable[str]) -> None:
        self.file = filename
        self.text = text
        #: (target, node, what, (when, unless)) of every step that points at something, for
        #: the check against the skins the wikis use (:meth:`check_skins`).
        self.pointing: list = []
        self.problems: list[Problem] = []
        self.error_count = 0
        self._line_starts: list[int] | None = None
        self.special = dict(special_page_names())
        for name in extra_special_pages:
            self.special[name.casefold()] = name

    # -- reporting ---------------------------------------------------------------------
    def error(self, node, message: Text, hint: Text | None = None) -> None:
        self.error_count += 1
        self.problems.append(Problem(self.file, node.line, node.column, message, hint or "", "error"))

    def warning(self, node, message: Text, hint: Text | None = None) -> None:
        self.problems.append(Problem(self.file, node.line, node.column, message, hint or "", "warning"))

    def _position_of_index(self, index: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1

    def offset_positions(self, node: Scalar, offsets: list[int]) -> list[tuple[int, int]]:
        """Best-effort line/column of characters *offsets* (ascending) of a scalar's value in
        the source, for plain, quoted and block (``>-``, ``|``) scalars alike: the value is
        walked once along the source, letting folded line breaks and indentation match any
        whitespace."""
        raw = self.text[node.start : node.end]
        j = 0
        if node.style in (">", "|"):
            j = raw.find("\n") + 1 if "\n" in raw else len(raw)
        elif node.style in ("'", '"'):
            j = 1
        value = node.value
        n = len(raw)
        out: list[tuple[int, int]] = []
        k = 0
        for offset in offsets:
            j, k = self._walk(raw, value, j, k, offset)
            here = j
            while here < n and raw[here] in " \t\r\n" and offset < len(value) and not value[offset].isspace():
                here += 1
            out.append(self._position_of_index(node.start + min(here, n)))
        return out

    @staticmethod
    def _walk(raw: str, value: str, j: int, k: int, offset: int) -> tuple[int, int]:
        """Advance from value index *k* (at raw index *j*) to value index *offset*."""
        n = len(raw)
        stop = min(offset, len(value))
        while k < stop:
            if j >= n:
                return j, stop
            c = value[k]
            r = raw[j]
            if c == r:
                j += 1
                if c.isspace():
                    while j < n and raw[j] in " \t\r\n" and (k + 1 >= len(value) or not value[k + 1].isspace()):
                        j += 1
            elif c.isspace():
                while j < n and raw[j] in " \t\r\n":
                    j += 1
            elif c == "'" and raw.startswith("''", j):
                j += 2
            elif r == "\\":  # an escape in a double-quoted scalar: \n, \x07, \u001b, \U0001f600
                j += _ESCAPE_WIDTH.get(raw[j + 1 : j + 2], 2)
            elif r in " \t\r\n":
                while j < n and raw[j] in " \t\r\n":
                    j += 1
                if j < n and raw[j] == c:
                    j += 1
            else:
                j += 1
            k += 1
        return j, k

    # -- shapes --------------------------------------------------------------------------
    def mapping(self, node: Node, fields: dict[str, bool], what: Text, where: Node | None = None) -> dict | None:
        """Check that *node* is a mapping with known, unique, complete fields; returns
        ``{key: (key_node, value_node)}``."""
        if not isinstance(node, Map):
            self.error(node, T("wikitours-problem-not-a-mapping", what, _describe(node)),
                       T("wikitours-hint-write-name-value-lines"))
            return None
        found: dict[str, tuple[Scalar, Node]] = {}
        for key, value in node.pairs:
            if not isinstance(key, Scalar) or key.tag == "!alias":
                if not (isinstance(key, Scalar) and key.tag == "!alias"):
                    self.error(key, T("wikitours-problem-field-name-not-plain", what),
                               T("wikitours-hint-write-name-value"))
                continue
            name = key.value
            if name in found:
                first = found[name][0]
                self.error(key, T("wikitours-problem-field-twice", name, what, str(first.line)),
                           T("wikitours-hint-keep-only-one"))
                continue
            if name not in fields:
                self.error(key, T("wikitours-problem-field-unknown", name, what), _belongs_elsewhere(name, fields)
                           or _suggest(name, fields) or T("wikitours-hint-allowed-fields", ", ".join(fields)))
                continue
            found[name] = (key, value)
        for name, required in fields.items():
            if required and name not in found:
                self.error(where or node, T("wikitours-problem-field-missing", what, name),
                           T("wikitours-hint-add-field-line", name))
        return found

    def text_value(self, node: Node, field: str, what: Text, controls: bool = True) -> str | None:
        """The text of a field, or None (reported) when empty, not text or, with *controls*,
        holding a control character (:mod:`tours.controlchars`)."""
        if isinstance(node, Scalar) and node.tag != "!alias":
            if (node.plain and node.value in ("", "~", "null", "Null", "NULL")) or not node.value.strip():
                self.error(node, T("wikitours-problem-field-empty", field, what),
                           T("wikitours-hint-write-field-value", field))
                return None
            bad = find_control(node.value) if controls else []
            if bad:  # written with an escape such as "\0" (YAML refuses raw ones itself)
                for (line, column), (_, char) in zip(
                        self.offset_positions(node, [offset for offset, _ in bad[:3]]), bad):
                    self.error_count += 1
                    self.problems.append(Problem(
                        self.file, line, column,
                        T("wikitours-problem-control-character", field, what, describe(char)),
                        T("wikitours-hint-control-character", "\\0", "\\x07", "\\u0000")))
                return None
            return node.value
        if isinstance(node, Scalar):
            return None
        self.error(node, T("wikitours-problem-field-not-text", field, what, _describe(node)),
                   T("wikitours-hint-write-text-inline"))
        return None

    def markup(self, node: Node, field: str, what: Text) -> str | None:
        value = self.text_value(node, field, what)
        if value is None:
            return None
        if len(value) > MAX_TEXT:
            self.error(node, T("wikitours-problem-text-too-long", field, what, len(value), MAX_TEXT),
                       T("wikitours-hint-popover-short"))
            return None
        found = [(issue.offset, issue.message, issue.hint) for issue in check_markup(value)]
        if "$" in value:
            found.extend((m.start(), T("wikitours-problem-placeholder-unavailable", m.group(0)),
                          T("wikitours-hint-placeholder-user-name-only", "$1"))
                         for m in _PLACEHOLDER.finditer(value) if m.group(0) != "$1")
            found.sort(key=lambda item: item[0])
        if len(found) > MAX_TEXT_PROBLEMS:
            extra = len(found) - MAX_TEXT_PROBLEMS
            found = found[:MAX_TEXT_PROBLEMS] + [(found[MAX_TEXT_PROBLEMS][0],
                                                  T("wikitours-problem-text-more-problems", extra),
                                                  T("wikitours-hint-fix-problems-above"))]
        positions = self.offset_positions(node, [offset for offset, _, _ in found])
        for (line, column), (_, message, hint) in zip(positions, found):
            self.error_count += 1
            # check_markup's message/hint may be Text (translatable) or, from an older markup
            # module, str: a str parameter is inserted as plain text, a str hint kept as is.
            self.problems.append(Problem(self.file, line, column, T("wikitours-problem-in-field", field, what, message),
                                         hint or ""))
        return value

    def identifier(self, node: Node, what: Text) -> str | None:
        value = self.text_value(node, "id", what, controls=False)  # an id's own check says more
        if value is None:
            return None
        if not _ID.match(value):
            example = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "first-edit"
            self.error(node, T("wikitours-problem-id-invalid", value), T("wikitours-hint-id-form", example))
            return None
        return value

    def positive_int(self, node: Node, field: str, what: Text, example: str) -> int | None:
        if isinstance(node, Scalar) and node.plain and re.fullmatch(r"[0-9]+", node.value):
            number = int(node.value)
            if number > 0:
                return number
        if isinstance(node, Scalar) and node.tag == "!alias":
            return None
        shown = node.value if isinstance(node, Scalar) else _describe(node)
        self.error(node, T("wikitours-problem-not-positive-number", field, what, shown),
                   T("wikitours-hint-write-number", field, example))
        return None

    def boolean(self, node: Node, field: str, what: Text) -> bool | None:
        if isinstance(node, Scalar) and node.plain:
            folded = node.value.lower()
            if folded in _TRUE:
                return True
            if folded in _FALSE:
                return False
        if isinstance(node, Scalar) and node.tag == "!alias":
            return None
        shown = node.value if isinstance(node, Scalar) else _describe(node)
        self.error(node, T("wikitours-problem-not-boolean", field, what, shown),
                   T("wikitours-hint-write-boolean", field))
        return None

    def word_list(self, node: Node, field: str, what: Text) -> list[Scalar]:
        """A value or a list of values (``action: view`` or ``action: [edit, submit]``)."""
        if isinstance(node, Scalar):
            return [] if node.tag == "!alias" else [node]
        if isinstance(node, Seq):
            out = []
            for item in node.items:
                if isinstance(item, Scalar):
                    if item.tag != "!alias":
                        out.append(item)
                else:
                    self.error(item, T("wikitours-problem-list-entry-not-value", field, what, _describe(item)),
                               T("wikitours-hint-write-inline-list", field))
            if not node.items:
                self.error(node, T("wikitours-problem-list-empty", field, what),
                           T("wikitours-hint-list-one-or-remove", field))
            return out
        self.error(node, T("wikitours-problem-not-value-or-list", field, what, _describe(node)),
                   T("wikitours-hint-write-value-or-list", field))
        return []

    def choice(self, node: Scalar, field: str, choices: Iterable[str], what: Text) -> str | None:
        choices = tuple(choices)
        if node.value in choices:
            return node.value
        allowed = ", ".join(choices)
        closest = _closest(node.value, choices)
        if field == "placement" and node.value in ("left", "right"):
            hint = T("wikitours-hint-placement-start-end", allowed)
        elif closest:
            hint = T("wikitours-hint-did-you-mean-one-of", closest, allowed)
        else:
            hint = T("wikitours-hint-one-of", allowed)
        self.error(node, T(_UNKNOWN_VALUE[field], node.value, what), hint)
        return None

    def items(self, node: Node, field: str, what: Text, allow_empty: bool = False) -> list[Node]:
        if isinstance(node, Seq):
            if not node.items and not allow_empty:
                self.error(node, T("wikitours-problem-field-empty", field, what), T("wikitours-hint-add-entry", field))
            return node.items
        if isinstance(node, Scalar) and node.tag == "!alias":
            return []
        if isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null") and allow_empty:
            return []
        self.error(node, T("wikitours-problem-not-list", field, what, _describe(node)),
                   T("wikitours-hint-write-list-entries"))
        return []

    # -- the language ----------------------------------------------------------------------
    def run(self, root: Node) -> Library | None:
        top = self.mapping(root, TOP_FIELDS, T("wikitours-what-file"))
        if top is None:
            return None
        fmt = FORMAT
        if "wikitours" in top:
            node = top["wikitours"][1]
            number = self.positive_int(node, "wikitours", T("wikitours-what-file"), "1")
            if number is not None and number != FORMAT:
                self.error(node, T("wikitours-problem-format-unsupported", str(number), str(FORMAT)),
                           T("wikitours-hint-format-supported", str(FORMAT)))
            fmt = number or FORMAT
        language = ""
        if "source-language" in top:
            node = top["source-language"][1]
            value = self.text_value(node, "source-language", T("wikitours-what-file"))
            if value is not None:
                if _LANGUAGE.match(value):
                    language = value
                else:
                    self.error(node, T("wikitours-problem-language-code-invalid", value),
                               T("wikitours-hint-language-code"))
        if "special-pages" in top:
            for item in self.word_list(top["special-pages"][1], "special-pages", T("wikitours-what-file")):
                name = item.value.strip()
                if name.casefold().startswith("special:"):
                    name = name.split(":", 1)[1]
                if not name or _BAD_TITLE.search(name) or "/" in name:
                    self.error(item, T("wikitours-problem-special-page-name-invalid", item.value),
                               T("wikitours-hint-special-page-name"))
                else:
                    self.special[name.casefold()] = name

        badges_node = top.get("badges", (None, None))[1]
        badges, badge_refs = self.badges(badges_node) if badges_node is not None else ([], [])
        badge_ids = {b.id: b for b in badges}

        tours_node = top.get("tours", (None, None))[1]
        tours: list[Tour] = []
        tour_refs: list[tuple[str | None, Text, Scalar, str]] = []  # (tour id, its name, node, kind)
        step_index: dict[str, dict[str, Step]] = {}
        if tours_node is not None:
            seen: dict[str, Node] = {}
            for item in self.items(tours_node, "tours", T("wikitours-what-file")):
                tour, refs = self.tour(item)
                tour_refs.extend(refs)
                if tour is None:
                    continue
                if tour.id in seen:
                    self.error(_id_node(item) or item,
                               T("wikitours-problem-tour-id-duplicate", tour.id, str(seen[tour.id].line)),
                               T("wikitours-hint-tour-id-own"))
                    continue
                if tour.id in RESERVED_TOUR_IDS:
                    self.error(_id_node(item) or item,
                               T("wikitours-problem-tour-id-reserved", tour.id,
                                 ", ".join(RESERVED_TOUR_IDS)),
                               T("wikitours-hint-tour-id-reserved", tour.id))
                    continue
                seen[tour.id] = _id_node(item) or item
                tours.append(tour)
                step_index[tour.id] = {s.id: s for s in tour.steps}
        tour_ids = {t.id: t for t in tours}

        # references from tours
        requires_graph: dict[str, list[tuple[str, Scalar]]] = {t.id: [] for t in tours}
        for tour_id, label, node, kind in tour_refs:
            if kind == "requires":
                if node.value not in tour_ids:
                    self.error(node, T("wikitours-problem-requires-unknown-tour", label, node.value),
                               _suggest(node.value, tour_ids) or T("wikitours-hint-check-required-tour-id"))
                elif node.value == tour_id:
                    self.error(node, T("wikitours-problem-requires-itself", label),
                               T("wikitours-hint-remove-from-requires"))
                elif tour_id in requires_graph:
                    requires_graph[tour_id].append((node.value, node))
            elif kind == "badge" and node.value not in badge_ids:
                self.error(node, T("wikitours-problem-earns-unknown-badge", label, node.value),
                           _suggest(node.value, badge_ids) or T("wikitours-hint-add-or-check-badge"))
            elif kind == "badge" and tour_id and tour_id not in badge_ids[node.value].requires_tours:
                self.warning(node, T("wikitours-problem-badge-does-not-require-tour", label, node.value),
                             T("wikitours-hint-badge-add-tour", tour_id, node.value))
        self.cycles(requires_graph, "wikitours-problem-prerequisite-cycle", T("wikitours-hint-prerequisite-cycle"))

        badge_graph: dict[str, list[tuple[str, Scalar]]] = {b.id: [] for b in badges}
        for badge_id, label, node, kind in badge_refs:
            if kind == "tours" and node.value not in tour_ids:
                self.error(node, T("wikitours-problem-requires-unknown-tour", label, node.value),
                           _suggest(node.value, tour_ids) or T("wikitours-hint-check-tour-id"))
            elif kind == "badges":
                if node.value not in badge_ids:
                    self.error(node, T("wikitours-problem-requires-unknown-badge", label, node.value),
                               _suggest(node.value, badge_ids) or T("wikitours-hint-check-badge-id"))
                elif node.value == badge_id:
                    self.error(node, T("wikitours-problem-requires-itself", label),
                               T("wikitours-hint-remove-from-requires-badges"))
                elif badge_id in badge_graph:
                    badge_graph[badge_id].append((node.value, node))
        self.cycles(badge_graph, "wikitours-problem-badge-cycle", T("wikitours-hint-badge-cycle"))
        for badge_id, label, node, kind in badge_refs:
            if kind == "evidence":
                self.check_evidence(badge_ids[badge_id], label, node, tour_ids)

        wikis: list[WikiVariant] = []
        if "wikis" in top:
            seen_wikis: dict[str, Node] = {}
            for item in self.items(top["wikis"][1], "wikis", T("wikitours-what-file"), allow_empty=True):
                wiki = self.wiki(item, tour_ids, step_index)
                if wiki is None:
                    continue
                if wiki.id in seen_wikis:
                    self.error(_id_node(item) or item,
                               T("wikitours-problem-wiki-id-duplicate", wiki.id, str(seen_wikis[wiki.id].line)),
                               T("wikitours-hint-wiki-once"))
                    continue
                seen_wikis[wiki.id] = _id_node(item) or item
                wikis.append(wiki)

        self.check_skins(wikis)
        if any(p.severity == "error" for p in self.problems):
            return None
        return Library(source_language=language, tours=tuple(tours), badges=tuple(badges), wikis=tuple(wikis),
                       file=self.file, format=fmt)

    def per_skin_runs(self, steps: list[Step], tour_what: Text) -> None:
        """Warn about a run of steps that are one step written once per skin (``when: skin``
        with skins no other step of the run names, on the same page): the counter counts each,
        and a step of another skin that waits for a save stops the tour (issue 22)."""
        i = 0
        while i < len(steps):
            j = i
            seen: set[str] = set()
            while j < len(steps) and steps[j].when.skins and not seen & set(steps[j].when.skins) \
                    and steps[j].page == steps[i].page:
                seen |= set(steps[j].when.skins)
                j += 1
            if j - i >= 2:
                ids = ", ".join(f"'{s.id}'" for s in steps[i:j])
                self.problems.append(Problem(self.file, steps[i].pos.line, steps[i].pos.column,
                                             T("wikitours-problem-steps-per-skin", ids, tour_what),
                                             T("wikitours-hint-steps-per-skin"), "warning"))
                i = j
            else:
                i += 1

    def check_skins(self, wikis: list[WikiVariant]) -> None:
        """Warn about steps that point at nothing in a skin (and version) the wikis use."""
        setups: list[tuple[str, str, bool]] = []
        for wiki in wikis or [WikiVariant(id="")]:
            versions = (wiki.mediawiki,) if wiki.mediawiki else catalogue.VERSIONS
            for skin in wiki.skins or catalogue.SKINS:
                for version in versions:
                    setup = (skin, version, version_key_at_least(version, "1.43"))
                    if setup not in setups:
                        setups.append(setup)
        for target, node, what, (when, unless) in self.pointing:
            relevant = [s for s in setups if (not when.skins or s[0] in when.skins)
                        and not (unless.skins and s[0] in unless.skins and _only_skins(unless))]
            for skin, version, _ in targets.missing_in(target, relevant)[:1]:
                names = ", ".join(a.element for a in target.alternatives)
                self.warning(node, T("wikitours-problem-element-missing-in-skin", what,
                                     targets.SKIN_LABELS.get(skin, skin), version, names),
                             T("wikitours-hint-element-missing-in-skin"))

    def cycles(self, graph: dict[str, list[tuple[str, Scalar]]], key: str, hint: Text) -> None:
        """Report each cycle once, at the requirement that closes it (iterative DFS, linear);
        *key* is the message, whose parameter is the cycle of ids."""
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        for start in graph:
            if start in state:
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = [start]
            state[start] = 1
            while stack:
                node, index = stack[-1]
                edges = graph.get(node, [])
                if index < len(edges):
                    stack[-1] = (node, index + 1)
                    target, where = edges[index]
                    if state.get(target) == 1:
                        cycle = path[path.index(target):] + [target]
                        self.error(where, T(key, " → ".join(cycle)), hint)
                    elif target not in state:
                        state[target] = 1
                        stack.append((target, 0))
                        path.append(target)
                else:
                    state[node] = 2
                    stack.pop()
                    path.pop()

    def tour(self, node: Node) -> tuple[Tour | None, list]:
        what = _name("tour", node)
        fields = self.mapping(node, TOUR_FIELDS, what)
        if fields is None:
            return None, []
        tour_id = self.identifier(fields["id"][1], T("wikitours-what-the-tour")) if "id" in fields else None
        if tour_id:
            what = T("wikitours-what-tour", tour_id)
        title = self.markup(fields["title"][1], "title", what) if "title" in fields else None
        summary = self.markup(fields["summary"][1], "summary", what) if "summary" in fields else None
        audience = None
        if "audience" in fields:
            value = self.text_value(fields["audience"][1], "audience", what)
            if value is not None:
                audience = self.choice(fields["audience"][1], "audience", AUDIENCES, what)
        minutes = self.positive_int(fields["minutes"][1], "minutes", what, "5") if "minutes" in fields else None
        version = self.positive_int(fields["version"][1], "version", what, "1") if "version" in fields else 1
        refs: list[tuple[str | None, Text, Scalar, str]] = []
        requires: list[str] = []
        if "requires" in fields:
            seen: set[str] = set()
            for item in self.word_list(fields["requires"][1], "requires", what):
                if item.value in seen:
                    self.error(item, T("wikitours-problem-requires-listed-twice", item.value, what),
                               T("wikitours-hint-list-once"))
                    continue
                seen.add(item.value)
                requires.append(item.value)
                refs.append((tour_id, what, item, "requires"))
        badge = ""
        if "badge" in fields:
            value = self.text_value(fields["badge"][1], "badge", what)
            if value is not None:
                badge = value
                refs.append((tour_id, what, fields["badge"][1], "badge"))
        steps: list[Step] = []
        if "steps" in fields:
            step_nodes = self.items(fields["steps"][1], "steps", what)
            seen_steps: dict[str, Node] = {}
            for index, step_node in enumerate(step_nodes):
                step = self.step(step_node, what, last=index == len(step_nodes) - 1)
                if step is None:
                    continue
                if step.id in seen_steps:
                    self.error(_id_node(step_node) or step_node,
                               T("wikitours-problem-step-id-duplicate", step.id, what, str(seen_steps[step.id].line)),
                               T("wikitours-hint-step-id-own"))
                    continue
                seen_steps[step.id] = _id_node(step_node) or step_node
                steps.append(step)
        self.per_skin_runs(steps, what)
        if tour_id is None:
            return None, refs
        # with errors the library is not built, so defaults here only keep ids for later checks
        return Tour(id=tour_id, title=title or "", summary=summary or "", audience=audience or "",
                    minutes=minutes or 0, version=version or 0, steps=tuple(steps), requires=tuple(requires),
                    badge=badge, pos=Position(node.line, node.column)), refs

    def step(self, node: Node, tour_what: Text, last: bool = False) -> Step | None:
        what = _name("step", node, tour_what)
        fields = self.mapping(node, STEP_FIELDS, what)
        if fields is None:
            return None
        errors_before = self._errors()
        step_id = self.identifier(fields["id"][1], T("wikitours-what-the-step")) if "id" in fields else None
        if step_id:
            what = T("wikitours-what-step-of", step_id, tour_what)
        title = self.markup(fields["title"][1], "title", what) if "title" in fields else None
        text = self.markup(fields["text"][1], "text", what) if "text" in fields else None
        page = self.page(fields["page"][1], what) if "page" in fields else PageRef()
        target = None
        if "element" in fields and "selector" in fields:
            self.error(fields["selector"][0], T("wikitours-problem-element-and-selector", what),
                       T("wikitours-hint-element-or-selector"))
        elif "element" in fields or "selector" in fields:
            kind = "element" if "element" in fields else "selector"
            alternatives = self.alternatives(fields[kind][1], kind, what)
            if alternatives:
                target = targets.target_of(alternatives)
                self.pointing.append((target, fields[kind][1], what, None))
        skin_texts: list[tuple[str, str]] = []
        if "skin-text" in fields:
            per_skin = self.mapping(fields["skin-text"][1], {s: False for s in SKIN_NAMES},
                                    T("wikitours-what-field-of", "skin-text", what))
            for skin, (_, value_node) in (per_skin or {}).items():
                value = self.markup(value_node, "skin-text", what)
                if value is not None:
                    skin_texts.append((skin, value))
        placement = "auto"
        if "placement" in fields:
            value = self.text_value(fields["placement"][1], "placement", what)
            if value is not None:
                placement = self.choice(fields["placement"][1], "placement", PLACEMENTS, what) or "auto"
        highlight = True
        if "highlight" in fields:
            value = self.boolean(fields["highlight"][1], "highlight", what)
            highlight = True if value is None else value
        advance = "next"
        if "advance" in fields:
            value = self.text_value(fields["advance"][1], "advance", what)
            if value is not None:
                advance = self.choice(fields["advance"][1], "advance", ADVANCES, what) or "next"
        when = self.conditions(fields["when"][1], "when", what) if "when" in fields else Conditions()
        unless = self.conditions(fields["unless"][1], "unless", what) if "unless" in fields else Conditions()
        if target is not None:
            self.pointing[-1] = self.pointing[-1][:3] + ((when, unless),)

        # rules across fields
        anchor = fields.get("advance", (node, node))[1]
        if advance == "click" and "element" not in fields and "selector" not in fields:
            self.error(anchor, T("wikitours-problem-advance-click-no-target", what), T("wikitours-hint-advance-click"))
        if advance == "saved" and not _can_be_in_editor(page, when):
            self.warning(anchor, T("wikitours-problem-advance-saved-no-editor", what),
                         T("wikitours-hint-advance-saved"))
        if advance == "editor-opened" and not _can_open_editor(page, when):
            self.warning(anchor, T("wikitours-problem-advance-editor-opened-no-editor", what),
                         T("wikitours-hint-advance-editor-opened"))
        if advance == "visited" and last:
            self.warning(anchor, T("wikitours-problem-advance-visited-last-step", tour_what),
                         T("wikitours-hint-advance-visited-last-step"))
        page_ns = _page_namespace(page)
        if page_ns is not None and when.namespaces and page_ns not in when.namespaces:
            self.warning(fields["when"][0], T("wikitours-problem-step-namespace-never-matches", what, str(page_ns),
                                              ", ".join(str(n) for n in when.namespaces)),
                         T("wikitours-hint-step-namespace-never-matches"))
        if "unless" in fields and not unless.is_empty() and _never_shows(when, unless):
            self.warning(fields["unless"][0], T("wikitours-problem-unless-always-holds", what),
                         T("wikitours-hint-narrow-unless"))
        if self._errors() > errors_before or None in (step_id, title, text, page):
            return Step(step_id, "", "") if step_id else None
        return Step(id=step_id, title=title, text=text, page=page, target=target, placement=placement,
                    highlight=highlight, advance=advance, when=when, unless=unless,
                    pos=Position(node.line, node.column), skin_texts=tuple(skin_texts))

    def alternatives(self, node: Node, kind: str, what: Text) -> tuple[Alternative, ...]:
        """The ordered alternatives of a step's ``element`` or ``selector`` (one value or a list)."""
        if isinstance(node, Seq):
            if not node.items:
                self.error(node, T("wikitours-problem-list-empty", kind, what),
                           T("wikitours-hint-list-one-or-remove", kind))
                return ()
            out = []
            for item in node.items:
                if isinstance(item, Map):
                    alt = self.alternative(item, what)
                elif isinstance(item, Scalar):
                    alt = self.one_target(item, kind, what, Alternative())
                else:
                    self.error(item, T("wikitours-problem-list-entry-not-value", kind, what, _describe(item)),
                               T("wikitours-hint-alternative-one-target"))
                    alt = None
                if alt is not None:
                    out.append(alt)
            return tuple(out) if len(out) == len(node.items) else ()
        alt = self.one_target(node, kind, what, Alternative())
        return (alt,) if alt is not None else ()

    def one_target(self, node: Node, kind: str, what: Text, base: Alternative) -> Alternative | None:
        value = self.text_value(node, kind, what)
        if value is None:
            return None
        if kind == "element":
            if catalogue.element(value) is None:
                self.error(node, T("wikitours-problem-element-unknown", value, what),
                           _suggest(value, catalogue.ELEMENTS) or T("wikitours-hint-element-catalogue"))
                return None
            return replace(base, element=value)
        jquery = _jquery_only(value)
        reason = _selector_error(value)
        if jquery:
            self.error(node, T("wikitours-problem-selector-jquery", value, jquery), T("wikitours-hint-selector-jquery"))
            return None
        if reason:
            self.error(node, T("wikitours-problem-selector-invalid", value, reason), T("wikitours-hint-check-selector"))
            return None
        return replace(base, selector=value)

    def alternative(self, node: Map, what: Text) -> Alternative | None:
        fields = self.mapping(node, ALTERNATIVE_FIELDS, what)
        if fields is None:
            return None
        errors = self._errors()
        skins: list[str] = []
        if "skin" in fields:
            for item in self.word_list(fields["skin"][1], "skin", what):
                skin = self.choice(item, "skin", SKIN_NAMES, what)
                if skin and skin not in skins:
                    skins.append(skin)
        since = before = ""
        if "mediawiki" in fields:
            value = self.text_value(fields["mediawiki"][1], "mediawiki", what)
            parsed = targets.parse_versions(value) if value is not None else None
            if value is not None and parsed is None:
                self.error(fields["mediawiki"][1], T("wikitours-problem-mediawiki-version-invalid", value),
                           T("wikitours-hint-mediawiki-version"))
            elif parsed:
                since, before = parsed
        dt = self.boolean(fields["discussion-tools"][1], "discussion-tools", what) \
            if "discussion-tools" in fields else None
        base = Alternative(skins=tuple(skins), since=since, before=before, dt=dt)
        present = [k for k in ("element", "selector") if k in fields]
        if len(present) != 1:
            self.error(node, T("wikitours-problem-alternative-both" if present else
                               "wikitours-problem-alternative-needs-target", what),
                       T("wikitours-hint-alternative-one-target"))
            return None
        alt = self.one_target(fields[present[0]][1], present[0], what, base)
        return alt if self._errors() == errors else None

    def _errors(self) -> int:
        return self.error_count

    def page(self, node: Node, what: Text) -> PageRef | None:
        value = self.text_value(node, "page", what)
        if value is None:
            return None
        value = value.strip()
        if value in PAGE_KEYWORDS:
            return PageRef(kind=value)
        return self.title(node, value, what, for_step=True)

    def title(self, node: Node, value: str, what: Text, for_step: bool = False) -> PageRef | None:
        bad = _BAD_TITLE.search(value)
        if bad:
            char = bad.group(0)
            shown = repr(char)[1:-1] if ord(char) < 32 or char == "\x7f" else char
            self.error(node, T("wikitours-problem-title-bad-character", value, shown),
                       T("wikitours-hint-title-characters-step" if for_step else "wikitours-hint-title-characters"))
            return None
        if len(value.encode("utf-8")) > 255:
            self.error(node, T("wikitours-problem-title-too-long", value[:40]), T("wikitours-hint-shorten-title"))
            return None
        prefix, colon, rest = value.partition(":")
        if colon and prefix.strip().casefold() == "special":
            name = rest.split("/", 1)[0].strip().replace("_", " ")
            canonical = self.special.get(name.casefold()) or self.special.get(name.replace(" ", "").casefold())
            if canonical is None:
                closest = _closest(name, sorted(set(self.special.values())))
                self.error(node, T("wikitours-problem-special-page-unknown", value),
                           T("wikitours-hint-special-page-did-you-mean", "Special:" + closest) if closest
                           else T("wikitours-hint-special-page-extension"))
                return None
            return PageRef(kind="special", title=value)
        if not value.strip(" :"):
            self.error(node, T("wikitours-problem-title-invalid", value), T("wikitours-hint-title-or-any"))
            return None
        return PageRef(kind="title", title=value)

    def conditions(self, node: Node, field: str, what: Text) -> Conditions:
        context = T("wikitours-what-field-of", field, what)
        fields = self.mapping(node, CONDITION_FIELDS, context)
        if not fields:
            if fields is not None and isinstance(node, Map) and not node.pairs:
                self.error(node, T("wikitours-problem-field-empty", field, what),
                           T("wikitours-hint-add-condition", field))
            return Conditions()

        def words(name: str, choices: Iterable[str]) -> tuple[str, ...]:
            if name not in fields:
                return ()
            out = []
            for item in self.word_list(fields[name][1], name, context):
                value = self.choice(item, name, choices, context)
                if value is not None and value not in out:
                    out.append(value)
            return tuple(out)

        actions = words("action", ACTIONS)
        skins = words("skin", SKIN_NAMES)
        editors = words("editor", EDITORS)
        spaces: list[int] = []
        if "namespace" in fields:
            for item in self.word_list(fields["namespace"][1], "namespace", context):
                if re.fullmatch(r"-?[0-9]+", item.value.strip()):
                    number = int(item.value)
                    if number < -1:
                        self.error(item, T("wikitours-problem-namespace-no-pages", str(number)),
                                   T("wikitours-hint-namespace-number"))
                        continue
                else:
                    number = namespaces.resolve(item.value)
                    if number is None:
                        self.error(item, T("wikitours-problem-namespace-unknown", item.value, context),
                                   _suggest(item.value, namespaces.canonical_names())
                                   or T("wikitours-hint-namespace-name"))
                        continue
                if number not in spaces:
                    spaces.append(number)
        logged_in = None
        if "logged-in" in fields:
            logged_in = self.boolean(fields["logged-in"][1], "logged-in", context)
        flags = {name: self.boolean(fields[name][1], name, context) if name in fields else None
                 for name in ("previewing", "showing-changes", "watched")}
        return Conditions(actions=actions, namespaces=tuple(spaces), skins=skins, editors=editors, logged_in=logged_in,
                          previewing=flags["previewing"], showing_changes=flags["showing-changes"],
                          watched=flags["watched"], dialogs=words("dialog", DIALOGS))

    def badges(self, node: Node) -> tuple[list[Badge], list]:
        out: list[Badge] = []
        refs: list[tuple[str | None, Text, Scalar, str]] = []
        seen: dict[str, Node] = {}
        for item in self.items(node, "badges", T("wikitours-what-file"), allow_empty=True):
            what = _name("badge", item)
            fields = self.mapping(item, BADGE_FIELDS, what)
            if fields is None:
                continue
            badge_id = self.identifier(fields["id"][1], T("wikitours-what-the-badge")) if "id" in fields else None
            if badge_id:
                what = T("wikitours-what-badge", badge_id)
            name = self.markup(fields["name"][1], "name", what) if "name" in fields else None
            description = self.markup(fields["description"][1], "description", what) if "description" in fields else None
            req_tours: list[str] = []
            req_badges: list[str] = []
            if "requires" in fields:
                requires_what = T("wikitours-what-field-of", "requires", what)
                req = self.mapping(fields["requires"][1], BADGE_REQUIRES_FIELDS, requires_what)
                if req is not None:
                    for kind, bucket in (("tours", req_tours), ("badges", req_badges)):
                        if kind in req:
                            for ref in self.word_list(req[kind][1], kind, requires_what):
                                if ref.value not in bucket:
                                    bucket.append(ref.value)
                                    refs.append((badge_id, what, ref, kind))
                    if not req:
                        self.error(fields["requires"][1], T("wikitours-problem-badge-requires-nothing", what),
                                   T("wikitours-hint-badge-requires"))
            evidence = self.evidence(fields["evidence"][1], what) if "evidence" in fields else ()
            if badge_id is None:
                continue
            if badge_id in seen:
                self.error(_id_node(item) or item,
                           T("wikitours-problem-badge-id-duplicate", badge_id, str(seen[badge_id].line)),
                           T("wikitours-hint-badge-id-own"))
                continue
            seen[badge_id] = _id_node(item) or item
            out.append(Badge(id=badge_id, name=name or "", description=description or "",
                             requires_tours=tuple(req_tours), requires_badges=tuple(req_badges),
                             evidence=evidence, pos=Position(item.line, item.column)))
            if evidence:
                refs.append((badge_id, what, fields["evidence"][1], "evidence"))
        return out, refs

    def evidence(self, node: Node, what: Text) -> tuple[str, ...]:
        """A badge's ``evidence`` kinds; ``reference`` implies ``edit``."""
        kinds = [self.choice(n, "evidence", EVIDENCE_KINDS, what) for n in self.word_list(node, "evidence", what)]
        chosen = [k for k in kinds if k]
        if "reference" in chosen and "edit" not in chosen:
            chosen.insert(0, "edit")
        return tuple(dict.fromkeys(chosen))

    def check_evidence(self, badge: Badge, label: Text, node: Node, tours: dict[str, Tour]) -> None:
        """Evidence needs edits to check: every required tour must end a step on a save."""
        if not badge.requires_tours:
            self.error(node, T("wikitours-problem-evidence-without-tours", label),
                       T("wikitours-hint-evidence-without-tours"))
        for tour_id in badge.requires_tours:
            tour = tours.get(tour_id)
            if tour is not None and not any(s.advance == "saved" for s in tour.steps):
                self.error(node, T("wikitours-problem-evidence-without-edit", label, tour_id),
                           T("wikitours-hint-evidence-without-edit", tour_id))

    def wiki(self, node: Node, tours: dict[str, Tour], steps: dict[str, dict[str, Step]]) -> WikiVariant | None:
        what = _name("wiki", node)
        fields = self.mapping(node, WIKI_FIELDS, what)
        if fields is None:
            return None
        wiki_id = None
        if "id" in fields:
            value = self.text_value(fields["id"][1], "id", T("wikitours-what-the-wiki"))
            if value is not None:
                if _WIKI_ID.match(value):
                    wiki_id = value
                    what = T("wikitours-what-wiki", wiki_id)
                else:
                    self.error(fields["id"][1], T("wikitours-problem-wiki-id-invalid", value),
                               T("wikitours-hint-wiki-id"))
        language = ""
        if "language" in fields:
            value = self.text_value(fields["language"][1], "language", what)
            if value is not None:
                if _LANGUAGE.match(value):
                    language = value
                else:
                    self.error(fields["language"][1], T("wikitours-problem-language-code-invalid", value),
                               T("wikitours-hint-language-code"))
        pages: list[tuple[str, str]] = []
        if "pages" in fields:
            mapping_node = fields["pages"][1]
            if isinstance(mapping_node, Map):
                seen: dict[str, Scalar] = {}
                for key, value in mapping_node.pairs:
                    if not isinstance(key, Scalar) or not isinstance(value, Scalar):
                        self.error(value if isinstance(key, Scalar) else key,
                                   T("wikitours-problem-pages-entry-invalid", what),
                                   T("wikitours-hint-pages-entry"))
                        continue
                    if key.value in seen:
                        self.error(key, T("wikitours-problem-page-renamed-twice", key.value, what,
                                          str(seen[key.value].line)),
                                   T("wikitours-hint-keep-one"))
                        continue
                    seen[key.value] = key
                    if self.title(key, key.value, what) and self.title(value, value.value, what):
                        pages.append((key.value, value.value))
            else:
                self.error(mapping_node, T("wikitours-problem-pages-not-mapping", what),
                           T("wikitours-hint-pages-entry"))
        changes: list[StepChange] = []
        if "changes" in fields:
            changed: dict[tuple[str, str], Node] = {}
            added: dict[tuple[str, str], Node] = {}
            for item in self.items(fields["changes"][1], "changes", what, allow_empty=True):
                change = self.change(item, what, tours, steps, changed, added)
                if change is not None:
                    changes.append(change)
        skins: list[str] = []
        if "skins" in fields:
            for item in self.word_list(fields["skins"][1], "skins", what):
                skin = self.choice(item, "skin", SKIN_NAMES, what)
                if skin and skin not in skins:
                    skins.append(skin)
        mediawiki = ""
        if "mediawiki" in fields:
            value = self.text_value(fields["mediawiki"][1], "mediawiki", what)
            if value is not None:
                if re.fullmatch(r"[0-9]+\.[0-9]+", value.strip()):
                    mediawiki = value.strip()
                else:
                    self.error(fields["mediawiki"][1], T("wikitours-problem-mediawiki-version-invalid", value),
                               T("wikitours-hint-wiki-mediawiki-version"))
        if wiki_id is None:
            return None
        return WikiVariant(id=wiki_id, language=language, pages=tuple(pages), changes=tuple(changes),
                           pos=Position(node.line, node.column), skins=tuple(skins), mediawiki=mediawiki)

    def change(self, node: Node, wiki_what: Text, tours: dict[str, Tour], steps: dict[str, dict[str, Step]],
               changed: dict, added: dict) -> StepChange | None:
        what = T("wikitours-what-change-of", wiki_what)
        fields = self.mapping(node, CHANGE_FIELDS, what)
        if fields is None:
            return None
        kinds = [k for k in ("replace", "after", "remove") if k in fields]
        if len(kinds) != 1:
            message = (T("wikitours-problem-change-kind-missing", what) if not kinds else
                       T("wikitours-problem-change-kinds-two", what, *kinds) if len(kinds) == 2 else
                       T("wikitours-problem-change-kinds-three", what, *kinds))
            self.error(node, message, T("wikitours-hint-change-forms"))
            return None
        kind = kinds[0]
        needs = {"replace": "with", "after": "add", "remove": None}[kind]
        for extra in ("with", "add"):
            if extra in fields and extra != needs:
                self.error(fields[extra][0], T("wikitours-problem-change-field-mismatch", extra, kind, what),
                           T("wikitours-hint-change-field-pairs"))
        if needs and needs not in fields:
            self.error(fields[kind][0], T("wikitours-problem-change-step-missing", kind, what, needs),
                       T("wikitours-hint-change-add-step", needs))
        tour_id = self.text_value(fields["tour"][1], "tour", what) if "tour" in fields else None
        step_ref = self.text_value(fields[kind][1], kind, what)
        tour = tours.get(tour_id) if tour_id else None
        if tour_id and tour is None:
            self.error(fields["tour"][1], T("wikitours-problem-change-unknown-tour", wiki_what, tour_id),
                       _suggest(tour_id, tours) or T("wikitours-hint-check-tour-id"))
        if tour is not None and step_ref is not None:
            if step_ref not in steps.get(tour_id, {}):
                self.error(fields[kind][1], T("wikitours-problem-change-unknown-step", wiki_what, step_ref, tour_id),
                           _suggest(step_ref, steps.get(tour_id, {})) or T("wikitours-hint-check-step-id"))
            elif kind != "after":
                key = (tour_id, step_ref)
                if key in changed:
                    self.error(fields[kind][1], T("wikitours-problem-step-changed-twice", step_ref, tour_id, wiki_what,
                                                  str(changed[key].line)),
                               T("wikitours-hint-one-change-per-step"))
                else:
                    changed[key] = fields[kind][1]
        new_step = None
        if needs and needs in fields:
            # the tour as given, even when it is missing ("tour 'None'"): the step's own problems
            # still say which wiki they are in
            new_step = self.step(fields[needs][1], T("wikitours-what-tour-in", str(tour_id), wiki_what))
            if new_step is not None and tour is not None:
                key = (tour_id, new_step.id)
                id_node = _id_node(fields[needs][1]) or fields[needs][1]
                if new_step.id in steps.get(tour_id, {}):
                    self.error(id_node, T("wikitours-problem-local-step-id-used", new_step.id, tour_id),
                               T("wikitours-hint-local-step-id", f"{new_step.id}-{_short(wiki_what)}"))
                elif key in added:
                    self.error(id_node, T("wikitours-problem-local-step-added-twice", new_step.id, tour_id, wiki_what,
                                          str(added[key].line)),
                               T("wikitours-hint-local-step-own-id"))
                else:
                    added[key] = id_node
        if tour is None or step_ref is None or (needs and new_step is None):
            return None
        action = {"replace": "replace", "after": "insert-after", "remove": "remove"}[kind]
        return StepChange(tour=tour_id, action=action, step_id=step_ref, step=new_step,
                          pos=Position(node.line, node.column))


def _short(wiki_what: Text) -> str:
    """The wiki's id for an example step id (``save-dewiki``), or ``local`` before it is known."""
    if wiki_what.key == "wikitours-what-wiki" and wiki_what.params and wiki_what.params[0]:
        return str(wiki_what.params[0])
    return "local"


def _describe(node: Node) -> Text:
    """What a node is, for "must be a list, not …": a phrase, or the value itself quoted."""
    if isinstance(node, Map):
        return T("wikitours-what-fields")
    if isinstance(node, Seq):
        return T("wikitours-what-list")
    return T("wikitours-what-value", node.value)


def _id_node(node: Node) -> Scalar | None:
    if isinstance(node, Map):
        for key, value in node.pairs:
            if isinstance(key, Scalar) and key.value == "id" and isinstance(value, Scalar):
                return value
    return None


def _name(kind: str, node: Node, owner: Text | None = None) -> Text:
    """How to name an object in messages before its id is checked: ``step 'save'`` when its id
    looks right, otherwise ``the step at line 12``; with *owner*, ``step 'save' of tour 'x'``.
    *kind* is ``tour``, ``step``, ``badge`` or ``wiki``: one message per kind, so that no
    English word becomes a parameter."""
    id_node = _id_node(node)
    suffix = "-of" if owner is not None else ""
    extra = (owner,) if owner is not None else ()
    if id_node is not None and _ID.match(id_node.value):
        return T(f"wikitours-what-{kind}{suffix}", id_node.value, *extra)
    return T(f"wikitours-what-{kind}-at-line{suffix}", str(node.line), *extra)


#: Pseudo-classes only jQuery (Sizzle) understands. The gadget finds targets with the browser's
#: ``document.querySelector``, where they throw or match nothing, so lint refuses them even
#: when cssselect happens to parse one (``:first``, ``:contains()``).
_JQUERY_ONLY = re.compile(r":(contains|visible|hidden|eq|gt|lt|first|last|even|odd|header|input|button|"
                          r"checkbox|radio|text|password|submit|reset|image|file|selected|parent|animated)"
                          r"(?![\w-])", re.I)
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


def _jquery_only(selector: str) -> str:
    """The first jQuery-only pseudo-class of *selector* (``:contains()``, ``:visible``), or ``""``;
    quoted attribute values are not looked at."""
    bare = _QUOTED.sub('""', selector)
    match = _JQUERY_ONLY.search(bare)
    if match is None or bare[match.start() - 1:match.start()] == ":":
        return ""
    name = match.group(0)
    return name + "()" if bare[match.end():match.end() + 1] == "(" else name


def _belongs_elsewhere(name: str, fields: dict[str, bool]) -> Text | None:
    """Where a library-level field written inside a tour belongs: a tour page on the wiki holds
    one tour, and the badges, wikis … live in the library's header (``Library.yaml``)."""
    if fields is not TOUR_FIELDS:
        return None
    if name == "badges":
        return T("wikitours-hint-badges-in-library", "`badges:`", "`Library.yaml`", "`badge: <id>`")
    if name in TOP_FIELDS or name == "order":
        return T("wikitours-hint-field-in-library", f"`{name}:`", "`Library.yaml`")
    return None


def _selector_error(selector: str) -> str:
    try:
        _TRANSLATOR.css_to_xpath(selector)
    except SelectorError as err:
        return str(err)
    except Exception as err:  # noqa: BLE001 - cssselect may raise other errors on odd input
        return str(err) or type(err).__name__
    return ""


def _page_namespace(page: PageRef | None) -> int | None:
    """The namespace a step's page is certainly in, or ``None`` when it depends on the wiki."""
    if page is None:
        return None
    if page.kind in ("sandbox", "user-page"):
        return 2
    if page.kind == "user-talk":
        return 3
    if page.kind == "special":
        return -1
    return None


def _can_be_in_editor(page: PageRef | None, when: Conditions) -> bool:
    """Whether a step can show while an editor is open: the source editor uses the actions
    edit/submit; the visual editor keeps the action view."""
    if page is not None and page.kind == "special":
        return False
    if when.namespaces and all(n < 0 for n in when.namespaces):
        return False
    if not when.actions:
        return True
    if set(when.actions) & _EDITOR_ACTIONS and (not when.editors or "source" in when.editors):
        return True
    return "view" in when.actions and (not when.editors or "visual" in when.editors)


def _can_open_editor(page: PageRef | None, when: Conditions) -> bool:
    """Whether an editor can be opened from where the step shows: not on special pages, and
    only from viewing or editing a page."""
    if page is not None and page.kind == "special":
        return False
    if when.namespaces and all(n < 0 for n in when.namespaces):
        return False
    return not when.actions or bool(set(when.actions) & {"view", "edit", "submit"})




def version_key_at_least(version: str, other: str) -> bool:
    """Whether MediaWiki *version* is *other* or newer (DiscussionTools is bundled from 1.43)."""
    return (catalogue.version_key(version) or (0, 0)) >= (catalogue.version_key(other) or (0, 0))


def _only_skins(cond: Conditions) -> bool:
    """Whether a condition names skins and nothing else (so it takes whole skins off a step)."""
    return cond == Conditions(skins=cond.skins)


def _never_shows(when: Conditions, unless: Conditions) -> bool:
    """True when every situation that satisfies *when* also satisfies *unless* (so the step is
    always skipped). Each part of *unless* must cover *when*'s part; an unconstrained part of
    *when* is covered only by a finite domain listed in full (editors, logged-in)."""
    for name in ("actions", "namespaces", "skins", "editors", "dialogs"):
        wanted = getattr(unless, name)
        if not wanted:
            continue
        given = getattr(when, name)
        if given:
            if not set(given) <= set(wanted):
                return False
        else:
            domain = {"actions": set(ACTIONS), "skins": set(SKIN_NAMES), "editors": set(EDITORS)}.get(name)
            if domain is None or not domain <= set(wanted):
                return False
    for flag in ("logged_in", "previewing", "showing_changes", "watched"):
        if getattr(unless, flag) is not None and getattr(when, flag) != getattr(unless, flag):
            return False
    return True


def validate(root: Node, filename: str, text: str, extra_special_pages: Iterable[str] = ()) -> tuple[Library | None, list[Problem]]:
    """Check the node tree of a whole tours file. Returns the library (``None`` on any error)
    and every problem, sorted by position."""
    validator = _Validator(filename, text, extra_special_pages)
    library = validator.run(root)
    problems = sorted(validator.problems, key=lambda p: (p.line, p.column))
    return library, problems
