"""The one message lookup of wikitours' Python code: console lines and page texts.

Every Python component keeps its texts in ``i18n/<component>/<lang>.json`` (MediaWiki banana
JSON, ``qqq.json`` documents them): the compiler's problems in ``compiler``, the sync's pages in
``sync``, the bots' posts in ``bot``, the seeding in ``seed``, the playground in ``playground``.
This module owns what all of them share, so that a language falls back the same way everywhere:

* :func:`lookup`: the text of a key along MediaWiki's fallback chain (:func:`chain`: the
  language, its fallbacks from ``tours/data/languages.json``, its base language, English);
  a key missing in English is a programming error (:class:`MessageMissing`);
* :func:`fill`: ``{{PLURAL:…}}`` resolved by MediaWiki's plural rules of the language the text
  was found in, then ``$1``, ``$2``… inserted as plain text in one pass, so a parameter can
  never be read as markup or as another placeholder;
* two ways to show a message: :func:`render` for people reading a console or an HTML page
  (PLURAL resolved, numbers written for the language, a :class:`Text` parameter rendered in
  the same language) and :func:`page_text` for wikitext the wiki shows (``{{PLURAL}}`` and
  ``{{GENDER}}`` left for the wiki, numbers as digits so that the wiki can read them);
* :func:`output_language`: the language of console output (``--lang``, ``WIKITOURS_LANG``,
  the POSIX locale, English).

Components keep a one-line helper that names their folder (``msg``, ``seed_msg``, ``ui``…);
none of them looks anything up itself.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from tours.languages import fallback_chain
from tours.plurals import choose

__all__ = ["Text", "T", "MessageMissing", "I18N_ROOT", "COMPILER_DIR", "folder", "read_messages",
           "chain", "lookup", "fill", "render", "message", "page_text", "output_language"]

#: ``i18n/`` of the repository: one folder per component.
I18N_ROOT = Path(__file__).resolve().parent.parent / "i18n"
#: The compiler's messages (problems, console lines), the default folder of :func:`render`.
COMPILER_DIR = I18N_ROOT / "compiler"
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_PARAM = re.compile(r"\$([1-9][0-9]*)")
_PLURAL = re.compile(r"\{\{PLURAL:([^|{}]*)\|([^{}]*)\}\}", re.I)


class MessageMissing(KeyError):
    """A key that the component's ``en.json`` does not have: a programming error."""


@dataclass(frozen=True)
class Text:
    """Message *key* with *params* (texts, whole numbers or other :class:`Text` values),
    rendered for a language only when shown. ``str()`` gives the English text."""

    key: str
    params: tuple[object, ...] = ()

    def __str__(self) -> str:
        return render(self, "en")


def T(key: str, *params: object) -> Text:  # noqa: N802 - short, like gettext's _()
    """``T("wikitours-problem-unknown-field", name, what)``: a translatable text."""
    return Text(key, tuple(params))


def folder(component: str | Path) -> Path:
    """The message folder of *component* (``"sync"`` → ``i18n/sync``); a path stays as given."""
    return component if isinstance(component, Path) else I18N_ROOT / component


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


@lru_cache(maxsize=256)
def _cached(directory: Path, lang: str) -> Mapping[str, str]:
    return read_messages(directory, lang)


def clear_cache() -> None:
    """Forget the message files read so far (tests that write scratch folders)."""
    _cached.cache_clear()


def _fallbacks(code: str) -> tuple[str, ...]:
    try:
        return tuple(fallback_chain(code))
    except (KeyError, ValueError):
        return ()


@lru_cache(maxsize=128)
def chain(lang: str) -> tuple[str, ...]:
    """Where a message of *lang* is looked for, in order: *lang*, its MediaWiki fallbacks, its
    base language (a locale's ``ar-eg`` that MediaWiki does not know continues with ``ar``)
    and that language's fallbacks, then English. Not a language code: English only."""
    if not _LANG.match(lang or ""):
        return ("en",)
    found: list[str] = []
    for code in (lang, lang.split("-")[0]):
        for step in (code, *_fallbacks(code)):
            if step not in found and step != "en":
                found.append(step)
    return (*found, "en")


def lookup(key: str, lang: str, component: str | Path = COMPILER_DIR) -> tuple[str, str]:
    """``(text, language it was found in)`` of *key* in *component*'s folder along
    :func:`chain`; :class:`MessageMissing` when even English lacks it."""
    directory = folder(component)
    for code in chain(lang):
        text = _cached(directory, code).get(key)
        if text is not None:
            return text, code
    raise MessageMissing(f"no message {key!r} in {directory / 'en.json'}")


def fill(template: str, params: Sequence[object], lang: str, *, plural: bool = True,
         show: Callable[[object], str] = str, fallbacks: Iterable[str] = ()) -> str:
    """*template* with ``{{PLURAL:$N|…}}`` chosen by the plural rules of *lang* (the language
    the text is in; *fallbacks* for a language without rules of its own) unless *plural* is
    false, then ``$N`` replaced by ``show(params[N-1])`` in one pass. A ``$N`` without a
    parameter stays as written."""

    def raw(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return str(params[index]) if index < len(params) else match.group(0)

    def form(match: re.Match) -> str:
        number = _PARAM.sub(raw, match.group(1)).strip()
        return choose(match.group(2).split("|"), number, lang, tuple(fallbacks))

    if plural:
        template = _PLURAL.sub(form, template)
    return _PARAM.sub(lambda m: show(params[int(m.group(1)) - 1]) if int(m.group(1)) <= len(params)
                      else m.group(0), template)


def _number(value: int, lang: str) -> str:
    try:  # babel is optional: without it, numbers are grouped as in English
        from babel.numbers import format_decimal  # babel is optional for the compiler

        return format_decimal(value, locale=lang.replace("-", "_"))
    except Exception:  # an unknown locale: plain grouping as in English
        return f"{value:,}"


def render(text: Text | str, lang: str = "en", directory: Path | None = None) -> str:
    """*text* for people reading it outside the wiki, in *lang* (falling back along
    MediaWiki's chain and finally to English): PLURAL resolved, numbers written for the
    language, :class:`Text` parameters rendered the same way. Messages come from the
    compiler's folder or from *directory*. A plain string is returned as it is."""
    if not isinstance(text, Text):
        return str(text)
    template, found_in = lookup(text.key, lang, directory or COMPILER_DIR)

    def show(value: object) -> str:
        if isinstance(value, Text):
            return render(value, lang, directory)
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int):
            return _number(value, found_in)
        return str(value)

    return fill(template, text.params, found_in, show=show)


def message(directory: str | Path, key: str, lang: str, *params: object) -> str:
    """Message *key* of a component (``"seed"`` or its folder) in *lang*, as :func:`render`
    shows it."""
    return render(Text(key, params), lang, folder(directory))


def page_text(component: str | Path, key: str, lang: str, *params: object) -> str:
    """Message *key* of *component* as wikitext for a page in *lang*: ``$N`` filled in as
    given (escape text from the wiki first), ``{{PLURAL}}``/``{{GENDER}}`` left to the wiki."""
    template, _found_in = lookup(key, lang or "en", component)
    return fill(template, params, lang, plural=False)


def output_language(requested: str | None = None) -> str:
    """The language of console output: ``--lang``, else ``WIKITOURS_LANG``, else the POSIX
    locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them), else
    English. ``de_AT.UTF-8`` becomes MediaWiki's ``de-at``; ``C`` and ``POSIX`` mean English."""
    if requested:
        candidates = [requested]
    else:
        candidates = [os.environ.get("WIKITOURS_LANG"), (os.environ.get("LANGUAGE") or "").split(":")[0],
                      os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG")]
    for value in candidates:
        if value:
            code = value.split(".")[0].split("@")[0].replace("_", "-").lower()
            return code if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", code) else "en"
    return "en"
