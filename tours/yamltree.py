"""A safe, position-keeping YAML reader for ``tours.yaml``.

PyYAML's own composer recurses (libyaml's Cython one crashes the interpreter on very deep
nesting) and silently expands aliases, so a hostile file could take the process down or blow
up into gigabytes. Here the *event* stream of libyaml (flat, not recursive) is turned into a
small node tree by a loop with an explicit stack, which lets us:

* refuse nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES` nodes;
* refuse anchors/aliases and custom tags outright (the tour language never needs them);
* keep the 1-based line/column and character offsets of every key and value;
* report every error as a :class:`~tours.model.Problem` instead of raising.

Scalars keep their source text; the validator decides whether ``5`` is a number or ``no`` a
language code, which avoids YAML 1.1 surprises (``no`` → false) for people who are not
programmers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from tours.model import Problem
from tours.problemtext import T, Text

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Scalar", "Seq", "Map", "Node", "decode",
           "read_tree", "too_large", "yaml_error_problem", "yaml_error_what", "YAML_PROBLEMS", "YAML_CONTEXTS"]

#: Largest file accepted. 200 tours in one file take about 2 MB; 16 MB leaves ample room.
MAX_BYTES = 16 * 1024 * 1024
#: Deepest nesting accepted. The tour language needs 6 levels; 64 is plenty and safe.
MAX_DEPTH = 64
#: Most nodes (keys, values, list items) accepted.
MAX_NODES = 2_000_000

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


@dataclass(eq=False, slots=True)
class Scalar:
    """A scalar as written. *plain* is true for unquoted, unfolded scalars (YAML may read them
    as numbers or booleans); *style* is PyYAML's style character (``'``, ``"``, ``|``, ``>``)."""

    value: str
    line: int
    column: int
    start: int
    end: int
    plain: bool
    style: str | None = None
    tag: str | None = None

    kind = "text"


@dataclass(eq=False, slots=True)
class Seq:
    """A list; *items* are nodes."""

    line: int
    column: int
    start: int
    items: list = field(default_factory=list)
    end: int = 0

    kind = "list"


@dataclass(eq=False, slots=True)
class Map:
    """A mapping; *pairs* keep source order and duplicates (the validator reports them)."""

    line: int
    column: int
    start: int
    pairs: list = field(default_factory=list)
    end: int = 0

    kind = "mapping"


Node = Scalar | Seq | Map


def decode(data: str | bytes, filename: str) -> tuple[str | None, list[Problem]]:
    """Turn file content into text: size limit, BOM, UTF-8 (or UTF-16 with a BOM), no NULs."""
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) and len(data) * 4 > MAX_BYTES else len(data)
    if size > MAX_BYTES:
        return None, [too_large(filename, size)]
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                return None, [Problem(filename, 1, 1, T("wikitours-problem-file-not-utf16"),
                                      T("wikitours-hint-save-as-utf8"))]
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                line, column = _line_column(data[: err.start].decode("utf-8", "replace"))
                return None, [Problem(filename, line, column,
                                      T("wikitours-problem-file-not-utf8",
                                        f"{data[err.start]:02x}"),
                                      T("wikitours-hint-save-as-utf8-really-tours"))]
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_column(text[:nul])
        return None, [Problem(filename, line, column, T("wikitours-problem-file-nul-character"),
                              T("wikitours-hint-save-as-utf8-really-tours"))]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        line, column = _line_column(text[: err.start])
        return None, [Problem(filename, line, column, T("wikitours-problem-file-invalid-unicode"),
                              T("wikitours-hint-save-as-utf8"))]
    return text, []


def _line_column(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def too_large(filename: str, size: int) -> Problem:
    """The problem of a file larger than :data:`MAX_BYTES` (also used before reading one)."""
    megabytes = MAX_BYTES // (1024 * 1024)
    return Problem(filename, 1, 1, T("wikitours-problem-file-too-large", size, megabytes),
                   T("wikitours-hint-file-too-large"))


#: What libyaml says is wrong → message key (English: libyaml's own wording, so the output
#: reads as it always did). Unknown texts are shown as libyaml wrote them.
YAML_PROBLEMS = {
    "block sequence entries are not allowed in this context": "wikitours-problem-yaml-block-sequence-here",
    "could not find expected ':'": "wikitours-problem-yaml-expected-colon",
    "could not find expected directive name": "wikitours-problem-yaml-expected-directive-name",
    "did not find URI escaped octet": "wikitours-problem-yaml-expected-uri-octet",
    "did not find expected '!'": "wikitours-problem-yaml-expected-exclamation",
    "did not find expected ',' or ']'": "wikitours-problem-yaml-expected-comma-or-bracket",
    "did not find expected ',' or '}'": "wikitours-problem-yaml-expected-comma-or-brace",
    "did not find expected '-' indicator": "wikitours-problem-yaml-expected-dash",
    "did not find expected <document start>": "wikitours-problem-yaml-expected-document-start",
    "did not find expected alphabetic or numeric character": "wikitours-problem-yaml-expected-alphanumeric",
    "did not find expected comment or line break": "wikitours-problem-yaml-expected-comment-or-line-break",
    "did not find expected digit or '.' character": "wikitours-problem-yaml-expected-digit-or-dot",
    "did not find expected hexdecimal number": "wikitours-problem-yaml-expected-hex-number",
    "did not find expected key": "wikitours-problem-yaml-expected-key",
    "did not find expected node content": "wikitours-problem-yaml-expected-node-content",
    "did not find expected tag URI": "wikitours-problem-yaml-expected-tag-uri",
    "did not find expected version number": "wikitours-problem-yaml-expected-version-number",
    "did not find expected whitespace": "wikitours-problem-yaml-expected-whitespace",
    "did not find expected whitespace or line break": "wikitours-problem-yaml-expected-whitespace-or-line-break",
    "did not find the expected '>'": "wikitours-problem-yaml-expected-greater-than",
    "found a tab character that violates indentation": "wikitours-problem-yaml-tab-violates-indentation",
    "found a tab character where an indentation space is expected": "wikitours-problem-yaml-tab-instead-of-space",
    "found an indentation indicator equal to 0": "wikitours-problem-yaml-indentation-indicator-zero",
    "found character that cannot start any token": "wikitours-problem-yaml-character-cannot-start-token",
    "found duplicate %TAG directive": "wikitours-problem-yaml-duplicate-tag-directive",
    "found duplicate %YAML directive": "wikitours-problem-yaml-duplicate-yaml-directive",
    "found extremely long version number": "wikitours-problem-yaml-long-version-number",
    "found incompatible YAML document": "wikitours-problem-yaml-incompatible-document",
    "found invalid Unicode character escape code": "wikitours-problem-yaml-invalid-unicode-escape",
    "found undefined alias": "wikitours-problem-yaml-undefined-alias",
    "found undefined tag handle": "wikitours-problem-yaml-undefined-tag-handle",
    "found unexpected ':'": "wikitours-problem-yaml-unexpected-colon",
    "found unexpected document indicator": "wikitours-problem-yaml-unexpected-document-indicator",
    "found unexpected end of stream": "wikitours-problem-yaml-unexpected-end",
    "found unexpected non-alphabetical character": "wikitours-problem-yaml-unexpected-non-alphabetical",
    "found unknown directive name": "wikitours-problem-yaml-unknown-directive",
    "found unknown escape character": "wikitours-problem-yaml-unknown-escape",
    "mapping keys are not allowed in this context": "wikitours-problem-yaml-mapping-keys-here",
    "mapping values are not allowed in this context": "wikitours-problem-yaml-mapping-values-here",
}

#: Where libyaml was when it found the problem → phrase key (libyaml's wording in English).
YAML_CONTEXTS = {
    "while parsing a %TAG directive": "wikitours-what-yaml-while-parsing-tag-directive",
    "while parsing a block collection": "wikitours-what-yaml-while-parsing-block-collection",
    "while parsing a block mapping": "wikitours-what-yaml-while-parsing-block-mapping",
    "while parsing a block node": "wikitours-what-yaml-while-parsing-block-node",
    "while parsing a flow mapping": "wikitours-what-yaml-while-parsing-flow-mapping",
    "while parsing a flow node": "wikitours-what-yaml-while-parsing-flow-node",
    "while parsing a flow sequence": "wikitours-what-yaml-while-parsing-flow-sequence",
    "while parsing a node": "wikitours-what-yaml-while-parsing-node",
    "while parsing a quoted scalar": "wikitours-what-yaml-while-parsing-quoted-scalar",
    "while parsing a tag": "wikitours-what-yaml-while-parsing-tag",
    "while scanning a %TAG directive": "wikitours-what-yaml-while-scanning-tag-directive",
    "while scanning a %YAML directive": "wikitours-what-yaml-while-scanning-yaml-directive",
    "while scanning a block scalar": "wikitours-what-yaml-while-scanning-block-scalar",
    "while scanning a directive": "wikitours-what-yaml-while-scanning-directive",
    "while scanning a plain scalar": "wikitours-what-yaml-while-scanning-plain-scalar",
    "while scanning a quoted scalar": "wikitours-what-yaml-while-scanning-quoted-scalar",
    "while scanning a simple key": "wikitours-what-yaml-while-scanning-simple-key",
    "while scanning a tag": "wikitours-what-yaml-while-scanning-tag",
    "while scanning an alias": "wikitours-what-yaml-while-scanning-alias",
    "while scanning an anchor": "wikitours-what-yaml-while-scanning-anchor",
    "while scanning for the next token": "wikitours-what-yaml-while-scanning-next-token",
}

#: How to fix a kind of YAML error (by libyaml's wording); others get the general hint.
_HINTS = {
    "mapping values are not allowed in this context": "wikitours-hint-yaml-quote-text-with-colon",
    "did not find expected key": "wikitours-hint-yaml-align-keys",
    "did not find expected '-' indicator": "wikitours-hint-yaml-align-items",
    "could not find expected ':'": "wikitours-hint-yaml-key-needs-colon",
    "found undefined alias": "wikitours-hint-yaml-no-aliases",
}


def yaml_error_what(err: yaml.YAMLError) -> Text | str:
    """What is wrong, for a :class:`yaml.YAMLError` of libyaml, as a phrase for another message
    (``"did not find expected key (while parsing a block mapping)"``)."""
    if isinstance(err, yaml.reader.ReaderError):
        char = err.character
        code = char if isinstance(char, int) else ord(str(char)[:1] or "?")
        return T("wikitours-problem-yaml-control-character", f"{code:04X}")
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    what: Text | str = T(YAML_PROBLEMS[problem]) if problem in YAML_PROBLEMS else problem
    if not context:
        return what
    where: Text | str = T(YAML_CONTEXTS[context]) if context in YAML_CONTEXTS else context
    return T("wikitours-what-yaml-problem-while", what, where)


#: libyaml's contexts whose mark is where a quote or a bracket was opened.
_OPENERS = frozenset({"while scanning a quoted scalar", "while parsing a flow sequence",
                      "while parsing a flow mapping"})


def yaml_error_problem(err: yaml.YAMLError, filename: str, text: str) -> Problem:
    """A :class:`yaml.YAMLError` as a problem at its place, in words that can be translated."""
    if isinstance(err, yaml.reader.ReaderError):  # a character YAML refuses (a control character)
        data = text.encode("utf-8", "surrogatepass")
        position = err.position if 0 <= err.position <= len(data) else 0
        line, column = _line_column(data[:position].decode("utf-8", "replace"))
        return Problem(filename, line, column, yaml_error_what(err),
                       T("wikitours-hint-remove-control-character"))
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    opened = getattr(err, "context_mark", None)
    if context in _OPENERS and opened is not None and 0 <= opened.index < len(text):
        # A quote or bracket left open: libyaml notices only at the end of the file (or at the
        # next line that cannot belong), but the editor must look where it was opened.
        char = text[opened.index]
        if char in "\"'" and context == "while scanning a quoted scalar":
            return Problem(filename, opened.line + 1, opened.column + 1,
                           T("wikitours-problem-yaml-syntax", T("wikitours-problem-yaml-quote-not-closed", char)),
                           T("wikitours-hint-yaml-quote-not-closed", char, char * 2 if char == "'" else '\\"'))
        if char in "[{" and context != "while scanning a quoted scalar":
            closing = "]" if char == "[" else "}"
            return Problem(filename, opened.line + 1, opened.column + 1,
                           T("wikitours-problem-yaml-syntax", T("wikitours-problem-yaml-bracket-not-closed", char)),
                           T("wikitours-hint-yaml-bracket-not-closed", closing, char))
    mark = getattr(err, "problem_mark", None) or opened
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what: Text | str = T(YAML_PROBLEMS[problem]) if problem in YAML_PROBLEMS else problem
    if context:
        where: Text | str = T(YAML_CONTEXTS[context]) if context in YAML_CONTEXTS else context
        message = T("wikitours-problem-yaml-syntax-while", what, where)
    else:
        message = T("wikitours-problem-yaml-syntax", what)
    hint = T(_HINTS.get(problem, "wikitours-hint-yaml-syntax"))
    if mark is not None and 0 <= mark.index < len(text):
        start = text.rfind("\n", 0, mark.index) + 1
        if "\t" in text[start : mark.index + 1]:
            hint = T("wikitours-hint-indent-with-spaces")
    return Problem(filename, max(line, 1), max(column, 1), message, hint)


def read_tree(data: str | bytes, filename: str) -> tuple[Node | None, str, list[Problem]]:
    """Read one YAML document into a node tree. Returns ``(root, text, problems)``; *root* is
    ``None`` when the file could not be read at all. Never raises."""
    text, problems = decode(data, filename)
    if text is None:
        return None, "", problems
    try:
        root = _build(text, filename, problems)
    except yaml.YAMLError as err:
        problems.append(yaml_error_problem(err, filename, text))
        return None, text, problems
    except (RecursionError, MemoryError):  # pragma: no cover - guarded by the limits above
        problems.append(Problem(filename, 1, 1, T("wikitours-problem-file-too-complex"),
                                T("wikitours-hint-simplify-file")))
        return None, text, problems
    if root is None and not problems:
        problems.append(Problem(filename, 1, 1, T("wikitours-problem-file-empty"),
                                T("wikitours-hint-file-empty")))
    return root, text, problems


def _build(text: str, filename: str, problems: list[Problem]) -> Node | None:
    stack: list[Seq | Map] = []
    pending_key: list = []  # parallel to stack for maps: the key waiting for its value, or None
    root: Node | None = None
    documents = 0
    nodes = 0
    aliases_reported: set[str] = set()
    ScalarEvent = yaml.ScalarEvent
    MappingStartEvent = yaml.MappingStartEvent
    SequenceStartEvent = yaml.SequenceStartEvent
    append_problem = problems.append

    def attach(node: Node) -> bool:
        nonlocal root
        if not stack:
            root = node
            return True
        parent = stack[-1]
        if parent.__class__ is Seq:
            parent.items.append(node)
        else:
            key = pending_key[-1]
            if key is None:
                pending_key[-1] = node
            else:
                parent.pairs.append((key, node))
                pending_key[-1] = None
        return True

    for event in yaml.parse(text, Loader=_LOADER):
        cls = event.__class__
        if cls is ScalarEvent:
            mark = event.start_mark
            nodes += 1
            if event.anchor is not None:
                append_problem(_anchor_problem(filename, mark, event.anchor))
            tag = event.tag
            if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       T("wikitours-problem-yaml-tag", _short_tag(tag)),
                                       T("wikitours-hint-yaml-tag")))
            style = event.style
            attach(Scalar(event.value, mark.line + 1, mark.column + 1, mark.index, event.end_mark.index,
                          bool(event.implicit[0]) and not style, style, tag))
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            mark = event.start_mark
            nodes += 1
            if event.anchor is not None:
                append_problem(_anchor_problem(filename, mark, event.anchor))
            tag = event.tag
            if tag is not None and tag not in _STANDARD_TAGS:
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       T("wikitours-problem-yaml-tag", _short_tag(tag)),
                                       T("wikitours-hint-yaml-tag")))
            if len(stack) >= MAX_DEPTH:
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       T("wikitours-problem-file-nested-too-deeply", MAX_DEPTH),
                                       T("wikitours-hint-file-nested-too-deeply")))
                return None
            node = (Map if cls is MappingStartEvent else Seq)(mark.line + 1, mark.column + 1, mark.index)
            attach(node)
            stack.append(node)
            pending_key.append(None)
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            node = stack.pop()
            pending_key.pop()
            node.end = event.end_mark.index
        elif cls is yaml.AliasEvent:
            mark = event.start_mark
            if event.anchor not in aliases_reported:  # once per anchor: a "billion laughs" file stays short
                aliases_reported.add(event.anchor)
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       T("wikitours-problem-yaml-alias", event.anchor),
                                       T("wikitours-hint-yaml-alias")))
            nodes += 1
            attach(Scalar("", mark.line + 1, mark.column + 1, mark.index, event.end_mark.index, False, None, "!alias"))
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       T("wikitours-problem-yaml-documents"),
                                       T("wikitours-hint-yaml-documents")))
                return None
        if nodes > MAX_NODES:
            append_problem(Problem(filename, 1, 1,
                                   T("wikitours-problem-file-too-many-values", MAX_NODES),
                                   T("wikitours-hint-split-file")))
            return None
    return root


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _anchor_problem(filename: str, mark, anchor: str) -> Problem:
    return Problem(filename, mark.line + 1, mark.column + 1,
                   T("wikitours-problem-yaml-anchor", anchor),
                   T("wikitours-hint-yaml-anchor", anchor))
