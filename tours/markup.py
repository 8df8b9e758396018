"""The safe wikitext subset of tour texts.

A tour text is shown in two places: as a popover through MediaWiki's client-side message
parser (``mw.message(key, user).parse()``, jqueryMsg) and on the generated help pages through
the real parser. Only markup that means the same, harmlessly, in both is accepted:

* plain text (``~~~~``, ``ISBN``, ``|`` and ``=`` are just text; renderers escape them);
* internal links ``[[Page]]`` and ``[[Page|label]]`` (not ``[[File:…]]``/``[[Category:…]]``,
  which would embed an image or categorise the help page; use ``[[:File:…]]``);
* external links ``[https://example.org label]`` with ``http://`` or ``https://`` only, and a
  label (jqueryMsg needs one);
* ``'''bold'''`` and ``''italic''`` (closed on the same line; jqueryMsg in MediaWiki 1.39 does
  not render them, so the gadget data uses :func:`quotes_to_html`);
* ``{{PLURAL:$n|one|many}}`` and ``{{GENDER:$1|he|she|they}}``;
* placeholders ``$1``, ``$2``… (``$1`` is always the reader's user name);
* ``<code>``, ``<kbd>`` and ``<bdi>`` without attributes, closed in order;
* ``{{int:key}}`` for the interface messages of :data:`INTERFACE_MESSAGES` (button labels);
* literal markup: ``<nowiki>…</nowiki>`` on one line (shown as typed, no entities inside),
  the entities of :data:`LITERAL_ENTITIES` (``&lt;``, ``&#91;``…), and a lone ``[`` or ``]``
  that cannot make a link (``[note]``). jqueryMsg does not decode entities and may read a
  bracket as a link, so the gadget's copy of a text has them as ``<nowiki>`` (:func:`for_jquerymsg`).

Everything else is reported with a hint: raw HTML and comments, templates, other parser
functions and magic words, template parameters, entities, non-http links, stray brackets,
headings, tables, lists and indented (preformatted) lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tours.problemtext import T, Text

__all__ = ["MarkupIssue", "ALLOWED_TAGS", "INTERFACE_MESSAGES", "LITERAL_ENTITIES", "check_markup", "placeholders", "quotes_to_html",
           "for_jquerymsg"]

#: HTML tags accepted in tour texts (no attributes): harmless, and rendered by jqueryMsg.
ALLOWED_TAGS = ("code", "kbd", "bdi")


#: MediaWiki interface messages a text may include as ``{{int:key}}``, so that a tour names a
#: button as the wiki names it in the reader's language ("Save page" on 1.39, "Publish changes"
#: on wikis that chose it). Only short, plain labels of core MediaWiki, without parameters or
#: markup: the gadget shows them with jqueryMsg (``int:``), help pages with the parser.
INTERFACE_MESSAGES = ("savearticle", "savechanges", "publishpage", "publishchanges", "showpreview",
                      "showdiff", "cancel", "edit", "create", "viewsource", "watch", "unwatch",
                      "watchthis", "minoredit", "summary", "history_short", "talk", "move", "mytalk",
                      "mycontris", "preferences", "search", "login", "createaccount", "upload",
                      "randompage", "recentchanges", "watchlist")
_INT = re.compile(r"\{\{int:([^{}|\n]*)\}\}")

#: The character entities a text may use to show a markup character as it is; every other
#: character is typed as itself.
LITERAL_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&#91;": "[", "&#93;": "]", "&#123;": "{",
                    "&#125;": "}", "&#124;": "|", "&#39;": "'"}
#: ``<nowiki>…</nowiki>`` as jqueryMsg reads it: lowercase tags, content on one line.
_NOWIKI = re.compile(r"<nowiki>([^\n]*?)</nowiki>")


@dataclass(frozen=True)
class MarkupIssue:
    """Something in a text outside the safe subset, at character *offset* of the text.

    *message* and *hint* are translatable texts (``str()`` gives the English); the validator
    and the translation checks make them part of a problem that names the text."""

    offset: int
    message: Text
    hint: Text


_INTERESTING = re.compile(r"[\[\]{}|<\n]")
_LINK_STOP = re.compile(r"[|\]\n\[{}<>]")
_PLACEHOLDER = re.compile(r"\$([1-9][0-9]*)")
_URL = re.compile(r"https?://[^\s\[\]<>\"{}|]+", re.I)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*:|//)", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*?)(/?)>")
_TAG_START = re.compile(r"</?[a-zA-Z]")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_BEHAVIOUR = re.compile(r"__[A-Z]+__")
_FORBIDDEN_NAMESPACES = re.compile(r"\s*(file|image|media|category)\s*:", re.I)
_SPECIAL_LINE = {
    "*": (T("wikitours-problem-markup-line-list"), T("wikitours-hint-markup-list-as-sentences")),
    "#": (T("wikitours-problem-markup-line-numbered-list"),
          T("wikitours-hint-markup-list-as-sentences")),
    ":": (T("wikitours-problem-markup-line-indented"), T("wikitours-hint-markup-remove-colon")),
    ";": (T("wikitours-problem-markup-line-definition"),
          T("wikitours-hint-markup-remove-semicolon")),
    " ": (T("wikitours-problem-markup-line-space"),
          T("wikitours-hint-markup-remove-leading-spaces")),
}

#: How far a recovery after an error looks for the closing bracket (links are short).
_WINDOW = 512
_LINE_STARTS = frozenset("={|-*#:; ")
_HINT_ROUND = T("wikitours-hint-markup-round-brackets")
_HINT_TEMPLATE = T("wikitours-hint-markup-no-templates")
_HINT_REMOVE = T("wikitours-hint-markup-remove-it")
_HINT_LABEL = T("wikitours-hint-markup-external-link-label")
_HINT_CLOSE_LINK = T("wikitours-hint-markup-close-link")
_HINT_SIMPLIFY = T("wikitours-hint-markup-simplify")
_NESTED = T("wikitours-problem-markup-nested-too-deeply")
_LINK_NOT_CLOSED = T("wikitours-problem-markup-link-not-closed")
#: A single brace inside a reported table line is not worth a second issue.
_SINGLE_BRACE = "wikitours-problem-markup-single-brace"


def placeholders(text: str) -> set[str]:
    """The placeholders (``$1``, ``$2``…) used in *text*, e.g. ``{"$1"}``; for checking that a
    translation uses no placeholder its source lacks."""
    return {"$" + m.group(1) for m in _PLACEHOLDER.finditer(text)}


def check_markup(text: str) -> list[MarkupIssue]:
    """Every place where *text* leaves the safe subset, in order of offset (empty if safe)."""
    checker = _Checker(text)
    checker.run()
    issues = checker.issues
    if checker.table_lines:  # the braces of a reported table line are not worth a second issue
        issues = [x for x in issues if x.message.key != _SINGLE_BRACE
                  or not any(a <= x.offset <= b for a, b in checker.table_lines)]
    return sorted(issues, key=lambda issue: issue.offset)


class _Checker:
    """A one-pass recursive-descent scanner; contexts nest at most a few levels (links in
    PLURAL arguments), and recursion is bounded by :data:`_MAX_NESTING`."""

    _MAX_NESTING = 8

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.issues: list[MarkupIssue] = []
        self.tags: list[tuple[str, int]] = []
        self.reported_tags: set[str] = set()
        self.table_lines: list[tuple[int, int]] = []

    def add(self, offset: int, message: Text, hint: Text) -> None:
        self.issues.append(MarkupIssue(offset, message, hint))

    def run(self) -> None:
        self._lines()
        end = self._sequence(0, "top", 0)
        while end < self.n:  # a stray closer at top level was reported; go on after it
            end = self._sequence(end + (2 if self.text.startswith(("]]", "}}"), end) else 1), "top", 0)
        for name, offset in self.tags:
            if offset >= 0:
                self.add(offset, T("wikitours-problem-markup-tag-not-closed", name),
                         T("wikitours-hint-markup-close-tag", name))

    # -- line-level constructs and quotes -------------------------------------------------
    def _lines(self) -> None:
        text = self.text
        start = 0
        while start <= self.n:
            end = text.find("\n", start)
            if end < 0:
                end = self.n
            line = text[start:end]
            if not line or (line[0] not in _LINE_STARTS and "''" not in line and "__" not in line and "&" not in line):
                start = end + 1
                continue
            stripped = line.rstrip()
            if stripped.startswith("=") and stripped.endswith("=") and len(stripped) >= 2:
                self.add(start, T("wikitours-problem-markup-heading"),
                         T("wikitours-hint-markup-heading"))
            elif line.startswith("{|") or line.startswith("|}"):
                self.table_lines.append((start, end))
                self.add(start, T("wikitours-problem-markup-table", "{| … |}"),
                         T("wikitours-hint-markup-content-as-sentences"))
            elif line.startswith("----"):
                self.add(start, T("wikitours-problem-markup-horizontal-line"),
                         T("wikitours-hint-markup-remove-line"))
            elif line[:1] in _SPECIAL_LINE and line.strip():
                message, hint = _SPECIAL_LINE[line[:1]]
                self.add(start, message, hint)
            spans = [m.span(1) for m in _NOWIKI.finditer(line)] if "<nowiki>" in line else []
            outside = line
            for a, b in spans:  # nowiki content is text: no quotes, no magic words there
                outside = outside[:a] + " " * (b - a) + outside[b:]
            self._quotes(outside, start)
            for m in _BEHAVIOUR.finditer(outside):
                self.add(start + m.start(), T("wikitours-problem-markup-magic-word", m.group(0)),
                         _HINT_REMOVE)
            for m in _ENTITY.finditer(line):
                inside = any(a <= m.start() < b for a, b in spans)
                if inside:  # the wiki decodes it, jqueryMsg shows it as typed
                    self.add(start + m.start(), T("wikitours-problem-markup-entity-in-nowiki", m.group(0)),
                             T("wikitours-hint-markup-type-character"))
                elif m.group(0) not in LITERAL_ENTITIES:
                    self.add(start + m.start(), T("wikitours-problem-markup-entity", m.group(0)),
                             T("wikitours-hint-markup-entity-allowed", "<nowiki>…</nowiki>",
                               " ".join(LITERAL_ENTITIES)))
            start = end + 1

    def _quotes(self, line: str, base: int) -> None:
        bold = italic = -1
        for m in _QUOTE_RUN.finditer(line):
            run = len(m.group(0))
            at = base + m.start()
            if run == 2:
                italic = -1 if italic >= 0 else at
            elif run in (3, 4):
                bold = -1 if bold >= 0 else at
            elif run >= 5:
                bold = -1 if bold >= 0 else at
                italic = -1 if italic >= 0 else at
        if bold >= 0:
            self.add(bold, T("wikitours-problem-markup-bold-not-closed"),
                     T("wikitours-hint-markup-close-bold"))
        if italic >= 0:
            self.add(italic, T("wikitours-problem-markup-italic-not-closed"),
                     T("wikitours-hint-markup-close-italic"))

    # -- inline constructs ---------------------------------------------------------------
    def _sequence(self, i: int, context: str, depth: int) -> int:
        """Scan from *i* until the end of *context*; returns the offset of its closer (or n).

        Contexts: ``top``; ``arg`` (a PLURAL/GENDER argument, ends at ``|`` or ``}}``);
        ``label`` (of an internal link, ends at ``]]``); ``extlabel`` (ends at ``]``)."""
        text, n = self.text, self.n
        search = _INTERESTING.search
        while i < n:
            found = search(text, i)
            if found is None:
                return n
            i = found.start()
            ch = text[i]
            if ch == "[":
                if text.startswith("[[", i):
                    if context in ("label", "extlabel"):
                        self.add(i, T("wikitours-problem-markup-link-in-link"),
                                 T("wikitours-hint-markup-link-in-link"))
                    i = self._wikilink(i, depth)
                else:
                    i = self._extlink(i, depth)
                continue
            if ch == "]":
                if context == "extlabel":
                    return i
                if context == "label" and text.startswith("]]", i):
                    return i
                if context in ("top", "arg") and not text.startswith("]]", i):
                    i += 1  # a lone ']' is text: it cannot close anything here
                    continue
                if context == "top":
                    self.add(i, T("wikitours-problem-markup-unmatched-closer", "]]", "[["),
                             T("wikitours-hint-markup-open-link"))
                    return i
                self.add(i, T("wikitours-problem-markup-unmatched-closer", "]", "["), _HINT_ROUND)
                i += 1
                continue
            if ch == "{":
                if text.startswith("{{", i):
                    i = self._template(i, depth)
                else:
                    self.add(i, T(_SINGLE_BRACE, "{"), _HINT_ROUND)
                    i += 1
                continue
            if ch == "}":
                if text.startswith("}}", i):
                    if context == "arg":
                        return i
                    if context == "top":
                        self.add(i, T("wikitours-problem-markup-unmatched-closer", "}}", "{{"),
                                 _HINT_REMOVE)
                        return i
                    self.add(i, T("wikitours-problem-markup-unmatched-closer", "}}", "{{"),
                             _HINT_REMOVE)
                    i += 2
                    continue
                self.add(i, T(_SINGLE_BRACE, "}"), _HINT_ROUND)
                i += 1
                continue
            if ch == "|" and context == "arg":
                return i
            if ch == "<":
                i = self._tag(i)
                continue
            if ch == "\n" and context in ("extlabel",):
                self.add(i, T("wikitours-problem-markup-label-one-line"),
                         T("wikitours-hint-markup-label-one-line"))
                return i
            i += 1
        return n

    def _wikilink(self, i: int, depth: int) -> int:
        text = self.text
        start = i
        i += 2
        stop = _LINK_STOP.search(text, i)
        j = stop.start() if stop else self.n
        target = text[i:j]
        if j >= self.n or text[j] not in "|]":
            if j < self.n and text[j] in "[{}<>":
                self.add(j, T("wikitours-problem-markup-link-target-character", text[j]),
                         T("wikitours-hint-markup-plain-link-target"))
                close = text.find("]]", j, j + _WINDOW)  # bounded: no quadratic rescans
                newline = text.find("\n", j, j + _WINDOW)
                if close >= 0 and (newline < 0 or close < newline):
                    return close + 2
            else:
                self.add(start, _LINK_NOT_CLOSED, _HINT_CLOSE_LINK)
            return j if j > start + 2 else start + 2
        if not target.strip():
            self.add(start, T("wikitours-problem-markup-link-needs-title"),
                     T("wikitours-hint-markup-link-needs-title"))
        elif _FORBIDDEN_NAMESPACES.match(target):
            ns = _FORBIDDEN_NAMESPACES.match(target).group(1)
            self.add(start, T("wikitours-problem-markup-embedding-link", ns),
                     T("wikitours-hint-markup-colon-link", ns))
        if text[j] == "]":
            if text.startswith("]]", j):
                return j + 2
            self.add(start, _LINK_NOT_CLOSED, _HINT_CLOSE_LINK)
            return j + 1
        # a label
        if depth >= self._MAX_NESTING:
            self.add(start, _NESTED, _HINT_SIMPLIFY)
            return self.n
        end = self._sequence(j + 1, "label", depth + 1)
        if end >= self.n:
            self.add(start, _LINK_NOT_CLOSED, _HINT_CLOSE_LINK)
            return self.n
        return end + 2

    def _extlink(self, i: int, depth: int) -> int:
        text = self.text
        url = _URL.match(text, i + 1)
        if url is None:
            scheme = _SCHEME.match(text, i + 1)
            if scheme is not None and not text.startswith(("http:", "https:"), i + 1) and not text[i + 1 : i + 2].isspace():
                found = scheme.group(1)
                self.add(i, T("wikitours-problem-markup-link-scheme", found),
                         T("wikitours-hint-markup-http-links"))
            else:  # a lone '[' (or '[note]') cannot make a link: it is text
                return i + 1
            close = text.find("]", i + 1, i + _WINDOW)
            newline = text.find("\n", i + 1, i + _WINDOW)
            if close >= 0 and (newline < 0 or close < newline) and "[" not in text[i + 1 : close]:
                return close + 1
            return i + 1
        j = url.end()
        if j >= self.n or text[j] == "]":
            self.add(i, T("wikitours-problem-markup-external-link-needs-label"), _HINT_LABEL)
            return j + 1 if j < self.n else self.n
        if text[j] not in " \t":
            self.add(i, T("wikitours-problem-markup-external-link-needs-space"), _HINT_LABEL)
            return j
        if depth >= self._MAX_NESTING:
            self.add(i, _NESTED, _HINT_SIMPLIFY)
            return self.n
        end = self._sequence(j + 1, "extlabel", depth + 1)
        if end >= self.n or text[end] != "]":
            self.add(i, T("wikitours-problem-markup-external-link-not-closed"),
                     T("wikitours-hint-markup-close-external-link"))
            return end
        return end + 1

    def _template(self, i: int, depth: int) -> int:
        text = self.text
        start = i
        if text.startswith("{{{", i):
            self.add(i, T("wikitours-problem-markup-template-parameters", "{{{…}}}"),
                     T("wikitours-hint-markup-template-parameters", "$1"))
            end = text.find("}}}", i + 3)
            return self.n if end < 0 else end + 3
        j = i + 2
        while j < self.n and text[j] not in ":|}{\n[]":
            j += 1
        name = text[i + 2 : j].strip()
        upper = name.upper()
        if j < self.n and text[j] == ":" and upper in ("PLURAL", "GENDER"):
            if depth >= self._MAX_NESTING:
                self.add(start, _NESTED, _HINT_SIMPLIFY)
                return self.n
            k = j + 1
            while k < self.n and text[k] not in "|}":
                k += 1
            first = text[j + 1 : k].strip()
            if upper == "PLURAL" and not re.fullmatch(r"\$[1-9][0-9]*|[0-9]+", first):
                self.add(start, T("wikitours-problem-markup-plural-needs-number", "{{PLURAL:…}}",
                                  "{{PLURAL:$2|one edit|$2 edits}}"),
                         T("wikitours-hint-markup-plural-needs-number", "PLURAL:"))
            if upper == "GENDER" and not re.fullmatch(r"(\$[1-9][0-9]*)?", first):
                self.add(start, T("wikitours-problem-markup-gender-needs-user", "{{GENDER:…}}",
                                  "{{GENDER:$1|he|she|they}}"),
                         T("wikitours-hint-markup-gender-needs-user", "$1", "GENDER:"))
            forms = 0
            k_end = k
            while k_end < self.n and text[k_end] == "|":
                forms += 1
                k_end = self._sequence(k_end + 1, "arg", depth + 1)
            if not text.startswith("}}", k_end):
                self.add(start, T("wikitours-problem-markup-function-not-closed",
                                  f"{{{{{upper}:…}}}}"),
                         T("wikitours-hint-markup-close-function", "}}"))
                return k_end if k_end > start else start + 2
            if forms == 0:
                self.add(start, T("wikitours-problem-markup-function-needs-form",
                                  f"{{{{{upper}:…}}}}"),
                         T("wikitours-hint-markup-function-forms", f"{{{{{upper}:$1|…|…}}}}"))
            return k_end + 2
        if name.startswith("#"):
            self.add(start, T("wikitours-problem-markup-parser-function",
                              f"{{{{{name.split(':')[0]}:…}}}}"),
                     _HINT_TEMPLATE)
        elif j < self.n and text[j] == ":" and name.lower() == "int":
            m = _INT.match(text, i)
            if m is None or m.group(1) not in INTERFACE_MESSAGES:
                key = m.group(1) if m else text[j + 1:j + 41].split("}")[0].split("|")[0]
                self.add(start, T("wikitours-problem-markup-int-not-allowed", key),
                         T("wikitours-hint-markup-int-allowed", "{{int:savearticle}}", ", ".join(INTERFACE_MESSAGES)))
            else:
                return m.end()
        elif j < self.n and text[j] == ":":
            self.add(start, T("wikitours-problem-markup-parser-function", f"{{{{{name}:…}}}}"),
                     T("wikitours-hint-markup-only-plural-gender", "{{PLURAL:…}}", "{{GENDER:…}}"))
        elif re.fullmatch(r"[A-Z0-9]+", name) and name:
            self.add(start, T("wikitours-problem-markup-magic-word", f"{{{{{name}}}}}"),
                     T("wikitours-hint-markup-magic-word-value"))
        else:
            shown = name or "…"
            self.add(start, T("wikitours-problem-markup-template", f"{{{{{shown}}}}}"),
                     _HINT_TEMPLATE)
        return self._skip_braces(i)

    def _skip_braces(self, i: int) -> int:
        """Skip a balanced ``{{…}}`` (or to the end) after reporting it, to avoid cascades."""
        depth = 0
        text = self.text
        while i < self.n:
            if text.startswith("{{", i):
                depth += 1
                i += 2
            elif text.startswith("}}", i):
                depth -= 1
                i += 2
                if depth <= 0:
                    return i
            else:
                i += 1
        return self.n

    def _tag(self, i: int) -> int:
        text = self.text
        if text.startswith("<!--", i):
            self.add(i, T("wikitours-problem-markup-html-comment"),
                     T("wikitours-hint-markup-html-comment"))
            end = text.find("-->", i + 4)
            return self.n if end < 0 else end + 3
        if not _TAG_START.match(text, i):
            return i + 1
        if text.startswith("<nowiki>", i):
            m = _NOWIKI.match(text, i)
            if m is None:
                self.add(i, T("wikitours-problem-markup-nowiki-not-closed"),
                         T("wikitours-hint-markup-close-nowiki", "</nowiki>"))
                close = text.find("</nowiki>", i)  # over a line break: one issue, not two
                end = text.find("\n", i)
                return close + 9 if close >= 0 else (self.n if end < 0 else end)
            return m.end()
        m = _TAG.match(text, i)
        name = (m.group(2) if m else re.match(r"</?([a-zA-Z][a-zA-Z0-9]*)", text[i:]).group(1)).lower()
        if m is None or name not in ALLOWED_TAGS or m.group(3).strip() or m.group(4):
            if name in ALLOWED_TAGS:
                self.add(i, T("wikitours-problem-markup-tag-attributes", name),
                         T("wikitours-hint-markup-tag-attributes", name))
                self.tags.append((name, -1))  # counts as open, so its closing tag is not reported
            elif not (m is not None and m.group(1) and name in self.reported_tags):
                self.reported_tags.add(name)
                self.add(i, T("wikitours-problem-markup-raw-html", name),
                         T("wikitours-hint-markup-raw-html"))
            return m.end() if m else i + 1
        if m.group(1):  # a closing tag
            if self.tags and self.tags[-1][0] == name:
                self.tags.pop()
            else:
                self.add(i, T("wikitours-problem-markup-tag-not-open", name),
                         T("wikitours-hint-markup-tag-not-open", name))
        else:
            self.tags.append((name, i))
        return m.end()


_QUOTE_RUN = re.compile(r"'{2,}")


def quotes_to_html(text: str) -> str:
    """``'''bold'''``/``''italic''`` as ``<b>``/``<i>``, for jqueryMsg (MediaWiki 1.39), which
    renders those tags but not the quote markup. Applies to texts that pass
    :func:`check_markup`; anything left open is closed at the end of its line."""
    if "\n" not in text:  # nearly every text is one line: no splitting and joining
        return _quotes_line(text)
    return "\n".join([_quotes_line(line) for line in text.split("\n")])


def _quotes_line(line: str) -> str:
    if "<nowiki>" in line:  # nowiki content is shown as typed: its quotes are not markup
        kept: list[str] = []

        def keep(m: re.Match) -> str:
            kept.append(m.group(0))
            return f"\x00{len(kept) - 1}\x00"

        done = _quotes_plain(_NOWIKI.sub(keep, line))
        return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], done)
    return _quotes_plain(line)


_LINKS_AND_NOWIKI = re.compile(r"<nowiki>[^\n]*?</nowiki>|\[\[[^\[\]\n]*\]\]"
                               r"|\[https?://[^\s\[\]<>\"{}|]+[ \t][^\[\]\n]*\]", re.I)
_LITERAL = re.compile("|".join(re.escape(e) for e in LITERAL_ENTITIES) + r"|[\[\]]")


def for_jquerymsg(text: str) -> str:
    """A text that passed :func:`check_markup` as the gadget's message parser must get it: a
    lone bracket and the entities of :data:`LITERAL_ENTITIES` as ``<nowiki>`` (jqueryMsg shows
    entities as typed and may read a bracket as a link), bold and italic as ``<b>``/``<i>``."""
    if "[" in text or "]" in text or "&" in text:
        out: list[str] = []
        pos = 0
        for m in _LINKS_AND_NOWIKI.finditer(text):
            out.append(_LITERAL.sub(_as_nowiki, text[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(_LITERAL.sub(_as_nowiki, text[pos:]))
        text = "".join(out)
    return quotes_to_html(text) if "''" in text else text


def _as_nowiki(m: re.Match) -> str:
    return f"<nowiki>{LITERAL_ENTITIES.get(m.group(0), m.group(0))}</nowiki>"


def _quotes_plain(line: str) -> str:
    out: list[str] = []
    bold = italic = False
    pos = 0
    for m in _QUOTE_RUN.finditer(line):
        start, end = m.span()
        out.append(line[pos:start])
        run = end - start
        if run == 4 or run > 5:
            out.append("'" * (run - (3 if run == 4 else 5)))
            run = 3 if run == 4 else 5
        if run == 2:
            out.append("</i>" if italic else "<i>")
            italic = not italic
        elif run == 3:
            out.append("</b>" if bold else "<b>")
            bold = not bold
        else:  # five: close in the right order
            if bold and italic:
                out.append("</i></b>")
            elif bold:
                out.append("</b><i>")
            elif italic:
                out.append("</i><b>")
            else:
                out.append("<b><i>")
            bold, italic = not bold, not italic
        pos = end
    if not pos:  # no quote runs at all
        return line
    out.append(line[pos:])
    if italic:
        out.append("</i>")
    if bold:
        out.append("</b>")
    return "".join(out)
