"""Load a tours file: text in, ``(Library | None, problems)`` out, never an exception.

This is the compiler's front door: :func:`load_library` is pure (no file access), so the
command line, the renderers' tests and the benchmark all go through the same checks.
Reading is done by :mod:`tours.yamltree` (safe, position-keeping YAML), checking and building
the model by :mod:`tours.validate`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from tours.model import Library, Problem
from tours.validate import validate
from tours.yamltree import MAX_BYTES, read_tree

__all__ = ["load_library", "load_file", "has_errors", "MAX_PROBLEMS", "MAX_MESSAGE"]


def load_library(text: str | bytes, filename: str, *, extra_special_pages: Iterable[str] = (),
                 timer: Callable[[str], None] | None = None) -> tuple[Library | None, list[Problem]]:
    """Read and check a whole tours file.

    Returns the :class:`~tours.model.Library` (``None`` when there is any error) and every
    problem found, errors and warnings, sorted by position. *filename* is only used in the
    problems. *extra_special_pages* adds special page names (from extensions MediaWiki's
    core does not know) to those of ``special-pages:`` in the file. *timer*, when given, is
    called with the name of each phase as it ends (for ``bench/compile.py``).
    """
    try:
        root, source, problems = read_tree(text, filename)
        if timer is not None:
            timer("read YAML")
        if root is None or any(p.severity == "error" for p in problems):
            return None, _capped(problems, filename)
        library, found = validate(root, filename, source, extra_special_pages)
        if timer is not None:
            timer("validate")
        problems = _capped(sorted(problems + found, key=lambda p: (p.line, p.column)), filename)
        if any(p.severity == "error" for p in problems):
            return None, problems
        return library, problems
    except Exception as err:  # noqa: BLE001 - the promise is: never raise, whatever the input
        return None, [Problem(filename, 1, 1, f"the file could not be checked ({type(err).__name__}: {err})",
                              "this is a bug in wikitours; please report it with the file attached")]


#: More problems than this are cut, with a note: a binary or badly broken file would bury the first ones.
MAX_PROBLEMS = 500


#: Longest message shown; values quoted in messages come from the file and may be huge.
MAX_MESSAGE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(problem: Problem) -> Problem:
    """Problems quote values from the file: escape control characters (a value must not be
    able to forge output lines or drive the terminal) and shorten very long messages."""
    message, hint = problem.message, problem.hint
    if _CONTROL.search(message) or _CONTROL.search(hint) or len(message) > MAX_MESSAGE:
        message = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], message)
        hint = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], hint)
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        return replace(problem, message=message, hint=hint)
    return problem


def _capped(problems: list[Problem], filename: str) -> list[Problem]:
    problems = [_clean(p) for p in problems]
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    last = problems[MAX_PROBLEMS - 1]
    return problems[:MAX_PROBLEMS] + [Problem(filename, last.line, last.column, f"{rest:,} more problems are not shown",
                                              "fix the problems above and check again")]


def load_file(path: str | Path, *, extra_special_pages: Iterable[str] = ()) -> tuple[Library | None, list[Problem]]:
    """Read *path* and :func:`load_library` it; unreadable files become problems too."""
    name = str(path)
    try:
        file = Path(path)
        size = file.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(name, 1, 1, f"the file is too large ({size:,} bytes; at most "
                                  f"{MAX_BYTES // (1024 * 1024)} MB are accepted)",
                                  "split the tours into a smaller file, or check that this is really a tours file")]
        data = file.read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, 1, 1, "the file does not exist", "check the file name; the default is tours.yaml")]
    except IsADirectoryError:
        return None, [Problem(name, 1, 1, "this is a folder, not a file", "give the path of the tours file")]
    except OSError as err:
        return None, [Problem(name, 1, 1, f"the file cannot be read: {err.strerror or err}",
                              "check the file's permissions")]
    return load_library(data, name, extra_special_pages=extra_special_pages)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
