"""Translatable names for the errors of libraries the compiler and the bots rely on.

Python's ``json`` and the operating system report errors as English strings
(``Expecting ',' delimiter``, ``Permission denied``). A problem that quoted them would stay
English on a wiki's status page in any language, so the known kinds are mapped to messages of
their own (``i18n/compiler``), whose English text is the library's wording: the English
output stays what it always was, and translators see one short phrase per kind. An unknown
kind falls back to the library's text as a parameter, never to an exception.
Pure functions; the position of the error is known to the caller anyway.
"""

from __future__ import annotations

import errno

from contracts.problems import Issue, JsonError, Message
from tours.model import Problem
from tours.problemtext import T, Text, format_problem

__all__ = ["json_error_text", "os_error_text", "from_message", "issue_problem", "issue_text",
           "JSON_ERRORS", "OS_ERRORS"]

#: The ``msg`` of :class:`json.JSONDecodeError` (C and Python decoders) → message key.
JSON_ERRORS = {
    "Expecting value": "wikitours-problem-json-expecting-value",
    "Expecting property name enclosed in double quotes": "wikitours-problem-json-expecting-property-name",
    "Expecting ':' delimiter": "wikitours-problem-json-expecting-colon",
    "Expecting ',' delimiter": "wikitours-problem-json-expecting-comma",
    "Unterminated string starting at": "wikitours-problem-json-unterminated-string",
    "Invalid control character at": "wikitours-problem-json-control-character",
    "Invalid \\escape": "wikitours-problem-json-invalid-escape",
    "Invalid \\uXXXX escape": "wikitours-problem-json-invalid-unicode-escape",
    "Extra data": "wikitours-problem-json-extra-data",
}

#: ``errno`` → message key; the English text is glibc's ``strerror`` for it.
OS_ERRORS = {
    errno.ENOENT: "wikitours-problem-os-no-such-file",
    errno.EACCES: "wikitours-problem-os-permission-denied",
    errno.EPERM: "wikitours-problem-os-not-permitted",
    errno.EISDIR: "wikitours-problem-os-is-a-directory",
    errno.ENOTDIR: "wikitours-problem-os-not-a-directory",
    errno.ENAMETOOLONG: "wikitours-problem-os-name-too-long",
    errno.ELOOP: "wikitours-problem-os-symlink-loop",
    errno.EIO: "wikitours-problem-os-input-output",
}


def json_error_text(error: BaseException) -> Text | str:
    """What is wrong, for a :class:`json.JSONDecodeError` (or another ``ValueError``)."""
    msg = getattr(error, "msg", None)
    if not isinstance(msg, str):
        msg = str(error)
    key = JSON_ERRORS.get(msg)
    if key is None and msg.startswith("Invalid \\escape: "):
        return T("wikitours-problem-json-invalid-escape-at", msg[len("Invalid \\escape: "):])
    if key is None and msg.startswith("Invalid control character ") and msg.endswith(" at"):
        return T("wikitours-problem-json-control-character-shown",
                 msg[len("Invalid control character "):-len(" at")])
    return T(key) if key else msg


def os_error_text(error: OSError) -> Text | str:
    """Why a file could not be read, for an :class:`OSError`."""
    key = OS_ERRORS.get(error.errno) if error.errno is not None else None
    if key is not None:
        return T(key)
    return error.strerror or str(error)


def from_message(message) -> Text | str:
    """A contract module's problem message (:class:`contracts.problems.Message`: a key and its
    parameters, since the contracts cannot translate) as a translatable :class:`Text`; the JSON
    parser's own words (:class:`contracts.problems.JsonError`) are translated as well."""
    if message is None:
        return ""
    params = tuple(json_error_text(ValueError(str(p))) if isinstance(p, JsonError)
                   else from_message(p) if isinstance(p, Message) else p
                   for p in message.params)
    return T(message.key, *params)


def issue_problem(issue: Issue, page: str | None = None) -> Problem:
    """A contract's problem (:class:`contracts.problems.Issue`) as a translatable
    :class:`tours.model.Problem` of *page* (else the page the issue names)."""
    return Problem(issue.page if page is None else page, issue.line, issue.column,
                   from_message(issue.message), from_message(issue.hint),
                   severity=issue.severity)


def issue_text(issue: Issue, lang: str = "en") -> str:
    """A contract's problem as a person reads it in *lang*: ``PAGE:LINE:COLUMN: severity:
    what is wrong`` (and a ``hint:`` line), the words of ``i18n/compiler``."""
    return format_problem(issue_problem(issue), lang)
