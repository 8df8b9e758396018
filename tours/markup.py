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
* ``<code>``, ``<kbd>`` and ``<bdi>`` without attributes, closed in order.

Everything else is reported with a hint: raw HTML and comments, templates, other parser
functions and magic words, template parameters, entities, non-http links, stray brackets,
headings, tables, lists and indented (preformatted) lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MarkupIssue", "ALLOWED_TAGS", "check_markup", "placeholders", "quotes_to_html"]

#: HTML tags accepted in tour texts (no attributes): harmless, and rendered by jqueryMsg.
ALLOWED_TAGS = ("code", "kbd", "bdi")


@dataclass(frozen=True)
class MarkupIssue:
    """Something in a text outside the safe subset, at character *offset* of the text."""

    offset: int
    message: str
    hint: str


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
    "*": ("a line starting with '*' makes a list on help pages but not in popovers", "write the list as sentences"),
    "#": ("a line starting with '#' makes a numbered list on help pages but not in popovers", "write the list as sentences"),
    ":": ("a line starting with ':' is indented on help pages but not in popovers", "remove the ':'"),
    ";": ("a line starting with ';' is a definition on help pages but not in popovers", "remove the ';'"),
    " ": ("a line starting with a space shows as a code block on help pages", "remove the spaces at the start of the line"),
}

#: How far a recovery after an error looks for the closing bracket (links are short).
_WINDOW = 512
_LINE_STARTS = frozenset("={|-*#:; ")
_HINT_ROUND = "use round brackets ( ) for a remark, or write a link like [https://example.org label]"
_HINT_TEMPLATE = "tour texts cannot use templates; write the text out, or link to a page with [[Page|label]]"


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
        issues = [x for x in issues if "single" not in x.message
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

    def add(self, offset: int, message: str, hint: str) -> None:
        self.issues.append(MarkupIssue(offset, message, hint))

    def run(self) -> None:
        self._lines()
        end = self._sequence(0, "top", 0)
        while end < self.n:  # a stray closer at top level was reported; go on after it
            end = self._sequence(end + (2 if self.text.startswith(("]]", "}}"), end) else 1), "top", 0)
        for name, offset in self.tags:
            if offset >= 0:
                self.add(offset, f"<{name}> is not closed", f"add </{name}> where the {name} text ends")

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
                self.add(start, "headings (= … =) are not allowed in tour texts",
                         "write the heading as a step title, or as a sentence")
            elif line.startswith("{|") or line.startswith("|}"):
                self.table_lines.append((start, end))
                self.add(start, "tables ({| … |}) are not allowed in tour texts", "write the content as sentences")
            elif line.startswith("----"):
                self.add(start, "horizontal lines (----) are not allowed in tour texts", "remove the line")
            elif line[:1] in _SPECIAL_LINE and line.strip():
                message, hint = _SPECIAL_LINE[line[:1]]
                self.add(start, message, hint)
            self._quotes(line, start)
            for m in _BEHAVIOUR.finditer(line):
                self.add(start + m.start(), f"the magic word {m.group(0)} is not allowed in tour texts", "remove it")
            for m in _ENTITY.finditer(line):
                self.add(start + m.start(), f"the HTML entity {m.group(0)} is not allowed in tour texts",
                         "type the character itself")
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
            self.add(bold, "bold text (''') is not closed on the same line", "add ''' where the bold text ends")
        if italic >= 0:
            self.add(italic, "italic text ('') is not closed on the same line", "add '' where the italic text ends")

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
                        self.add(i, "a link cannot contain another link", "close the first link before starting another")
                    i = self._wikilink(i, depth)
                else:
                    i = self._extlink(i, depth)
                continue
            if ch == "]":
                if context == "extlabel":
                    return i
                if context == "label" and text.startswith("]]", i):
                    return i
                if context == "top" and not text.startswith("]]", i):
                    self.add(i, "a ']' without a matching '['", _HINT_ROUND)
                    return i
                if context == "top":
                    self.add(i, "a ']]' without a matching '[['", "remove it, or open the link with [[")
                    return i
                self.add(i, "a ']' without a matching '['", _HINT_ROUND)
                i += 1
                continue
            if ch == "{":
                if text.startswith("{{", i):
                    i = self._template(i, depth)
                else:
                    self.add(i, "a single '{' is not allowed in tour texts", _HINT_ROUND)
                    i += 1
                continue
            if ch == "}":
                if text.startswith("}}", i):
                    if context == "arg":
                        return i
                    if context == "top":
                        self.add(i, "a '}}' without a matching '{{'", "remove it")
                        return i
                    self.add(i, "a '}}' without a matching '{{'", "remove it")
                    i += 2
                    continue
                self.add(i, "a single '}' is not allowed in tour texts", _HINT_ROUND)
                i += 1
                continue
            if ch == "|" and context == "arg":
                return i
            if ch == "<":
                i = self._tag(i)
                continue
            if ch == "\n" and context in ("extlabel",):
                self.add(i, "an external link's label must be on one line", "close the link with ] before the line ends")
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
                self.add(j, f"a link target cannot contain '{text[j]}'",
                         "link to a plain page title, like [[Help:Editing|how to edit]]")
                close = text.find("]]", j, j + _WINDOW)  # bounded: no quadratic rescans
                newline = text.find("\n", j, j + _WINDOW)
                if close >= 0 and (newline < 0 or close < newline):
                    return close + 2
            else:
                self.add(start, "the link [[ is not closed", "close the link with ]]")
            return j if j > start + 2 else start + 2
        if not target.strip():
            self.add(start, "a link needs a page title: [[Page]] or [[Page|label]]", "write the page title after [[")
        elif _FORBIDDEN_NAMESPACES.match(target):
            ns = _FORBIDDEN_NAMESPACES.match(target).group(1)
            self.add(start, f"[[{ns}:…]] would embed a file or put the help page in a category",
                     f"link to it with a colon in front: [[:{ns}:…]]")
        if text[j] == "]":
            if text.startswith("]]", j):
                return j + 2
            self.add(start, "the link [[ is not closed", "close the link with ]]")
            return j + 1
        # a label
        if depth >= self._MAX_NESTING:
            self.add(start, "the text is nested too deeply", "simplify the text")
            return self.n
        end = self._sequence(j + 1, "label", depth + 1)
        if end >= self.n:
            self.add(start, "the link [[ is not closed", "close the link with ]]")
            return self.n
        return end + 2

    def _extlink(self, i: int, depth: int) -> int:
        text = self.text
        url = _URL.match(text, i + 1)
        if url is None:
            scheme = _SCHEME.match(text, i + 1)
            if scheme is not None and not text.startswith(("http:", "https:"), i + 1) and not text[i + 1 : i + 2].isspace():
                found = scheme.group(1)
                self.add(i, f"links starting with '{found}' are not allowed in tour texts",
                         "only http:// and https:// links are allowed, like [https://example.org label]")
            else:
                self.add(i, "square brackets make a link in popovers", _HINT_ROUND)
            close = text.find("]", i + 1, i + _WINDOW)
            newline = text.find("\n", i + 1, i + _WINDOW)
            if close >= 0 and (newline < 0 or close < newline) and "[" not in text[i + 1 : close]:
                return close + 1
            return i + 1
        j = url.end()
        if j >= self.n or text[j] == "]":
            self.add(i, "an external link needs a label: [https://example.org label]",
                     "write a space and a few words after the address")
            return j + 1 if j < self.n else self.n
        if text[j] not in " \t":
            self.add(i, "an external link needs a space between the address and the label",
                     "write a space and a few words after the address")
            return j
        if depth >= self._MAX_NESTING:
            self.add(i, "the text is nested too deeply", "simplify the text")
            return self.n
        end = self._sequence(j + 1, "extlabel", depth + 1)
        if end >= self.n or text[end] != "]":
            self.add(i, "the external link [ is not closed", "close the link with ]")
            return end
        return end + 1

    def _template(self, i: int, depth: int) -> int:
        text = self.text
        start = i
        if text.startswith("{{{", i):
            self.add(i, "template parameters ({{{…}}}) are not allowed in tour texts",
                     "use $1 for the reader's user name; other values cannot be inserted")
            end = text.find("}}}", i + 3)
            return self.n if end < 0 else end + 3
        j = i + 2
        while j < self.n and text[j] not in ":|}{\n[]":
            j += 1
        name = text[i + 2 : j].strip()
        upper = name.upper()
        if j < self.n and text[j] == ":" and upper in ("PLURAL", "GENDER"):
            if depth >= self._MAX_NESTING:
                self.add(start, "the text is nested too deeply", "simplify the text")
                return self.n
            k = j + 1
            while k < self.n and text[k] not in "|}":
                k += 1
            first = text[j + 1 : k].strip()
            if upper == "PLURAL" and not re.fullmatch(r"\$[1-9][0-9]*|[0-9]+", first):
                self.add(start, "{{PLURAL:…}} needs a number or placeholder first, like {{PLURAL:$2|one edit|$2 edits}}",
                         "write the number placeholder right after PLURAL:")
            if upper == "GENDER" and not re.fullmatch(r"(\$[1-9][0-9]*)?", first):
                self.add(start, "{{GENDER:…}} needs a user placeholder first, like {{GENDER:$1|he|she|they}}",
                         "write $1 right after GENDER:")
            forms = 0
            k_end = k
            while k_end < self.n and text[k_end] == "|":
                forms += 1
                k_end = self._sequence(k_end + 1, "arg", depth + 1)
            if not text.startswith("}}", k_end):
                self.add(start, f"{{{{{upper}:…}}}} is not closed", "close it with }}")
                return k_end if k_end > start else start + 2
            if forms == 0:
                self.add(start, f"{{{{{upper}:…}}}} needs at least one form after '|'",
                         f"write the forms separated by '|', like {{{{{upper}:$1|…|…}}}}")
            return k_end + 2
        if name.startswith("#"):
            self.add(start, f"the parser function {{{{{name.split(':')[0]}:…}}}} is not allowed in tour texts", _HINT_TEMPLATE)
        elif j < self.n and text[j] == ":":
            self.add(start, f"the parser function {{{{{name}:…}}}} is not allowed in tour texts",
                     "only {{PLURAL:…}} and {{GENDER:…}} are allowed")
        elif re.fullmatch(r"[A-Z0-9]+", name) and name:
            self.add(start, f"the magic word {{{{{name}}}}} is not allowed in tour texts",
                     "write the value out; popovers and help pages would show it differently")
        else:
            shown = name or "…"
            self.add(start, f"templates ({{{{{shown}}}}}) are not allowed in tour texts", _HINT_TEMPLATE)
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
            self.add(i, "HTML comments (<!-- … -->) are not allowed in tour texts",
                     "remove the comment; a note for translators belongs in a YAML comment (# …)")
            end = text.find("-->", i + 4)
            return self.n if end < 0 else end + 3
        if not _TAG_START.match(text, i):
            return i + 1
        m = _TAG.match(text, i)
        name = (m.group(2) if m else re.match(r"</?([a-zA-Z][a-zA-Z0-9]*)", text[i:]).group(1)).lower()
        if m is None or name not in ALLOWED_TAGS or m.group(3).strip() or m.group(4):
            if name in ALLOWED_TAGS:
                self.add(i, f"<{name}> cannot have attributes here", f"write <{name}> and </{name}> alone")
                self.tags.append((name, -1))  # counts as open, so its closing tag is not reported
            elif not (m is not None and m.group(1) and name in self.reported_tags):
                self.reported_tags.add(name)
                shown = f"<{name}>"
                self.add(i, f"raw HTML ({shown}) is not allowed in tour texts",
                         "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")
            return m.end() if m else i + 1
        if m.group(1):  # a closing tag
            if self.tags and self.tags[-1][0] == name:
                self.tags.pop()
            else:
                self.add(i, f"</{name}> closes a tag that is not open", f"remove it, or add <{name}> before it")
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
