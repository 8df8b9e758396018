"""The hidden markers that make the wiki itself the bot's memory.

Every post of the bot carries an HTML comment that says what it did, so whether a newcomer was
welcomed, a mentor was told or a badge was announced is read from the page and never from a
local file: a bot that crashed, a second bot or a new operator all see the same state.

- ``<!-- wikitours:welcome mentor="NAME" -->`` on a newcomer's talk page (contracts §7)
- ``<!-- wikitours:reassigned from="OLD" mentor="NEW" -->`` on a newcomer's talk page
- ``<!-- wikitours:mentee user="NAME" -->`` on a mentor's talk page, once per mentee told
- ``<!-- wikitours:badge id="BADGE" -->`` on a learner's talk page (contracts §7, §9)

Values are escaped (``&`` and ``"``) so a user name can never end the comment or the attribute.
Markers are found with mwparserfromhell's comment nodes, so a marker shown inside ``<nowiki>``
or quoted in a discussion as plain text without comment syntax does not count.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import mwparserfromhell

__all__ = ["Marker", "render", "find", "welcome_mentor", "told_mentees", "badges", "reassigned"]

_HEAD = re.compile(r"^\s*wikitours:([a-z-]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*$")
_ATTR = re.compile(r"([a-z-]+)=\"([^\"]*)\"")


@dataclass(frozen=True)
class Marker:
    """One parsed marker: its *kind* (``welcome``, ``badge``…) and its attributes."""

    kind: str
    attrs: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        return dict(self.attrs).get(name, default)


def _escape(value: str) -> str:
    """Escape so that no value can close the attribute (``"``) or the comment (``>``)."""
    return (value.replace("&", "&amp;").replace('"', "&quot;")
            .replace("<", "&lt;").replace(">", "&gt;"))


def render(kind: str, **attrs: str) -> str:
    """``render("welcome", mentor="Ada")`` is ``<!-- wikitours:welcome mentor="Ada" -->``."""
    parts = " ".join(f'{k.replace("_", "-")}="{_escape(v)}"' for k, v in attrs.items())
    return f"<!-- wikitours:{kind}{' ' + parts if parts else ''} -->"


def find(text: str, kind: str | None = None) -> list[Marker]:
    """Every wikitours marker in *text* (optionally only of *kind*), in page order."""
    if not text or "wikitours:" not in text:
        return []
    found = []
    for comment in mwparserfromhell.parse(text).filter_comments(recursive=True):
        match = _HEAD.match(str(comment.contents))
        if not match or (kind and match.group(1) != kind):
            continue
        attrs = tuple((k, html.unescape(v)) for k, v in _ATTR.findall(match.group(2)))
        found.append(Marker(match.group(1), attrs))
    return found


def welcome_mentor(text: str) -> str | None:
    """The mentor named by the (first) welcome marker, or None when the page has none."""
    markers = find(text, "welcome")
    return markers[0].get("mentor") if markers else None


def reassigned(text: str) -> list[tuple[str, str]]:
    """``(from, to)`` for each reassignment notice on a newcomer's talk page."""
    return [(m.get("from"), m.get("mentor")) for m in find(text, "reassigned")]


def told_mentees(text: str) -> set[str]:
    """Mentees a mentor's talk page already announces."""
    return {m.get("user") for m in find(text, "mentee")}


def badges(text: str) -> set[str]:
    """Badge ids already announced on a talk page."""
    return {m.get("id") for m in find(text, "badge")}
