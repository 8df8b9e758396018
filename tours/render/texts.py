"""Looking up a text in a language, falling back per message like MediaWiki does.

A page in ``de-at`` shows each text in the first language of ``de-at → de → en`` (then the
library's source language) that has it: the chain is :func:`tours.messages.chain`, the one
fallback chain of wikitours' Python code, so a help page, a console line and a page text fall
back the same way. Only the storage differs: a build holds the tours' texts of every language
in memory (``lang → key → text``) instead of reading ``i18n/<component>/`` files.

A text shown in another language than the page keeps its own ``lang``/``dir``, so screen
readers pronounce it right and right-to-left pages stay readable: :class:`Text` remembers the
language it is in.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple

from tours.messages import chain as message_chain

__all__ = ["Text", "Messages"]


class Text(NamedTuple):
    """A text and the language it is written in.

    ``str()`` is refused on purpose: a template must render a Text through the ``wt`` filter,
    which escapes it, and can never print it raw by mistake. (A named tuple, because a build
    makes hundreds of thousands of them.)
    """

    value: str
    lang: str

    def __str__(self) -> str:
        raise TypeError("a Text must be rendered with the `wt` filter, never printed raw")


class Messages:
    """Texts by language (``lang → key → text``) with MediaWiki's fallback chains.

    *last_resort* is the language tried after the chain (the library's source language, whose
    texts are complete by definition). Each language's merged view (its own texts over its
    fallbacks') is built once, so a lookup is one dictionary access.
    """

    def __init__(self, by_lang: Mapping[str, Mapping[str, str]], last_resort: str) -> None:
        self._by_lang = by_lang
        self._last = last_resort
        self._chains: dict[str, tuple[str, ...]] = {}
        self._own: dict[str, dict[str, Text]] = {}
        self._merged: dict[str, dict[str, Text]] = {}

    def chain(self, lang: str) -> tuple[str, ...]:
        """The languages a text of *lang* is looked for in: :func:`tours.messages.chain`, then
        the last resort, keeping those that have texts."""
        chain = self._chains.get(lang)
        if chain is None:
            seen: list[str] = []
            for code in (*message_chain(lang), self._last):
                if code not in seen and code in self._by_lang:
                    seen.append(code)
            chain = self._chains[lang] = tuple(seen)
        return chain

    def _texts(self, code: str) -> dict[str, Text]:
        own = self._own.get(code)
        if own is None:
            own = self._own[code] = {k: Text(v, code) for k, v in self._by_lang[code].items()
                                     if isinstance(v, str) and v.strip()}
        return own

    def view(self, lang: str) -> dict[str, Text]:
        """Every key as *lang* shows it (its own text, else its fallbacks')."""
        merged = self._merged.get(lang)
        if merged is None:
            merged = {}
            for code in reversed(self.chain(lang)):
                merged.update(self._texts(code))
            self._merged[lang] = merged
        return merged

    def get(self, key: str, lang: str) -> Text:
        """*key* in *lang* or its fallbacks; a missing key shows as the key itself."""
        text = self.view(lang).get(key)
        return text if text is not None else Text(key, "en")

