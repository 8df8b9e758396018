"""Problems found in a contract's page, as values a person can act on.

A contract module cannot print or translate (it is the lowest layer): it returns each problem
as a message key with parameters (the keys of ``i18n/problems/``), the line and column in the
page, a hint and a severity. The compiler and the bots turn them into their own
:class:`tours.model.Problem` with :func:`to_problem`-style adapters; the app shows them as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Message", "Issue", "JsonError", "position", "page_issue", "json_issue"]


class JsonError(str):
    """A parameter that is the JSON parser's own message (``Expecting value``…): readers
    translate it (``tours.problemkinds.json_error_text``) instead of showing it raw."""


@dataclass(frozen=True)
class Message:
    """A message key and its parameters (texts or whole numbers)."""

    key: str
    params: tuple[object, ...] = ()

    def __str__(self) -> str:  # for logs; people get the translated text
        return self.key + (": " + ", ".join(str(p) for p in self.params) if self.params else "")


@dataclass(frozen=True)
class Issue:
    """One problem at *line*:*column* of the page (1-based; 0 when it concerns the whole page).

    *page* names the page where a reader reads several (the tours' data pages, a learner's
    progress page); empty where the caller knows it. ``str()`` is for logs of programmers
    (keys, not words); people get :func:`tours.problemkinds.issue_text` in their language."""

    line: int
    column: int
    message: Message
    hint: Message | None = None
    severity: Literal["error", "warning"] = "error"
    page: str = ""

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}:{self.column}" if self.page else \
            f"{self.line}:{self.column}"
        return f"{where}: {self.message}"


def page_issue(page: str, key: str, *params: object, hint: Message | None = None,
               line: int = 0, column: int = 0) -> Issue:
    """A problem of *page* (the whole page unless *line*/*column* say where)."""
    return Issue(line, column, Message(key, params), hint, page=page)


def json_issue(page: str, error: ValueError, hint: Message | None = None) -> Issue:
    """*page* is not JSON: where the parser stopped, in its own words (translated by the
    reader, :class:`JsonError`)."""
    return page_issue(page, "wikitours-problem-json-invalid",
                      JsonError(getattr(error, "msg", None) or str(error)), hint=hint,
                      line=getattr(error, "lineno", 0) or 0, column=getattr(error, "colno", 0) or 0)


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character *offset* in *text*."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
