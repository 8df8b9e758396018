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

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Scalar", "Seq", "Map", "Node", "decode", "read_tree"]

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
        mb = MAX_BYTES // (1024 * 1024)
        return None, [
            Problem(
                filename, 1, 1,
                f"the file is too large ({size:,} bytes; at most {mb} MB are accepted)",
                "split the tours into a smaller file, or check that this is really a tours file",
            )
        ]
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                return None, [Problem(filename, 1, 1, "the file is not valid UTF-16 text",
                                      "save the file as UTF-8 text")]
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                line, column = _line_column(data[: err.start].decode("utf-8", "replace"))
                return None, [Problem(filename, line, column,
                                      f"the file is not UTF-8 text (byte 0x{data[err.start]:02x} cannot be read)",
                                      "save the file as UTF-8 text; is this really a tours file?")]
    else:
        text = data
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_column(text[:nul])
        return None, [Problem(filename, line, column, "the file contains a NUL character, so it is not a text file",
                              "save the file as UTF-8 text; is this really a tours file?")]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        line, column = _line_column(text[: err.start])
        return None, [Problem(filename, line, column, "the file contains a character that is not valid Unicode",
                              "save the file as UTF-8 text")]
    return text, []


def _line_column(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "a text containing ': ' must be put in quotes, or written after '>-' on the next lines"),
    ("did not find expected key", "check the indentation: keys of the same item must start in the same column"),
    ("did not find expected '-'", "check the indentation: items of the same list must start in the same column"),
    ("could not find expected ':'", "each key needs a ':' after it; a text with special characters must be put in quotes"),
    ("found undefined alias", "anchors and aliases (&name, *name) are not supported; write the value out"),
    ("control characters are not allowed", "remove the control character; is this really a tours file?"),
)


def _yaml_error_problem(err: yaml.YAMLError, filename: str, text: str) -> Problem:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    what = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
    hint = next((h for key, h in _HINTS if key in message), "check the YAML syntax around this place (indentation, quotes, ':' after keys)")
    if mark is not None and 0 <= mark.index < len(text):
        start = text.rfind("\n", 0, mark.index) + 1
        if "\t" in text[start : mark.index + 1]:
            hint = "indent with spaces, not tabs"
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
        problems.append(_yaml_error_problem(err, filename, text))
        return None, text, problems
    except (RecursionError, MemoryError):  # pragma: no cover - guarded by the limits above
        problems.append(Problem(filename, 1, 1, "the file is too complex to read", "simplify the file"))
        return None, text, problems
    if root is None and not problems:
        problems.append(Problem(filename, 1, 1, "the file is empty",
                                "start from the shipped tours.yaml; see docs/tour-language.md"))
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
                                       f"the YAML tag '{_short_tag(tag)}' is not supported",
                                       "remove the tag (the part starting with '!'); the tour language needs none"))
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
                                       f"the YAML tag '{_short_tag(tag)}' is not supported",
                                       "remove the tag (the part starting with '!'); the tour language needs none"))
            if len(stack) >= MAX_DEPTH:
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       f"the file is nested too deeply (more than {MAX_DEPTH} levels)",
                                       "a tours file needs only a few levels; check the indentation and brackets"))
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
                                       f"aliases (*{event.anchor}) are not supported",
                                       "write the value out in full instead of referring to an anchor"))
            nodes += 1
            attach(Scalar("", mark.line + 1, mark.column + 1, mark.index, event.end_mark.index, False, None, "!alias"))
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                append_problem(Problem(filename, mark.line + 1, mark.column + 1,
                                       "the file contains more than one YAML document ('---')",
                                       "keep all tours in one document: remove the extra '---' line"))
                return None
        if nodes > MAX_NODES:
            append_problem(Problem(filename, 1, 1, f"the file has too many values (more than {MAX_NODES:,})",
                                   "split the tours into a smaller file"))
            return None
    return root


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _anchor_problem(filename: str, mark, anchor: str) -> Problem:
    return Problem(filename, mark.line + 1, mark.column + 1,
                   f"anchors (&{anchor}) are not supported",
                   f"remove the '&{anchor}' and write each value out in full")
