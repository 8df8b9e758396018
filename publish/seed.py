"""Split a ``tours.yaml`` into the on-wiki layout: one page per tour plus the header page.

An admin moving the repository's tours onto the wiki (``python -m tours push --tours``, and the
playground on its first start) wants the pages to read as they wrote them: comments, quoting,
block texts and key order kept. So the pages are cut out of the file's own text at the
positions :mod:`tours.yamltree` reports, never re-written by a YAML dumper:

* ``Project:Wikitours/Tours/<id>.yaml``: the tour's block of ``tours:``, shifted left so that
  it is a mapping on its own, with the comments just above it (at the list's indentation) and
  those inside it;
* ``Project:Wikitours/Library.yaml``: the rest of the file (``wikitours:``,
  ``source-language:``, ``badges:``, ``wikis:``, the file's comments), without ``tours:``.

Pages are wrapped in ``<pre>`` … ``</pre>`` by default, so that a reader of the page sees the YAML
as it is (plain wikitext would turn ``#`` comments into numbered lists and expand ``{{…}}``);
:mod:`tours.wikisource` removes the wrapper and keeps the line numbers.

A split is only returned when it is faithful: :func:`split_library` loads the pages back with
:func:`tours.wikisource.load_from_pages` and compares the result with the file's own library
(:func:`same_library`: positions and file names aside). The header page gets an ``order:`` list
with the file's order of the tours, which the wiki would otherwise list by page name. Anything else is a :class:`Problem`, so a
file that cannot be split exactly is never half-published. Everything here is pure; the push
(:mod:`publish.translations`) then protects the pages it saved (:mod:`publish.protection`:
tour and library pages at ``sysop``, translations and approvals at ``autoconfirmed`` by default),
because the sync publishes only reviewed revisions of them (:mod:`publish.trust`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from tours.load import load_library
from tours.model import Library, Position, Problem
from tours.problemtext import T
from publish.translations import WikiRevision, changed_side
from tours.wikisource import SourcePage, load_from_pages, unwrap
from tours.yamltree import Map, Scalar, Seq, read_tree

__all__ = ["DEFAULT_TOURS_PREFIX", "DEFAULT_HEADER", "WRAPS", "Seed", "split_library", "verify",
           "WikiRevision", "PagePlan", "page_sha", "plan_pages",
           "same_library", "without_positions", "wrap_text"]

DEFAULT_TOURS_PREFIX = "Project:Wikitours/Tours/"
DEFAULT_HEADER = "Project:Wikitours/Library.yaml"
#: How a page's YAML is wrapped: ``pre`` (MediaWiki core), ``syntaxhighlight`` (needs the
#: SyntaxHighlight extension) or ``none`` (plain wikitext).
WRAPS = ("pre", "syntaxhighlight", "none")
_COMMENT = re.compile(r"^\s*#")


@dataclass(frozen=True)
class Seed:
    """The pages of one library: ``(title, text)`` in page-name order, the header last."""

    pages: tuple[tuple[str, str], ...]
    library: Library

    def as_dict(self) -> dict[str, str]:
        return dict(self.pages)


def wrap_text(yaml_text: str, wrap: str = "pre") -> str:
    """*yaml_text* as a page text: wrapped so the wiki shows it verbatim, ending in one newline."""
    body = yaml_text.rstrip("\n") + "\n"
    closing = "pre" if wrap == "pre" else "syntaxhighlight"
    if wrap != "none" and re.search(rf"</\s*{closing}", body, re.I):
        wrap = "none"  # the text would close the wrapper early: show it as plain wikitext
    if wrap == "pre":
        return f"<pre>\n{body}</pre>\n"
    if wrap == "syntaxhighlight":
        return f'<syntaxhighlight lang="yaml">\n{body}</syntaxhighlight>\n'
    if wrap == "none":
        return body
    raise ValueError(f"unknown wrap {wrap!r}; one of {', '.join(WRAPS)}")


# ---------------------------------------------------------------------------------------------
# Positions


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _last_index(node, text: str) -> int:
    """Offset just past the last character a node's *content* occupies (block mappings and
    lists end where the next token starts, after any comments, so their scalars decide)."""
    if isinstance(node, Scalar):
        return node.end
    if isinstance(node, Seq):
        children = node.items
    else:
        children = [x for pair in node.pairs for x in pair]
    last = max((_last_index(c, text) for c in children), default=node.start + 1)
    return max(last, node.end) if _is_flow(node, text) else last


def _is_flow(node, text: str) -> bool:
    """A ``{…}`` or ``[…]`` collection (its text is one piece, not lines)."""
    return not isinstance(node, Scalar) and text[node.start:node.start + 1] in ("{", "[")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(lines: list[str], column: int) -> list[str]:
    out = []
    for line in lines:
        cut = min(column, _indent(line))
        out.append(line[cut:].rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


# ---------------------------------------------------------------------------------------------
# The split


def _tour_blocks(text: str, lines: list[str], starts: list[int], seq: Seq,
                 key_line: int) -> tuple[list[str], int]:
    """The YAML text of every item of the block list *seq*, and the last line (0-based) the
    list occupies. Comment lines at the list's indentation or less, directly above an item,
    belong to that item; deeper ones after an item's content stay with it."""
    def line_of(index: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def content_end(item) -> int:
        """The line of the item's last character (not of the comments after it)."""
        return line_of(max(_last_index(item, text) - 1, item.start))

    items = seq.items
    dash_lines = []
    for item in items:
        line = line_of(item.start)
        dash = lines[line].rfind("-", 0, item.column - 1) if line == item.line - 1 else -1
        dash_line = line
        if dash < 0:  # "-" alone on the line above the item's first key
            dash_line = line - 1
            while dash_line > key_line and not lines[dash_line].strip().startswith("-"):
                dash_line -= 1
            dash = lines[dash_line].find("-")
        dash_lines.append((dash_line, dash))
    blocks = []
    end_line = key_line
    for i, item in enumerate(items):
        dash_line, dash = dash_lines[i]
        first = dash_line
        limit = max(dash_lines[i - 1][0], content_end(items[i - 1])) if i else key_line
        while first - 1 > limit and (not lines[first - 1].strip() or (
                _COMMENT.match(lines[first - 1]) and _indent(lines[first - 1]) <= dash)):
            first -= 1
        last = content_end(item)
        stop = dash_lines[i + 1][0] if i + 1 < len(items) else len(lines)
        while last + 1 < stop and (not lines[last + 1].strip() or (
                _COMMENT.match(lines[last + 1]) and _indent(lines[last + 1]) > dash)):
            last += 1
        end_line = max(end_line, last)
        block = list(lines[first:last + 1])
        row = dash_line - first
        if _is_flow(item, text):
            piece = text[item.start:_last_index(item, text)]
            blocks.append(piece)
            continue
        block[row] = block[row][:dash] + " " + block[row][dash + 1:]
        blocks.append("\n".join(_dedent(block, item.column - 1)) + "\n")
    return blocks, end_line


def _flow_header(text: str, root: Map) -> str:
    """The header of a file whose top level is a ``{…}`` mapping, as block lines (the sync
    appends ``tours:`` to the header, which a ``{…}`` document cannot take): one line per pair
    but ``tours``, each written as in the file; continuation lines are indented, which YAML's
    line folding ignores inside flow values."""
    out = []
    for key, value in root.pairs:
        if isinstance(key, Scalar) and key.value == "tours":
            continue
        piece = text[key.start:_last_index(value, text)]
        out.append(piece.replace("\n", "\n  "))
    return "\n".join(out)


def split_library(text: str | bytes, filename: str = "tours.yaml", *,
                  prefix: str = DEFAULT_TOURS_PREFIX, header: str = DEFAULT_HEADER,
                  wrap: str = "pre") -> tuple[Seed | None, list[Problem]]:
    """Cut *text* (a whole tours file) into wiki pages. Returns ``(Seed, warnings)`` or
    ``(None, problems)`` when the file has errors or cannot be split faithfully."""
    if wrap not in WRAPS:
        raise ValueError(f"unknown wrap {wrap!r}; one of {', '.join(WRAPS)}")
    if not prefix.endswith("/"):
        raise ValueError("the tours prefix must end with '/' (one page per tour)")
    library, problems = load_library(text, filename)
    if library is None:
        return None, problems
    root, source, _ = read_tree(text, filename)
    return _split(source, root, library, problems, filename, prefix, header, wrap)


def _split(text: str, root, library: Library, problems: list[Problem], filename: str,
           prefix: str, header: str, wrap: str) -> tuple[Seed | None, list[Problem]]:
    if not isinstance(root, Map):  # a valid library is always a mapping
        return None, [Problem(filename, 1, 1, T("wikitours-problem-seed-not-mapping"),
                              T("wikitours-hint-seed-not-mapping"))]
    pair = next(((k, v) for k, v in root.pairs
                 if isinstance(k, Scalar) and k.value == "tours"), None)
    if pair is None or not isinstance(pair[1], Seq) or not pair[1].items:
        return None, [Problem(filename, 1, 1, T("wikitours-problem-seed-no-tours"),
                              T("wikitours-hint-seed-no-tours", "`tours:`"))]
    key, seq = pair
    lines = text.split("\n")
    starts = _line_starts(text)
    if _is_flow(root, text):
        head_text = _flow_header(text, root)
        blocks = [text[item.start:_last_index(item, text)] + "\n" for item in seq.items]
    else:
        key_line = key.line - 1
        if _is_flow(seq, text):
            blocks = [text[item.start:_last_index(item, text)] + "\n" for item in seq.items]
            end_line = key_line
            last = _last_index(seq, text)
            while starts[end_line + 1:end_line + 2] and starts[end_line + 1] < last:
                end_line += 1
        else:
            blocks, end_line = _tour_blocks(text, lines, starts, seq, key_line)
        first = key_line
        while first > 0 and _COMMENT.match(lines[first - 1]) and _indent(lines[first - 1]) > 0:
            first -= 1
        head_lines = lines[:first] + lines[end_line + 1:]
        head_text = "\n".join(line.rstrip() for line in head_lines)
    head_text = re.sub(r"\n{3,}", "\n\n", head_text).strip("\n")
    if len(library.tours) > 1 and not _is_flow(root, text):
        # The wiki would list the tours by page name; the file's order is the admin's choice.
        head_text += "\n\n# The order in which the catalogue lists the tours.\norder: [" \
            + ", ".join(t.id for t in library.tours) + "]"
    pages: list[tuple[str, str]] = []
    for tour, block in zip(library.tours, blocks):
        pages.append((f"{prefix}{tour.id}.yaml", wrap_text(block, wrap)))
    pages.sort()
    has_header = any(line.strip() and not _COMMENT.match(line) for line in head_text.split("\n"))
    if has_header or head_text.strip():
        pages.append((header, wrap_text(head_text, wrap)))
    seed = Seed(tuple(pages), library)
    check = verify(seed, prefix=prefix, header=header)
    if check:
        return None, check
    return seed, [p for p in problems if p.severity != "error"]


def verify(seed: Seed, *, prefix: str = DEFAULT_TOURS_PREFIX,
           header: str = DEFAULT_HEADER) -> list[Problem]:
    """Problems when the pages of *seed* do not load back into the library they came from."""
    tours = [SourcePage(t, x) for t, x in seed.pages if t != header]
    head = next((SourcePage(t, x) for t, x in seed.pages if t == header), None)
    loaded = load_from_pages(tours, header=head, prefix=prefix)
    where = seed.library.file
    if loaded.library is None:
        first = loaded.problems[0] if loaded.problems else None
        message = (T("wikitours-problem-seed-cannot-split", first.file, str(first.line),
                     first.text if first.text is not None else first.message)
                   if first else T("wikitours-problem-seed-different"))
        return [Problem(where, 1, 1, message, T("wikitours-hint-seed-split", "`tours:`", "`- id: …`"))]
    in_order = head is not None and re.search(r"^order:", unwrap(head.text), re.M) is not None
    if not same_library(loaded.library, seed.library, prefix, in_order=in_order):
        return [Problem(where, 1, 1, T("wikitours-problem-seed-different"),
                        T("wikitours-hint-seed-split", "`tours:`", "`- id: …`"))]
    return []


# ---------------------------------------------------------------------------------------------
# Comparing libraries


def without_positions(value: Any) -> Any:
    """*value* with every ``pos`` reset and ``file`` emptied: what a library *means*."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name == "pos" and isinstance(item, Position):
                changes[f.name] = Position()
            elif f.name == "file" and isinstance(value, Library):
                changes[f.name] = ""
            else:
                changes[f.name] = without_positions(item)
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(without_positions(v) for v in value)
    return value


def same_library(on_wiki: Library, from_file: Library, prefix: str = DEFAULT_TOURS_PREFIX, *,
                 in_order: bool = True) -> bool:
    """Whether two libraries mean the same: the tours in the file's order when the header page
    has ``order:`` (*in_order*), otherwise in the order of their page names."""
    ordered = from_file.tours if in_order else \
        tuple(sorted(from_file.tours, key=lambda t: f"{prefix}{t.id}.yaml"))
    return without_positions(on_wiki) == \
        without_positions(dataclasses.replace(from_file, tours=ordered))


# ---------------------------------------------------------------------------------------------
# Planning a push of the pages (pure; ``python -m tours push --tours`` does the I/O)


@dataclass(frozen=True)
class PagePlan:
    """What to do with one page. *kind*: ``create``, ``update``, ``same``, ``skip`` (the wiki
    has an edit the file does not, and the file did not change) or ``conflict`` (both changed,
    or no record and they differ). *forced*: a conflict overridden by ``--force``."""

    title: str
    kind: str
    wiki: WikiRevision | None = None
    forced: bool = False
    no_record: bool = False


def page_sha(text: str) -> str:
    """Hash of a page text as MediaWiki keeps it (line ends normalised, trailing space cut)."""
    import hashlib

    return hashlib.sha256(text.replace("\r\n", "\n").rstrip().encode("utf-8")).hexdigest()[:16]


def plan_pages(local: dict[str, str], wiki: dict[str, WikiRevision], record: dict[str, dict],
               force: bool = False) -> list[PagePlan]:
    """Which of the *local* pages to save. *record* holds, per title, the revision id and the
    hash of the last push; a page edited on the wiki since then is never replaced silently."""
    plans = []
    for title in sorted(local):
        page = wiki.get(title)
        if page is None:
            plans.append(PagePlan(title, "create"))
            continue
        last = record.get(title)
        side = changed_side(page_sha(local[title]), page_sha(page.text), page.revid, last)
        if side == "same":
            plans.append(PagePlan(title, "same", page))
        elif side == "here":
            plans.append(PagePlan(title, "update", page))
        elif side == "there":
            plans.append(PagePlan(title, "skip", page))
        else:
            plans.append(PagePlan(title, "update" if force else "conflict", page, forced=force,
                                  no_record=not isinstance(last, dict)))
    return plans
