"""Recognition that respects people: a learner's practice per skill, streaks and levels.

Everything here is computed from checked task edits (:mod:`practice.verify`), never from
claims. Levels and the streak unit are the wiki's choice (its task types page); a learner's
practice is shown publicly only when they say so in their own progress page (``"public":
["practice"]``), and there is no leaderboard unless the wiki switches one on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from contracts.progress import parse_time

from .tasktypes import TaskConfig, TaskType
from .verify import TaskCheck

__all__ = ["Skill", "Practice", "practice", "streak", "level", "shares_practice", "Thanks",
           "practice_started", "count_thanks", "has_extension", "Leader", "SkillBoard",
           "leaderboard"]


@dataclass(frozen=True)
class Skill:
    """One skill (a badge the task types count toward): kept edits and the level they reach."""

    badge: str
    kept: int
    pending: int
    level: int
    next_at: int | None  # kept edits needed for the next level, None at the top


@dataclass(frozen=True)
class Practice:
    skills: tuple[Skill, ...]
    kept: int
    pending: int
    failed: int
    streak: int  # consecutive days (or weeks) up to now with a kept task edit
    unit: str


def level(kept: int, levels: Iterable[int]) -> tuple[int, int | None]:
    """``(level, edits needed for the next level)``: level 0 before the first threshold."""
    thresholds = list(levels)
    reached = sum(1 for n in thresholds if kept >= n)
    return reached, thresholds[reached] if reached < len(thresholds) else None


def _period(day: date, unit: str) -> int:
    return day.toordinal() // 7 if unit == "week" else day.toordinal()


def streak(days: Iterable[date], today: date, unit: str = "day") -> int:
    """Consecutive periods ending in the current one or the one before it (a streak is not lost
    until a whole period has passed without practice)."""
    periods = {_period(d, unit) for d in days}
    now = _period(today, unit)
    start = now if now in periods else now - 1
    count = 0
    while start - count in periods:
        count += 1
    return count


def practice(checks: Iterable[TaskCheck], config: TaskConfig, now: datetime) -> Practice:
    """A learner's practice from their checked task edits."""
    checks = list(checks)
    types: Mapping[str, TaskType] = {t.id: t for t in config.types}
    per: dict[str, list[int]] = {}
    days = []
    for c in checks:
        t = types.get(c.entry.type)
        skill = (t.badge or t.id) if t else c.entry.type
        counts = per.setdefault(skill, [0, 0])
        if c.status == "ok":
            counts[0] += 1
            moment = parse_time(c.timestamp)
            if moment is not None:
                days.append(moment.date())
        elif c.status == "pending":
            counts[1] += 1
    skills = []
    for badge, (kept, pending) in sorted(per.items()):
        reached, next_at = level(kept, config.levels)
        skills.append(Skill(badge, kept, pending, reached, next_at))
    return Practice(tuple(skills), sum(1 for c in checks if c.status == "ok"),
                    sum(1 for c in checks if c.status == "pending"),
                    sum(1 for c in checks if c.status == "failed"),
                    streak(days, now.date(), config.streak), config.streak)


def shares_practice(data: Any) -> bool:
    """Whether the learner chose to show their practice publicly (``"public": ["practice"]``
    in their own progress page). Absent means private: mentors still see it."""
    public = data.get("public") if isinstance(data, dict) else None
    return isinstance(public, list) and "practice" in public


# --- thanks received (where the wiki has the Thanks extension) --------------------------------

@dataclass(frozen=True)
class Thanks:
    """Thanks a learner received since their first practice edit, from the wiki's public thanks
    log. The log says who thanked whom and when, not for which edit (that link lives only in
    the recipient's private notifications), so this is a count over the practice period, not
    per task edit; *more* says the log had more entries than were read."""

    count: int
    since: str
    more: bool = False


def practice_started(checks: Iterable[TaskCheck]) -> str | None:
    """The time of the learner's first task edit that did the task (kept or still waiting),
    the start of the period their thanks are counted over; None without one."""
    times = [(moment, c.timestamp) for c in checks if c.status in ("ok", "pending")
             for moment in [parse_time(c.timestamp)] if moment is not None]
    return min(times)[1] if times else None


def _user_part(title: str) -> str:
    rest = title.split(":", 1)[1] if ":" in title else title
    rest = " ".join(rest.replace("_", " ").split())
    return rest[:1].upper() + rest[1:]


def count_thanks(events: Any, recipient: str, since: str, more: bool = False) -> Thanks:
    """Count ``list=logevents&letype=thanks`` entries addressed to *recipient*'s user page
    (namespace 2, whatever the wiki calls it) at or after *since*. Anything else in the answer
    (other log types, other pages, hidden or malformed entries) counts for nothing."""
    start = parse_time(since)
    count = 0
    if start is not None and isinstance(events, list):
        for event in events[:5000]:
            if not isinstance(event, dict) or event.get("type") != "thanks" \
                    or event.get("action") != "thank" or event.get("ns") != 2 \
                    or event.get("actionhidden"):
                continue
            title, when = event.get("title"), parse_time(event.get("timestamp", ""))
            if isinstance(title, str) and _user_part(title) == _user_part(":" + recipient) \
                    and when is not None and when >= start:
                count += 1
    return Thanks(count, since, more)


def has_extension(extensions: Any, name: str) -> bool:
    """Whether siteinfo's ``extensions`` list names *name* (e.g. ``Thanks``)."""
    return isinstance(extensions, list) and any(
        isinstance(e, dict) and e.get("name") == name for e in extensions)


# --- the leaderboard (only when the wiki switches it on) -------------------------------------

@dataclass(frozen=True)
class Leader:
    name: str
    kept: int


@dataclass(frozen=True)
class SkillBoard:
    """One skill's table: learners who chose to show their practice, most kept edits first."""

    badge: str
    leaders: tuple[Leader, ...]


def leaderboard(learners: Iterable[tuple[str, Practice, bool]], limit: int = 20
                ) -> tuple[SkillBoard, ...]:
    """Per skill, the learners with kept edits in it, most first (ties by name), at most
    *limit* each. *learners* are ``(name, practice, public)``: a learner who did not choose to
    show their practice is never listed, whatever they did."""
    per: dict[str, list[Leader]] = {}
    for name, summary, public in learners:
        if not public:
            continue
        for skill in summary.skills:
            if skill.kept > 0:
                per.setdefault(skill.badge, []).append(Leader(name, skill.kept))
    return tuple(SkillBoard(badge, tuple(sorted(rows, key=lambda r: (-r.kept, r.name))[:limit]))
                 for badge, rows in sorted(per.items()))
