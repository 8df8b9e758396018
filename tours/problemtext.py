"""Translatable texts of problems: what is wrong and how to fix it, in every language.

A :class:`~tours.model.Problem` is shown to people in many places: the terminal of an admin
running ``python -m tours lint``, and the on-wiki status page the sync bot writes in the wiki's
own language. So a problem's message and hint are not English sentences but :class:`Text`
values, a message key of ``i18n/compiler/<lang>.json`` (MediaWiki banana JSON) with parameters,
rendered for a language when shown. English (``en.json``) is the source; ``str(problem)`` keeps
the English text so logs and tests stay readable. Looking up and formatting messages is the
job of :mod:`tours.messages`, shared by every component; this module adds what is particular
to problems.

Parameters are inserted as plain text after the message's own ``{{PLURAL:$N|…}}`` has been
resolved, in one pass, so a YAML value quoted in a message can never be read as markup or as
another placeholder. A parameter may itself be a :class:`Text` (a phrase like "step 'welcome'
of tour 'first-edit'"), rendered in the same language; a whole number is formatted for the
language. Everything here is pure apart from reading the message files once.
"""

from __future__ import annotations

from typing import Mapping

from tours import messages as _messages
from tours.messages import MessageMissing, T, Text, message, read_messages, render

__all__ = ["Text", "T", "render", "message", "messages", "problem_in", "format_problem", "I18N_DIR",
           "MessageMissing", "read_messages"]

#: The compiler's message folder (the lookup itself is :mod:`tours.messages`).
I18N_DIR = _messages.COMPILER_DIR


def messages(lang: str) -> Mapping[str, str]:
    """The compiler's messages in *lang*; empty for an unknown language."""
    return read_messages(_messages.COMPILER_DIR, lang)


def settle(problem) -> None:
    """For a frozen problem dataclass's ``__post_init__``: a :class:`Text` given as ``message``
    or ``hint`` moves to ``text`` / ``hint_text``, and the field gets its English rendering."""
    if isinstance(problem.message, Text):
        object.__setattr__(problem, "text", problem.message)
        object.__setattr__(problem, "message", render(problem.message, "en"))
    if isinstance(problem.hint, Text):
        object.__setattr__(problem, "hint_text", problem.hint)
        object.__setattr__(problem, "hint", render(problem.hint, "en"))


def problem_in(problem, lang: str) -> tuple[str, str]:
    """``(message, hint)`` of a :class:`~tours.model.Problem` in *lang*; a problem made from
    plain strings (not translatable yet) keeps its English text."""
    message = render(problem.text, lang) if problem.text is not None else problem.message
    hint = render(problem.hint_text, lang) if problem.hint_text is not None else problem.hint
    return message, hint


def format_problem(problem, lang: str = "en") -> str:
    """The ``FILE:LINE:COLUMN: severity: message`` line (and ``hint:`` line) in *lang*."""
    message, hint = problem_in(problem, lang)
    severity = render(T(f"wikitours-severity-{problem.severity}"), lang)
    head = f"{problem.file}:{problem.line}:{problem.column}: {severity}: {message}"
    if not hint:
        return head
    return f"{head}\n    {render(T('wikitours-hint-label'), lang)}: {hint}"
