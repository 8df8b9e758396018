"""The playground's console texts, from i18n/playground/ (banana JSON), in the user's language
(the same choice as the compiler's: ``WIKITOURS_LANG``, then the locale, then English)."""

from __future__ import annotations

from pathlib import Path

from tours.messages import message, output_language

I18N = Path(__file__).resolve().parent.parent / "i18n" / "playground"


def msg(key: str, *params: object, language: str | None = None) -> str:
    """Message `key` with $1, $2… filled, in the user's language or its fallbacks, else English."""
    return message(I18N, key, language or output_language(), *map(str, params))
