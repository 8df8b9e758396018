"""The bot's texts in the wiki's language, from ``i18n/bot/<lang>.json`` (banana JSON).

Posts are wikitext, so ``{{PLURAL:…}}`` and ``{{GENDER:…}}`` in a message are left for the wiki
to resolve when the page is shown; the bot only fills ``$1``, ``$2``… Missing keys fall back
along MediaWiki's own fallback chain (``tours.languages``) and finally to English.
"""

from __future__ import annotations

import re
from pathlib import Path

from tours.messages import page_text

__all__ = ["message", "sanitize", "user_text", "user_link", "I18N_DIR"]

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n" / "bot"


def message(key: str, lang: str, *params: object) -> str:
    """The text of *key* in *lang* (or its fallbacks) with ``$N`` replaced by ``params[N-1]``
    (:func:`tours.messages.page_text`)."""
    return page_text(I18N_DIR, key, lang, *params)


_ENTITIES = {"{": "&#123;", "}": "&#125;", "|": "&#124;", "[": "&#91;", "]": "&#93;",
             "<": "&lt;", ">": "&gt;", "~": "&#126;", "'": "&#39;", "=": "&#61;",
             "_": "&#95;", "&": "&amp;", ":": "&#58;", "*": "&#42;", "#": "&#35;",
             '"': "&quot;", ";": "&#59;", "!": "&#33;"}
_SANITIZE = re.compile("|".join(re.escape(c) for c in _ENTITIES))
#: Control characters (NUL, ESC, …; tab and line break become spaces anyway): never posted.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def sanitize(text: str, limit: int = 500) -> str:
    """Text from other people (a mentor's intro, a tour title) made inert in wikitext.

    Markup that could break the template call, add links or templates, sign, or close a
    comment is shown as plain characters; newlines become spaces; control characters (NUL…)
    are dropped; the text is cut at *limit*.
    """
    text = " ".join(_CONTROL.sub("", str(text)).split())[:limit]
    return _SANITIZE.sub(lambda m: _ENTITIES[m.group(0)], text)


def user_text(name: str) -> str:
    """A user name as inert wikitext: shown exactly as spelled, whatever it contains.

    User names may contain ``'`` (three of them start bold), ``"``, ``&``, ``=``, ``*``,
    ``;``, ``!`` and ``~``; each becomes an HTML entity. MediaWiki decodes entities in link
    targets and in ``{{GENDER:…}}``/``{{fullurl:…}}``, so the escaped name still names the
    account.
    """
    return sanitize(name, 255)


def user_link(name: str, namespace: str = "User") -> str:
    """``[[User:NAME|NAME]]`` that links to the account for every possible user name."""
    text = user_text(name)
    return f"[[{namespace}:{text}|{text}]]"
