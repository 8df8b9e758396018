"""Translatable texts of problems: what is wrong and how to fix it, in every language.

A :class:`~tours.model.Problem` is shown to people in many places: the terminal of an admin
running ``python -m tours lint``, and the on-wiki status page the sync bot writes in the wiki's
own language. So a problem's message and hint are not English sentences but :class:`Text`
values, a message key of ``i18n/compiler/<lang>.json`` (MediaWiki banana JSON) with parameters,
rendered for a language when shown. English (``en.json``) is the source; ``str(problem)`` keeps
the English text so logs and tests stay readable.

Parameters are inserted as plain text after the message's own ``{{PLURAL:$N|…}}`` has been
resolved, in one pass, so a YAML value quoted in a message can never be read as markup or as
another placeholder. A parameter may itself be a :class:`Text` (a phrase like "step 'welcome'
of tour 'first-edit'"), rendered in the same language; a whole number is formatted for the
language. Everything here is pure apart from reading the message files once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from tours.languages import fallback_chain
from tours.plurals import choose

__all__ = ["Text", "T", "render", "message", "messages", "problem_in", "format_problem", "I18N_DIR",
           "MessageMissing"]

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n" / "compiler"
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_PARAM = re.compile(r"\$([1-9][0-9]*)")
_PLURAL = re.compile(r"\{\{PLURAL:\s*\$([1-9][0-9]*)\s*\|([^{}]*)\}\}", re.I)


class MessageMissing(KeyError):
    """A key that ``i18n/compiler/en.json`` does not have: a programming error."""


@dataclass(frozen=True)
class Text:
    """Message *key* with *params* (texts, whole numbers or other :class:`Text` values)."""

    key: str
    params: tuple[object, ...] = ()

    def __str__(self) -> str:
        return render(self, "en")


def T(key: str, *params: object) -> Text:  # noqa: N802 - short, like gettext's _()
    """``T("wikitours-problem-unknown-field", name, what)``: a translatable text."""
    return Text(key, tuple(params))


def read_messages(directory: Path, lang: str) -> Mapping[str, str]:
    """The messages of ``directory/<lang>.json`` (without ``@metadata``); empty for a language
    code that is not one, or a file that is missing or unreadable."""
    if not _LANG.match(lang or ""):
        return {}
    try:
        data = json.loads((directory / f"{lang}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if not k.startswith("@") and isinstance(v, str)}


@lru_cache(maxsize=64)
def messages(lang: str) -> Mapping[str, str]:
    """The compiler's messages in *lang*; empty for an unknown language."""
    return read_messages(I18N_DIR, lang)


def settle(problem) -> None:
    """For a frozen problem dataclass's ``__post_init__``: a :class:`Text` given as ``message``
    or ``hint`` moves to ``text`` / ``hint_text``, and the field gets its English rendering."""
    if isinstance(problem.message, Text):
        object.__setattr__(problem, "text", problem.message)
        object.__setattr__(problem, "message", render(problem.message, "en"))
    if isinstance(problem.hint, Text):
        object.__setattr__(problem, "hint_text", problem.hint)
        object.__setattr__(problem, "hint", render(problem.hint, "en"))


@lru_cache(maxsize=64)
def _chain(lang: str) -> tuple[str, ...]:
    if not _LANG.match(lang or ""):
        return ("en",)
    # A locale's code that MediaWiki does not know (``ar-eg`` from ``ar_EG.UTF-8``) continues
    # with its base language and that language's chain.
    chain: list[str] = []
    for code in (lang, lang.split("-")[0]):
        for step in (code, *_fallbacks(code)):
            if step not in chain and step != "en":
                chain.append(step)
    return (*chain, "en")


def _fallbacks(code: str) -> tuple[str, ...]:
    try:
        return tuple(fallback_chain(code))
    except (KeyError, ValueError):
        return ()


@lru_cache(maxsize=128)
def _folder(directory: Path, lang: str) -> Mapping[str, str]:
    return read_messages(directory, lang)


def _template(key: str, lang: str, directory: Path | None = None) -> tuple[str, str]:
    """The message text and the language it was found in (MediaWiki's fallback chain), from
    ``i18n/compiler`` or another component's *directory*."""
    for code in _chain(lang):
        text = (messages(code) if directory is None else _folder(directory, code)).get(key)
        if text is not None:
            return text, code
    raise MessageMissing(f"no message {key!r} in {(directory or I18N_DIR) / 'en.json'}")


def _number(value: int, lang: str) -> str:
    try:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=lang.replace("-", "_"))
    except Exception:  # an unknown locale: plain grouping as in English
        return f"{value:,}"


def render(text: Text | str, lang: str = "en", directory: Path | None = None) -> str:
    """*text* in *lang*, falling back along MediaWiki's chain and finally to English; its
    messages come from ``i18n/compiler``, or from *directory* (another component's folder)."""
    if not isinstance(text, Text):
        return str(text)
    template, found_in = _template(text.key, lang, directory)
    raw = [p for p in text.params]

    def plain(index: int) -> str:
        value = raw[index]
        if isinstance(value, Text):
            return render(value, lang, directory)
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int):
            return _number(value, found_in)
        return str(value)

    def plural(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        number = raw[index] if index < len(raw) else 0
        forms = match.group(2).split("|")
        return choose(forms, str(number if isinstance(number, (int, float)) else 0), found_in)

    template = _PLURAL.sub(plural, template)
    return _PARAM.sub(lambda m: plain(int(m.group(1)) - 1) if int(m.group(1)) <= len(raw)
                      else m.group(0), template)


def message(directory: Path, key: str, lang: str, *params: object) -> str:
    """Message *key* of the component folder *directory* (banana JSON, e.g. ``i18n/seed``) in
    *lang*, with MediaWiki's fallbacks, ``{{PLURAL}}`` resolved and *params* as plain text."""
    return render(Text(key, params), lang, directory)


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
