"""Recognition that respects people: a learner's practice per skill, streaks and levels.

Everything here is computed from checked task edits (:mod:`practice.verify`), never from
claims. Levels and the streak unit are the wiki's choice (its task types page); a learner's
practice is shown publicly only when they say so in their own progress page (``"public":
["practice"]``), and there is no leaderboard unless the wiki switches one on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping

from contracts.progress import parse_time

from .tasktypes import TaskConfig, TaskType
from .verify import TaskCheck

__all__ = ["Skill", "Practice", "practice", "streak", "level", "shares_practice"]


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
