"""The choice of a mentor, over the mentor list and the mentee records.

Both pages are read and written by :mod:`contracts.mentorlist` and :mod:`contracts.mentees`
(contracts §7); here the list's problems become :class:`~tours.model.Problem` values the bot
reports, and the choice is made.

The choice is pure (the caller passes the date, the current loads and a seeded random source),
so it is tested without a wiki:

- a mentor who is away (``away-until`` today or later), full (active mentees ≥ ``capacity``)
  or has ``weight`` 0 gets no one;
- among the others, those who speak the newcomer's language are preferred when it is known;
- the choice is random, weighted by ``weight``.

A mentee is *active* for ``ACTIVE_DAYS`` days after assignment; only active mentees count
against capacity and are moved when their mentor leaves the list or goes away.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from contracts import mentees, mentorlist
from contracts.mentees import Mentee, render_record
from contracts.mentorlist import MAX_LIST_BYTES, Mentor
from contracts.users import is_valid_user, normalize_user
from tours.model import Problem
from tours.problemkinds import from_message

__all__ = [
    "ACTIVE_DAYS",
    "Mentor",
    "Mentee",
    "Reassignment",
    "parse_mentor_list",
    "parse_record",
    "render_record",
    "normalize_user",
    "is_valid_user",
    "active",
    "loads",
    "choose",
    "plan_reassignments",
]

ACTIVE_DAYS = 90


@dataclass(frozen=True)
class Reassignment:
    """Move *mentee* from *old* to *new* (None when no mentor has room)."""

    mentee: Mentee
    old: str
    new: str | None


def parse_mentor_list(text: str, source: str = "Project:Wikitours/Mentors.json",
                      ) -> tuple[tuple[Mentor, ...], tuple[Problem, ...]]:
    """The mentor list (:func:`contracts.mentorlist.parse_mentor_list`) with its problems as
    the compiler's :class:`~tours.model.Problem` values, ready to print or report on the wiki."""
    mentors, issues = mentorlist.parse_mentor_list(text)
    return mentors, tuple(Problem(source, i.line, i.column, from_message(i.message), from_message(i.hint),
                                  i.severity) for i in issues)


def parse_record(text: str) -> tuple[Mentee, ...]:
    """Mentees of one record page; malformed entries are dropped (the bot rewrites the page)."""
    return mentees.parse_record(text)[0]


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def active(mentee: Mentee, now: datetime, days: int = ACTIVE_DAYS) -> bool:
    """Whether a mentee still counts as the mentor's (assigned less than *days* ago)."""
    moment = _parse_time(mentee.assigned)
    return moment is not None and now - moment < timedelta(days=days)


def loads(records: Mapping[str, Sequence[Mentee]], now: datetime,
          days: int = ACTIVE_DAYS) -> dict[str, int]:
    """Active mentees per mentor."""
    return {mentor: sum(active(m, now, days) for m in mentees)
            for mentor, mentees in records.items()}


def _speaks(mentor: Mentor, language: str) -> bool:
    base = language.split("-")[0]
    return any(lang == language or lang.split("-")[0] == base for lang in mentor.languages)


def choose(mentors: Sequence[Mentor], load: Mapping[str, int], languages: Sequence[str],
           today: date, rng: random.Random, exclude: Iterable[str] = ()) -> Mentor | None:
    """Pick a mentor for a newcomer who speaks *languages* (best first; may be empty).

    Returns None when every mentor is away, full or excluded.
    """
    excluded = set(exclude)
    eligible = [m for m in mentors
                if m.weight > 0 and not m.is_away(today) and m.username not in excluded
                and load.get(m.username, 0) < m.capacity]
    for language in languages:
        speakers = [m for m in eligible if _speaks(m, language)]
        if speakers:
            eligible = speakers
            break
    if not eligible:
        return None
    return rng.choices(eligible, weights=[m.weight for m in eligible])[0]


def plan_reassignments(mentors: Sequence[Mentor], records: Mapping[str, Sequence[Mentee]],
                       load: Mapping[str, int], now: datetime, rng: random.Random,
                       days: int = ACTIVE_DAYS) -> list[Reassignment]:
    """Active mentees of mentors who left the list or are away, each with a new mentor.

    *load* is updated in a copy as mentees are placed, so capacity holds across the plan.
    """
    by_name = {m.username: m for m in mentors}
    today = now.date()
    current = dict(load)
    plan: list[Reassignment] = []
    for old, mentees in sorted(records.items()):
        mentor = by_name.get(old)
        if mentor is not None and not mentor.is_away(today):
            continue
        for mentee in mentees:
            if not active(mentee, now, days):
                continue
            new = choose(mentors, current, (), today, rng, exclude={old, mentee.username})
            if new is not None:
                current[new.username] = current.get(new.username, 0) + 1
            plan.append(Reassignment(mentee, old, new.username if new else None))
    return plan


def with_notified(mentees: Iterable[Mentee], names: set[str], when: str) -> tuple[Mentee, ...]:
    """The record with *names* marked as told to their mentor at *when*."""
    return tuple(replace(m, notified=when) if m.username in names and not m.notified else m
                 for m in mentees)
