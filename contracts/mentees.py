"""Mentee records, ``Project:Wikitours/Mentees/<Mentor>.json`` (contracts §7): read and written here.

The welcome bot keeps one page per mentor, ``{"mentees": [{"username", "assigned", "reason"}]}``
plus optional ``notified`` (when the mentor was told) and ``from`` (the previous mentor of a
reassigned mentee); readers ignore fields they do not know. The bot rewrites the page, the app
(mentor dashboard, outcome reports) reads it. People can edit it too, so parsing keeps what is
usable, drops the rest, and says what it dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from contracts.users import is_valid_user, normalize_user

__all__ = ["Mentee", "parse_record", "render_record", "record_title", "mentor_of"]

#: Longest value kept of a text field (an ISO time, a reason, a user name of at most 255
#: bytes): anything longer is not a value the bot wrote, and the app shows these fields.
_MAX_FIELD = 255


@dataclass(frozen=True)
class Mentee:
    """One entry of a mentee record.

    ``username``, ``assigned`` and ``reason`` are the contract; ``notified`` and ``previous``
    (written as ``from``) are optional additions that readers may ignore.
    """

    username: str
    assigned: str
    reason: str = "new-account"
    notified: str = ""
    previous: str = ""

    def as_json(self) -> dict:
        out = {"username": self.username, "assigned": self.assigned, "reason": self.reason}
        if self.notified:
            out["notified"] = self.notified
        if self.previous:
            out["from"] = self.previous
        return out


def record_title(mentor: str, project: str = "Project") -> str:
    return f"{project}:Wikitours/Mentees/{normalize_user(mentor)}.json"


def mentor_of(title: str) -> str:
    """The mentor whose record *title* is (``…/Mentees/Ada.json`` → ``Ada``)."""
    return normalize_user(title.rsplit("/", 1)[-1].removesuffix(".json"))


def parse_record(text: str | None, title: str = "mentee record"
                 ) -> tuple[tuple[Mentee, ...], tuple[str, ...]]:
    """The record's mentees (first entry per name wins) and what was dropped, and why."""
    try:
        data = json.loads(text) if text else {}
    except (ValueError, RecursionError) as error:
        return (), (f"{title}: not valid JSON ({error}); its mentees are left out",)
    entries = data.get("mentees") if isinstance(data, dict) else None
    if text and not isinstance(entries, list):
        return (), (f"{title}: expected {{\"mentees\": [...]}}",)
    out, seen, problems = [], set(), []
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("username") if isinstance(entry, dict) else None
        name = normalize_user(name) if isinstance(name, str) else ""
        if not is_valid_user(name):
            problems.append(f"{title}: skipped an entry without a valid \"username\"")
            continue
        if name in seen:
            continue
        seen.add(name)

        def text_of(key: str) -> str:
            value = entry.get(key)
            return value[:_MAX_FIELD] if isinstance(value, str) else ""
        out.append(Mentee(name, text_of("assigned"), text_of("reason") or "new-account",
                          text_of("notified"), text_of("from")))
    return tuple(out), tuple(problems)


def render_record(mentees: Iterable[Mentee]) -> str:
    """The record page text: stable, readable JSON."""
    return json.dumps({"mentees": [m.as_json() for m in mentees]}, ensure_ascii=False,
                      indent=1) + "\n"
