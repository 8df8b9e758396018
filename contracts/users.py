"""User names in the contracts' pages: how MediaWiki spells them, and which can be one.

Names come from pages anyone may edit (mentor lists, mentee records, markers), so a name is
checked before it goes into a title, a batch of names or a link.
"""

from __future__ import annotations

import re

__all__ = ["normalize_user", "is_valid_user"]

#: Characters MediaWiki never allows in user names (plus ``/`` and ``:``, which would make
#: a talk page title point somewhere else, and ``@``, reserved for interwiki names).
_BAD_USER = re.compile(r"[#<>\[\]|{}/:@\x00-\x1f\x7f\ufffd]")


def normalize_user(name: str) -> str:
    """A user name as MediaWiki stores it: spaces for underscores, first letter upper case."""
    name = " ".join(name.replace("_", " ").split())
    return name[:1].upper() + name[1:]


def is_valid_user(name: str) -> bool:
    """Whether *name* can be a user name whose talk page the bot may address."""
    return bool(name) and len(name.encode()) <= 255 and not _BAD_USER.search(name)
