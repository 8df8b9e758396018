"""The mentor list and the mentee records: parsing, validation and the choice of a mentor.

Mentors edit ``Project:Wikitours/Mentors.json`` themselves (contracts §7), so the list is
hostile input: every problem becomes a readable :class:`~tours.model.Problem` with the line and
column in the page, and one mentor's typo drops only that entry, never the whole mentoring.

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

import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from tours.model import Problem
from tours.problemkinds import json_error_text
from tours.problemtext import T, Text

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
MAX_LIST_BYTES = 1_000_000
MAX_INTRO = 500
NOTIFY = ("digest", "each")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Characters MediaWiki never allows in user names (plus ``/`` and ``:``, which would make
#: a talk page title point somewhere else).
_BAD_USER = re.compile(r"[#<>\[\]|{}/:@\x00-\x1f\x7f\ufffd]")
_KNOWN = {"username", "languages", "weight", "capacity", "away-until", "intro", "notify"}


def normalize_user(name: str) -> str:
    """A user name as MediaWiki stores it: spaces for underscores, first letter upper case."""
    name = " ".join(name.replace("_", " ").split())
    return name[:1].upper() + name[1:]


def is_valid_user(name: str) -> bool:
    """Whether *name* can be a user name whose talk page the bot may address."""
    return bool(name) and len(name.encode()) <= 255 and not _BAD_USER.search(name)


@dataclass(frozen=True)
class Mentor:
    """One entry of the mentor list (contracts §7)."""

    username: str
    languages: tuple[str, ...] = ()
    weight: int = 1
    capacity: int = 20
    away_until: date | None = None
    intro: str = ""
    notify: str = "digest"

    def is_away(self, today: date) -> bool:
        return self.away_until is not None and today <= self.away_until


@dataclass(frozen=True)
class Mentee:
    """One entry of ``Project:Wikitours/Mentees/<Mentor>.json``.

    ``username``, ``assigned`` and ``reason`` are the contract; ``notified`` (when the mentor
    was told) and ``from`` (the previous mentor of a reassigned mentee) are optional additions
    that readers may ignore.
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


@dataclass(frozen=True)
class Reassignment:
    """Move *mentee* from *old* to *new* (None when no mentor has room)."""

    mentee: Mentee
    old: str
    new: str | None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _entry_offsets(text: str) -> list[int]:
    """Character offsets where each element of the ``mentors`` array starts (best effort)."""
    match = re.search(r'"mentors"\s*:\s*\[', text)
    if not match:
        return []
    decoder = json.JSONDecoder()
    offsets, i = [], match.end()
    while i < len(text):
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            break
        offsets.append(i)
        try:
            _, i = decoder.raw_decode(text, i)
        except ValueError:
            break
    return offsets


def parse_mentor_list(text: str, source: str = "Project:Wikitours/Mentors.json",
                      ) -> tuple[tuple[Mentor, ...], tuple[Problem, ...]]:
    """Parse and validate the mentor list; return the usable mentors and every problem."""
    problems: list[Problem] = []

    def problem(offset: int, message: Text, hint: Text, severity: str = "error") -> None:
        line, column = _position(text, offset)
        problems.append(Problem(source, line, column, message, hint,
                                severity))  # type: ignore[arg-type]

    shape = T("wikitours-hint-mentors-shape", '{"mentors": [{"username": "Ada"}]}')
    if len(text.encode()) > MAX_LIST_BYTES:
        problem(0, T("wikitours-problem-mentors-too-large", str(MAX_LIST_BYTES)),
                T("wikitours-hint-mentors-too-large"))
        return (), tuple(problems)
    try:
        data = json.loads(text)
    except ValueError as error:
        pos = getattr(error, "pos", 0) or 0
        problem(pos, T("wikitours-problem-json-invalid", json_error_text(error)), shape)
        return (), tuple(problems)
    if not isinstance(data, dict) or not isinstance(data.get("mentors"), list):
        problem(0, T("wikitours-problem-mentors-no-list", '"mentors"'), shape)
        return (), tuple(problems)
    offsets = _entry_offsets(text)
    mentors: list[Mentor] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["mentors"]):
        at = offsets[index] if index < len(offsets) else 0
        label = f"mentors[{index + 1}]"
        if not isinstance(entry, dict):
            problem(at, T("wikitours-problem-mentors-entry-not-object", label),
                    T("wikitours-hint-mentors-write", '{"username": "NAME", …}'))
            continue
        name = entry.get("username")
        if not isinstance(name, str) or not name.strip():
            problem(at, T("wikitours-problem-mentors-entry-no-username", label, "username"),
                    T("wikitours-hint-mentors-add", '"username": "NAME"'))
            continue
        name = normalize_user(name)
        if not is_valid_user(name):
            problem(at, T("wikitours-problem-mentors-invalid-user-name", label, repr(name)),
                    T("wikitours-hint-mentors-user-name-characters", "# < > [ ] | { } / : @"))
            continue
        if name in seen:
            problem(at, T("wikitours-problem-mentors-listed-twice", label, name),
                    T("wikitours-hint-mentors-remove-one"))
            continue
        bad = False
        for key in sorted(set(entry) - _KNOWN):
            problem(at, T("wikitours-problem-mentors-unknown-field", label, key),
                    T("wikitours-hint-mentors-known-fields", ", ".join(sorted(_KNOWN))), "warning")
        languages = entry.get("languages", [])
        if not isinstance(languages, list) or not all(
                isinstance(x, str) and _LANG.match(x.strip().lower()) for x in languages):
            problem(at, T("wikitours-problem-mentors-languages", label, "languages", '"de"'),
                    T("wikitours-hint-mentors-write", '"languages": ["en", "de"]'))
            languages, bad = [], True
        weight = entry.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            problem(at, T("wikitours-problem-mentors-whole-number", label, "weight", "0", "100"),
                    T("wikitours-hint-mentors-weight"))
            weight, bad = 1, True
        capacity = entry.get("capacity", 20)
        if (isinstance(capacity, bool) or not isinstance(capacity, int)
                or not 0 <= capacity <= 10000):
            problem(at, T("wikitours-problem-mentors-whole-number", label, "capacity", "0",
                          "10000"),
                    T("wikitours-hint-mentors-capacity"))
            capacity, bad = 20, True
        away = entry.get("away-until")
        away_until = None
        if away not in (None, ""):
            try:
                if not isinstance(away, str) or not _DATE.match(away):
                    raise ValueError
                away_until = date.fromisoformat(away)
            except ValueError:
                problem(at, T("wikitours-problem-mentors-date", label, "away-until", "2026-12-31"),
                        T("wikitours-hint-mentors-away-until"))
                bad = True
        intro = entry.get("intro", "")
        if not isinstance(intro, str):
            problem(at, T("wikitours-problem-mentors-intro-not-text", label, "intro"),
                    T("wikitours-hint-mentors-write", '"intro": "…"'))
            intro, bad = "", True
        if len(intro) > MAX_INTRO:
            problem(at, T("wikitours-problem-mentors-intro-too-long", label, "intro", MAX_INTRO),
                    T("wikitours-hint-mentors-intro-too-long"), "warning")
            intro = intro[:MAX_INTRO]
        notify = entry.get("notify", "digest")
        if notify not in NOTIFY:
            problem(at, T("wikitours-problem-mentors-notify", label, "notify", "digest", "each"),
                    T("wikitours-hint-mentors-notify", "digest", "each"))
            notify, bad = "digest", True
        if bad:
            # A broken entry might mean "not now": better no mentees than wrong ones.
            continue
        seen.add(name)
        mentors.append(Mentor(name, tuple(x.strip().lower() for x in languages), weight,
                              capacity, away_until, intro.strip(), notify))
    return tuple(mentors), tuple(problems)


def parse_record(text: str) -> tuple[Mentee, ...]:
    """Mentees of one record page; malformed entries are dropped (the bot rewrites the page)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return ()
    entries = data.get("mentees") if isinstance(data, dict) else None
    out, seen = [], set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("username"), str):
            continue
        name = normalize_user(entry["username"])
        if not is_valid_user(name) or name in seen:
            continue
        seen.add(name)
        text_of = (lambda key: entry.get(key) if isinstance(entry.get(key), str) else "")
        out.append(Mentee(name, text_of("assigned"), text_of("reason") or "new-account",
                          text_of("notified"), text_of("from")))
    return tuple(out)


def render_record(mentees: Iterable[Mentee]) -> str:
    """The record page text: stable, readable JSON."""
    return json.dumps({"mentees": [m.as_json() for m in mentees]}, ensure_ascii=False,
                      indent=1) + "\n"


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
