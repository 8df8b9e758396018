"""Assemble a library from YAML kept on wiki pages, and map every problem back to its page.

Communities edit their tours on the wiki, in the same YAML language as ``tours.yaml``, in one of
two layouts:

* one page holding the whole library (``Project:Wikitours/Tours.yaml``), or
* one page per tour under a prefix (``Project:Wikitours/Tours/<id>.yaml``), each holding one
  tour as a mapping (``id:``, ``title:``, ``steps:`` …), plus an optional header page
  (``Project:Wikitours/Library.yaml``) with ``wikitours:``, ``source-language:``, ``badges:``,
  ``wikis:`` and ``order:`` (the tours' ids in the order the catalogue lists them; tours it
  does not name follow in the order of their page titles).

A local wiki adds its own adaptation from one page (``Project:Wikitours/Local.yaml``) holding one
entry of ``wikis:`` (``id:``, ``language:``, ``pages:``, ``changes:``). It replaces whatever the
library lists under ``wikis:``, so the library is never copied.

The pages are joined into one YAML text that :func:`tours.load.load_library` checks like any
tours file; the joined text is never shown to anyone: each :class:`~tours.model.Problem` is
mapped back to the page, line and column the editor sees. Pages may wrap their YAML in
``<syntaxhighlight lang="yaml">`` … ``</syntaxhighlight>`` (or ``<pre>``) so that it reads well
on the wiki; those lines are blanked, keeping line numbers. Everything here is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from tours.load import load_library
from tours.model import Library, Problem
from tours.problemtext import T, Text

__all__ = ["SourcePage", "Segment", "Assembled", "Loaded", "unwrap", "assemble", "load_from_pages",
           "tour_id_from_title", "map_problem", "JOINED", "page_kind", "load_page", "looks_like_page"]

#: The file name of the joined text; every problem naming it is mapped back to a page.
JOINED = "<wiki pages>"
_INDENT = "    "
_WRAP_OPEN = re.compile(r"^\s*<(syntaxhighlight|source)\b[^>]*>\s*$|^\s*<pre>\s*$", re.I)
_WRAP_CLOSE = re.compile(r"^\s*</(syntaxhighlight|source|pre)>\s*$", re.I)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class SourcePage:
    """One wiki page's text with the revision it came from (for diff links and blame)."""

    title: str
    text: str
    revid: int = 0
    user: str = ""
    timestamp: str = ""


@dataclass(frozen=True)
class Segment:
    """Lines ``start`` … ``start + count - 1`` of the joined text are lines 1… of *title*,
    shifted right by *indent* columns."""

    title: str
    start: int
    count: int
    indent: int = 0
    #: The page's line that the segment's first line is (a block taken out of a page, such
    #: as a tour page's ``badges:``, starts further down than line 1).
    first: int = 1


@dataclass(frozen=True)
class Assembled:
    """The joined YAML text and where each of its lines came from."""

    text: str
    segments: tuple[Segment, ...]
    problems: tuple[Problem, ...] = ()


def unwrap(text: str) -> str:
    """*text* without a ``<syntaxhighlight>``/``<pre>`` wrapper; wrapper lines become blank."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _WRAP_OPEN.match(lines[first]):
        return "\n".join(lines)
    last = next((i for i in range(len(lines) - 1, first, -1) if lines[i].strip()), None)
    lines[first] = ""
    if last is not None and _WRAP_CLOSE.match(lines[last]):
        lines[last] = ""
    return "\n".join(lines)


def tour_id_from_title(title: str, prefix: str) -> str:
    """``Project:Wikitours/Tours/first-edit.yaml`` → ``first-edit`` (prefix ends with ``/``)."""
    rest = title[len(prefix):] if title.startswith(prefix) else title.rpartition("/")[2]
    return rest[:-5] if rest.endswith(".yaml") else rest


def _lines(text: str) -> list[str]:
    lines = unwrap(text).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _remove_top_key(lines: list[str], key: str) -> list[str]:
    """*lines* with the top-level block ``key:`` blanked (blank lines keep the numbering)."""
    out = list(lines)
    inside = False
    for i, line in enumerate(out):
        top = _TOP_KEY.match(line)
        if top and not line.startswith((" ", "\t")):
            inside = top.group(1) == key
        elif line.strip() and not line.startswith((" ", "\t", "#", "-")):
            inside = False
        if inside:
            out[i] = ""
    return out


def _take_top_block(lines: list[str], key: str) -> tuple[list[str], int, list[str]]:
    """``(lines without the block, first line number of its items, the items' lines)`` of the
    top-level block ``key:`` (blanked in what is returned, keeping line numbers); no items when
    the block is absent or holds an inline value (which then stays, for the loader to report)."""
    start = next((i for i, line in enumerate(lines) if (m := _TOP_KEY.match(line))
                  and m.group(1) == key and not line.startswith((" ", "\t"))), None)
    if start is None or lines[start].split(":", 1)[1].split(" #")[0].strip():
        return lines, 0, []
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(
            (" ", "\t", "#", "-"))):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    out = list(lines)
    for i in range(start, end):
        out[i] = ""
    return out, start + 2, lines[start + 1:end]


def _block_indent(block: list[str]) -> int:
    """The indentation of a block's items (its least indented line that is not a comment)."""
    found = [len(line) - len(line.lstrip(" ")) for line in block
             if line.strip() and not line.lstrip().startswith("#")]
    return min(found, default=0)


def _has_top_key(lines: Iterable[str], key: str) -> bool:
    return any((m := _TOP_KEY.match(line)) and m.group(1) == key for line in lines)


_ORDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _order(lines: list[str], title: str) -> tuple[list[tuple[str, int, int]], list[Problem]]:
    """The header's ``order:`` list (``order: [a, b]`` or one ``- a`` line per tour) as
    ``(id, line, column)``; the key is only the wiki layout's, so it is read here, not by the
    loader. Entries that are not tour ids are problems."""
    found: list[tuple[str, int, int]] = []
    problems: list[Problem] = []
    start = next((i for i, line in enumerate(lines) if not line.startswith((" ", "\t"))
                  and (m := _TOP_KEY.match(line)) and m.group(1) == "order"), None)
    if start is None:
        return found, problems
    entries: list[tuple[str, int, int]] = []
    rest_col = lines[start].index(":") + 1
    rest = lines[start][rest_col:].split(" #")[0].strip()
    if rest.startswith("[") and rest.endswith("]"):
        col = lines[start].index("[", rest_col) + 2
        for raw in rest[1:-1].split(","):
            entries.append((raw.strip(), start + 1, col + len(raw) - len(raw.lstrip())))
            col += len(raw) + 1
    elif rest:
        entries.append((rest, start + 1, rest_col + 2))
    else:
        for number in range(start + 1, len(lines)):
            line = lines[number]
            if line.strip() and not line.startswith((" ", "\t", "-")):
                break
            item = line.strip()
            if item.startswith("-"):
                entries.append((item[1:].split(" #")[0].strip(), number + 1, line.index("-") + 3))
    seen: set[str] = set()
    for value, line, column in entries:
        value = value.strip().strip("'\"")
        if not _ORDER_ID.match(value):
            problems.append(Problem(title, line, column, T("wikitours-problem-wikisource-order-entry", value),
                                    T("wikitours-hint-wikisource-order-entry", "order: [first-edit, add-citation]")))
        elif value in seen:
            problems.append(Problem(title, line, column, T("wikitours-problem-wikisource-order-twice", value),
                                    T("wikitours-hint-wikisource-order-twice")))
        else:
            seen.add(value)
            found.append((value, line, column))
    return found, problems


def assemble(pages: Sequence[SourcePage], *, header: SourcePage | None = None,
             local: SourcePage | None = None, single: bool = False, prefix: str = "") -> Assembled:
    """Join the source pages into one tours text.

    *single*: ``pages`` holds one page with the whole library. Otherwise every page is one tour
    and *header* (optional) holds the rest; tours come in the order the header's ``order:``
    list gives (the catalogue shows them so), then the others in the order of their page names.
    *local* is a local wiki's adaptation page.
    """
    out: list[str] = []
    segments: list[Segment] = []
    problems: list[Problem] = []
    badge_blocks: list[tuple[str, int, list[str]]] = []

    def add(title: str, lines: list[str], indent: int) -> None:
        segments.append(Segment(title, len(out) + 1, len(lines), indent))
        pad = " " * indent
        out.extend(pad + line if line.strip() else "" for line in lines)

    if single:
        if len(pages) != 1:
            raise ValueError("single=True needs exactly one page")
        lines = _lines(pages[0].text)
        if local is not None:
            lines = _remove_top_key(lines, "wikis")
        add(pages[0].title, lines, 0)
    else:
        head_lines = _lines(header.text) if header is not None else []
        if header is not None:
            if local is not None:
                head_lines = _remove_top_key(head_lines, "wikis")
            if _has_top_key(head_lines, "tours"):
                line = next(i for i, text in enumerate(head_lines, 1)
                            if (m := _TOP_KEY.match(text)) and m.group(1) == "tours")
                problems.append(Problem(header.title, line, 1,
                                        T("wikitours-problem-wikisource-header-lists-tours"),
                                        T("wikitours-hint-wikisource-header-lists-tours", "`tours:`")))
                head_lines = _remove_top_key(head_lines, "tours")
            order, order_problems = _order(head_lines, header.title)
            problems.extend(order_problems)
            head_lines = _remove_top_key(head_lines, "order")
            # the library's badges and those of tour pages (a draft's new badge) form one list
            head_lines, first, block = _take_top_block(head_lines, "badges")
            if block:
                badge_blocks.append((header.title, first, block))
            add(header.title, head_lines, 0)
        if not _has_top_key(head_lines, "wikitours"):
            out.append("wikitours: 1")
        if not _has_top_key(head_lines, "source-language"):
            out.append("source-language: en")
        out.append("tours:")
        ranks = {tour_id: rank for rank, (tour_id, _, _) in enumerate(order)} if header is not None else {}
        ids = {tour_id_from_title(p.title, prefix) for p in pages}
        for tour_id, line, column in (order if header is not None else []):
            if tour_id not in ids:
                problems.append(Problem(header.title, line, column,
                                        T("wikitours-problem-wikisource-order-unknown", tour_id,
                                          f"{prefix}{tour_id}.yaml"),
                                        T("wikitours-hint-wikisource-order-unknown", tour_id), "warning"))
        for page in sorted(pages, key=lambda p: (ranks.get(tour_id_from_title(p.title, prefix), len(ranks)),
                                                 p.title)):
            lines = _lines(page.text)
            out.append("  -")
            if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
                problems.append(Problem(page.title, 1, 1,
                                        T("wikitours-problem-wikisource-empty-page"),
                                        T("wikitours-hint-wikisource-empty-page",
                                          "id, title, summary, audience, minutes, version, steps")))
                out.append(_INDENT + "{}")
                continue
            lines, first, block = _take_top_block(lines, "badges")
            if block:
                badge_blocks.append((page.title, first, block))
            add(page.title, lines, len(_INDENT))
        if badge_blocks:
            out.append("badges:")
            for title, first, block in badge_blocks:
                # each page's items, indented as the list needs, lines mapped back to the page
                shift = len(_INDENT) - _block_indent(block)
                segments.append(Segment(title, len(out) + 1, len(block), shift, first))
                out.extend(_shifted(line, shift) for line in block)
    if local is not None:
        out.append("wikis:")
        out.append("  -")
        add(local.title, _lines(local.text), len(_INDENT))
    return Assembled("\n".join(out) + "\n", tuple(segments), tuple(problems))


def _shifted(line: str, shift: int) -> str:
    """*line* moved right by *shift* columns (left when negative, never past its text)."""
    if not line.strip():
        return ""
    if shift >= 0:
        return " " * shift + line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(-shift, spaces):]


def map_problem(problem: Problem, segments: Sequence[Segment], fallback: str) -> Problem:
    """*problem* (about the joined text) as the editor sees it: page title, line, column."""
    if problem.file != JOINED:
        return problem
    for seg in segments:
        if seg.start <= problem.line < seg.start + seg.count:
            return replace(problem, file=seg.title, line=problem.line - seg.start + seg.first,
                           column=max(1, problem.column - seg.indent))
    # A line the joining added (``tours:``, ``  -``): the nearest page that follows it.
    after = [s for s in segments if s.start > problem.line]
    title = after[0].title if after else (segments[-1].title if segments else fallback)
    return replace(problem, file=title, line=1, column=1)


def _rename_hint(title: str, expected: str, tour_id: str, prefix: str) -> Text:
    """How to make a page's name and its tour's id agree. The page is renamed where it is:
    a draft (``Project:Wikitours/Drafts/<id>.yaml``) moved under the tours' prefix would be
    published, so a page outside *prefix* is told to rename the draft, never to move it there."""
    if title.startswith(prefix):
        return T("wikitours-hint-wikisource-id-not-page-name", f"`id: {expected}`", f"{prefix}{tour_id}.yaml")
    folder = title.rpartition("/")[0]
    renamed = f"{folder}/{tour_id}.yaml" if folder else f"{tour_id}.yaml"
    return T("wikitours-hint-wikisource-id-not-draft-name", f"`id: {expected}`", renamed)


@dataclass(frozen=True)
class Loaded:
    """A library loaded from wiki pages, with what is needed to map later problems (those of
    the build, such as a local change that no longer fits) back to pages."""

    library: Library | None
    problems: tuple[Problem, ...]
    segments: tuple[Segment, ...] = ()
    fallback: str = JOINED

    def map(self, problems: Iterable[Problem]) -> list[Problem]:
        return [map_problem(p, self.segments, self.fallback) for p in problems]


def load_from_pages(pages: Sequence[SourcePage], *, header: SourcePage | None = None,
                    local: SourcePage | None = None, single: bool = False, prefix: str = "",
                    extra_special_pages: Iterable[str] = (), check_names: bool = True) -> Loaded:
    """Load the library kept on *pages* (see :func:`assemble`); problems name wiki pages.

    In the one-page-per-tour layout a tour's ``id`` must match its page name
    (``<prefix><id>.yaml``), so that a reader can find a tour from its id. The library's
    ``file`` stays :data:`JOINED`; :meth:`Loaded.map` maps the build's problems back.
    *check_names* off skips that check (a page saved to a file of another name).
    """
    if not pages:
        where = header.title if header is not None else (prefix or JOINED)
        return Loaded(None, (Problem(where, 1, 1, T("wikitours-problem-wikisource-no-pages"),
                                     T("wikitours-hint-wikisource-no-pages",
                                       f"{prefix or 'Project:Wikitours/Tours/'}<id>.yaml")),))
    joined = assemble(pages, header=header, local=local, single=single, prefix=prefix)
    library, found = load_library(joined.text, JOINED, extra_special_pages=extra_special_pages)
    fallback = pages[0].title
    problems = list(joined.problems) + [map_problem(p, joined.segments, fallback) for p in found]
    if library is not None and not single and check_names:
        by_title = {s.title: s for s in joined.segments}
        for tour in library.tours:
            seg = next((s for s in joined.segments if s.start <= tour.pos.line < s.start + s.count), None)
            if seg is None or seg.title not in by_title or (header and seg.title == header.title):
                continue
            expected = tour_id_from_title(seg.title, prefix)
            if tour.id != expected:
                problems.append(Problem(seg.title, tour.pos.line - seg.start + seg.first, 1,
                                        T("wikitours-problem-wikisource-id-not-page-name",
                                          tour.id, expected), _rename_hint(seg.title, expected, tour.id, prefix)))
    if local is not None and library is not None and not library.wikis:
        problems.append(Problem(local.title, 1, 1, T("wikitours-problem-wikisource-no-adaptation"),
                                T("wikitours-hint-wikisource-no-adaptation",
                                  "id, language, pages, changes")))
    if any(p.severity == "error" for p in problems):
        library = None
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return Loaded(library, tuple(problems), joined.segments, fallback)


def page_kind(text: str) -> str:
    """What one stored page holds: ``library`` (the whole library: ``tours:``), ``tour`` (one
    tour: ``id:``) or ``header`` (``Library.yaml``: ``badges:``, ``wikis:``, ``order:`` …)."""
    lines = _lines(text)
    if _has_top_key(lines, "tours") and not _has_top_key(lines, "id"):
        return "library"
    if _has_top_key(lines, "id") or _has_top_key(lines, "steps"):
        return "tour"
    return "header"


def looks_like_page(text: str) -> bool:
    """Whether a file given to ``lint`` is certainly a stored wiki page, not a tours file: it
    starts with a ``<pre>``/``<syntaxhighlight>`` wrapper or holds one tour (``id:`` at the top)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return bool(_WRAP_OPEN.match(first)) or page_kind(text) == "tour"


#: A stand-in tour for checking a header page alone; its problems are never shown.
_STAND_IN = ("id: wikitours-stand-in\ntitle: T\nsummary: S\naudience: newcomer\nminutes: 1\n"
             "steps:\n  - id: s\n    title: T\n    text: T\n")


def load_page(text: str, title: str, *, extra_special_pages: Iterable[str] = ()) -> Loaded:
    """Check one page exactly as it is stored on the wiki (wrapper included), alone: a tour
    page, the header page or a whole-library page (:func:`page_kind`). Problems name *title*
    (a file name for ``python -m tours lint --page``) with the page's own line numbers.

    A tour page's id is compared with *title* only when *title* ends in ``.yaml`` (the page's
    name); references to other pages' tours and badges can only be checked on the wiki."""
    page = SourcePage(title, text)
    kind = page_kind(text)
    if kind == "library":
        return load_from_pages([page], single=True, extra_special_pages=extra_special_pages)
    if kind == "tour":
        folder = title.rpartition("/")[0]
        loaded = load_from_pages([page], prefix=f"{folder}/" if folder else "",
                                 extra_special_pages=extra_special_pages, check_names=False)
        if title.endswith(".yaml"):
            loaded = replace(loaded, problems=loaded.problems + _id_matches_name(page, f"{folder}/" if folder else ""))
    else:
        stand_in = SourcePage(JOINED + " stand-in", _STAND_IN)
        loaded = load_from_pages([stand_in], header=page, extra_special_pages=extra_special_pages,
                                 check_names=False)
    problems = tuple(p for p in loaded.problems if p.file == title
                     and (p.text is None or not _OTHER_PAGES.match(p.text.key)))
    library = loaded.library if not any(p.severity == "error" for p in problems) else None
    return replace(loaded, library=library, problems=problems)


_ID_LINE = re.compile(r"^id:\s*(['\"]?)([^'\"#\s]+)\1\s*(?:#.*)?$")


def _id_matches_name(page: SourcePage, prefix: str) -> tuple[Problem, ...]:
    """The page-name check of :func:`load_from_pages` for a page checked alone, read from the
    page's ``id:`` line (the library may not load without the other pages)."""
    expected = tour_id_from_title(page.title, prefix)
    for number, line in enumerate(_lines(page.text), 1):
        match = _ID_LINE.match(line)
        if match and match.group(2) != expected:
            tour_id = match.group(2)
            return (Problem(page.title, number, 1, T("wikitours-problem-wikisource-id-not-page-name", tour_id, expected),
                            _rename_hint(page.title, expected, tour_id, prefix)),)
    return ()


#: Problems about ids kept on other pages (a badge of the header, a tour of another page, a
#: change of the local page): a page checked alone cannot know them; the wiki's status page
#: checks them with every page.
_OTHER_PAGES = re.compile(r"^wikitours-problem-(?:(?:requires|earns)-unknown-(?:tour|badge)|"
                          r"change-unknown-(?:tour|step)|wikisource-order-unknown)$")
