"""What a learner has verifiably done, and what that earns: pure functions, no I/O.

The input is the text of ``User:NAME/wikitours.json`` (contracts §5) that
:mod:`toolforge.wikiclient` has already accepted as written by NAME. From it and the tour
library this module derives completed tours, earned badges (badges may require other badges:
pathways and the trainer badge), what is still missing for each badge, and the "may need a
hand" hints a mentor sees. Keeping it pure means every rule is tested without a wiki.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping, TypeVar

from contracts.progress import (  # noqa: F401  (the record, as the app's modules use it)
    STATUSES, Progress, TourProgress, parse_progress, parse_time)
from tours.model import Badge, Library

__all__ = [
    "STATUSES",
    "TourProgress",
    "Progress",
    "parse_progress",
    "completed_tours",
    "earned_badges",
    "resolve_badges",
    "BadgeStatus",
    "badge_statuses",
    "pathways",
    "Contribution",
    "Hint",
    "needs_a_hand",
    "parse_time",
]

def completed_tours(progress: Progress | None, library: Library) -> frozenset[str]:
    """Tours of *library* whose entry is ``completed`` or keeps a completed run (any version: a
    badge once earned for a tour stays earned when the tour is revised or taken again)."""
    if progress is None:
        return frozenset()
    known = {t.id for t in library.tours}
    return frozenset(t.tour for t in progress.tours
                     if t.completed_run() is not None and t.tour in known)


E = TypeVar("E")


def resolve_badges(library: Library, earn: Callable[[Badge], E | None],
                   held: Mapping[str, E] | None = None) -> dict[str, E]:
    """Badges held once badges made of badges are resolved to a fixed point: *held* (already
    held) plus every badge whose required badges are held and for which ``earn(badge)`` gives
    a value (``None``: its own requirement, tours or their evidence, is not met).

    The one place for the loop, so the app's two views of a learner (tours completed:
    :func:`earned_badges`; edits checked: :func:`toolforge.evidence.earned`) cannot resolve
    pathways differently. A trainer badge that needs pathway badges, which need tour badges,
    is earned in one call, whatever the order of the library. A badge with no requirement at
    all is never earned (it would be given to everyone). *earn* is asked only when the
    badge's required badges are held.
    """
    out: dict[str, E] = dict(held or {})
    changed = True
    while changed:
        changed = False
        for badge in library.badges:
            if badge.id in out or not (badge.requires_tours or badge.requires_badges):
                continue
            if not all(b in out for b in badge.requires_badges):
                continue
            value = earn(badge)
            if value is not None:
                out[badge.id] = value
                changed = True
    return out


def earned_badges(tours: Iterable[str], library: Library) -> tuple[str, ...]:
    """Badge ids earned by completing *tours*, in library order.

    Badges made of badges are resolved to a fixed point, so a trainer badge that needs the
    pathway badges, which need tour badges, is earned in one call. A badge with no
    requirements at all is never earned (it would be given to everyone).
    """
    done = frozenset(tours)
    held = resolve_badges(
        library, lambda badge: True if all(t in done for t in badge.requires_tours) else None)
    return tuple(b.id for b in library.badges if b.id in held)


@dataclass(frozen=True)
class BadgeStatus:
    """How far a learner is from one badge: what is done and what is still missing."""

    badge: str
    earned: bool
    missing_tours: tuple[str, ...] = ()
    missing_badges: tuple[str, ...] = ()
    is_pathway: bool = False


def badge_statuses(tours: Iterable[str], library: Library) -> tuple[BadgeStatus, ...]:
    """One :class:`BadgeStatus` per badge of the library, in library order."""
    done = frozenset(tours)
    held = set(earned_badges(done, library))
    return tuple(
        BadgeStatus(
            badge=b.id, earned=b.id in held,
            missing_tours=tuple(t for t in b.requires_tours if t not in done),
            missing_badges=tuple(x for x in b.requires_badges if x not in held),
            is_pathway=bool(b.requires_badges),
        )
        for b in library.badges
    )


def pathways(library: Library) -> tuple[Badge, ...]:
    """Badges made of other badges (pathways, and the trainer badge)."""
    return tuple(b for b in library.badges if b.requires_badges)


@dataclass(frozen=True)
class Contribution:
    """One public edit from ``list=usercontribs``."""

    user: str
    title: str
    timestamp: str
    revid: int = 0
    comment: str = ""
    tags: tuple[str, ...] = ()

    @property
    def reverted(self) -> bool:
        # MediaWiki 1.36+ tags an edit "mw-reverted" when a later edit undoes it.
        return "mw-reverted" in self.tags


@dataclass(frozen=True)
class Hint:
    """Why a mentor might look in on a mentee. *code* picks the message, *detail* fills it."""

    code: str  # "stuck", "reverted", "inactive", "no-edits"
    detail: str = ""


#: Thresholds of the "may need a hand" rules; mentors' needs differ, so they are settings.
DEFAULT_RULES = {"stuck_days": 3, "inactive_days": 14, "new_days": 7}


def needs_a_hand(
    progress: Progress | None, contributions: Iterable[Contribution], now: datetime,
    *, assigned: str = "", rules: dict[str, int] | None = None,
) -> tuple[Hint, ...]:
    """Hints for one mentee, most useful first.

    - ``stuck``: a tour started but not finished or dismissed, untouched for ``stuck_days``
      (detail: the tour id).
    - ``reverted``: an edit of theirs among *contributions* was reverted (detail: the count).
    - ``inactive``: no edit for ``inactive_days`` though they have edited before.
    - ``no-edits``: assigned more than ``new_days`` ago and not a single edit yet.
    """
    r = {**DEFAULT_RULES, **(rules or {})}
    hints: list[Hint] = []
    edits = list(contributions)
    if progress is not None:
        for entry in progress.tours:
            if entry.status != "started":
                continue
            moment = parse_time(entry.updated) or parse_time(entry.started)
            if moment and now - moment >= timedelta(days=r["stuck_days"]):
                hints.append(Hint("stuck", entry.tour))
    reverted = sum(1 for e in edits if e.reverted)
    if reverted:
        hints.append(Hint("reverted", str(reverted)))
    times = [t for t in (parse_time(e.timestamp) for e in edits) if t]
    if times:
        if now - max(times) >= timedelta(days=r["inactive_days"]):
            hints.append(Hint("inactive", str((now - max(times)).days)))
    else:
        since = parse_time(assigned)
        if since and now - since >= timedelta(days=r["new_days"]):
            hints.append(Hint("no-edits", str((now - since).days)))
    return tuple(hints)
