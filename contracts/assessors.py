"""The assessors page, ``Project:Wikitours/Assessors.json`` (contracts §13): read here.

``{"assessors": [{"username": "Ada", "skills": ["facilitation"]}]}`` (no ``skills``: every
skill). An entry counts only when the revision that added or last changed it was made by an
administrator of the wiki, so anyone may propose an assessor but only admins appoint one:
:func:`authorised` is that rule over the page's history (the app reads the history and the
admins' groups, ``toolforge/assessors.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from contracts.users import is_valid_user, normalize_user

__all__ = ["ASSESSORS_PAGE", "Assessor", "parse_assessors", "authorised"]

ASSESSORS_PAGE = "Project:Wikitours/Assessors.json"


@dataclass(frozen=True)
class Assessor:
    """An authorised assessor: who, for which skills (empty: all), and which admin added them."""

    username: str
    skills: tuple[str, ...] = ()
    added_by: str = ""
    revid: int = 0

    def may_award(self, skill: str) -> bool:
        return not self.skills or skill in self.skills


def parse_assessors(text: str) -> dict[str, tuple[str, ...]]:
    """Entries of one revision of the page: user name → skills; malformed entries dropped."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    entries = data.get("assessors") if isinstance(data, dict) else None
    out: dict[str, tuple[str, ...]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("username"), str):
            continue
        name = normalize_user(entry["username"])
        if not is_valid_user(name):
            continue
        skills = entry.get("skills")
        out[name] = tuple(s for s in skills if isinstance(s, str))[:20] \
            if isinstance(skills, list) else ()
    return out


def authorised(history: list[tuple[int, str, str]], admins: set[str]) -> dict[str, Assessor]:
    """The assessors whose entry, as it stands in the latest revision, an admin put there.

    *history* is ``(revid, user, text)`` oldest first; *admins* the wiki's current sysops.
    """
    last_change: dict[str, tuple[int, str]] = {}
    previous: dict[str, tuple[str, ...]] = {}
    for revid, user, text in history:
        entries = parse_assessors(text)
        for name, skills in entries.items():
            if previous.get(name) != skills:
                last_change[name] = (revid, user)
        previous = entries
    return {name: Assessor(name, skills, last_change[name][1], last_change[name][0])
            for name, skills in previous.items()
            if name in last_change and last_change[name][1] in admins}
