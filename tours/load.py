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
from tours.problemkinds import os_error_text
from tours.problemtext import T, Text
from tours.validate import validate
from tours.yamltree import MAX_BYTES, read_tree, too_large

__all__ = ["load_library", "load_file", "read_source", "MAX_PROBLEMS", "MAX_MESSAGE"]


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
        return None, [Problem(filename, 1, 1,
                              T("wikitours-problem-file-not-checked", type(err).__name__, str(err)),
                              T("wikitours-hint-report-bug"))]


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
        return replace(problem, message=message, hint=hint, text=_clean_text(problem.text),
                       hint_text=_clean_text(problem.hint_text))
    return problem


def _clean_text(text: object) -> object:
    """The same for the parameters of a translatable text, which other languages show."""
    if not isinstance(text, Text):
        return text

    def param(value: object) -> object:
        if isinstance(value, Text):
            return _clean_text(value)
        if isinstance(value, str):
            value = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], value)
            return value if len(value) <= MAX_MESSAGE else value[: MAX_MESSAGE - 1] + "…"
        return value

    return Text(text.key, tuple(param(p) for p in text.params))


def _capped(problems: list[Problem], filename: str) -> list[Problem]:
    problems = [_clean(p) for p in problems]
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    last = problems[MAX_PROBLEMS - 1]
    note = Problem(filename, last.line, last.column, T("wikitours-problem-more-not-shown", rest),
                   T("wikitours-hint-fix-above-first"))
    return problems[:MAX_PROBLEMS] + [note]


def read_source(path: str | Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of *path*, or ``None`` and the problem saying why it cannot be read."""
    name = str(path)
    try:
        file = Path(path)
        size = file.stat().st_size
        if size > MAX_BYTES:
            return None, [too_large(name, size)]
        return file.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(name, 1, 1, T("wikitours-problem-file-does-not-exist"),
                              T("wikitours-hint-check-file-name"))]
    except IsADirectoryError:
        return None, [Problem(name, 1, 1, T("wikitours-problem-file-is-folder"),
                              T("wikitours-hint-give-tours-file-path"))]
    except OSError as err:
        return None, [Problem(name, 1, 1,
                              T("wikitours-problem-file-cannot-be-read", os_error_text(err)),
                              T("wikitours-hint-check-permissions"))]


def load_file(path: str | Path, *, extra_special_pages: Iterable[str] = ()) -> tuple[Library | None, list[Problem]]:
    """Read *path* and :func:`load_library` it; unreadable files become problems too."""
    data, problems = read_source(path)
    if data is None:
        return None, problems
    return load_library(data, str(path), extra_special_pages=extra_special_pages)

