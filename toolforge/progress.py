"""What a learner has verifiably done, and what that earns: pure functions, no I/O.

The input is the text of ``User:NAME/wikitours.json`` (contracts §5) that
:mod:`toolforge.wikiclient` has already accepted as written by NAME. From it and the tour
library this module derives completed tours, earned badges (badges may require other badges:
pathways and the trainer badge), what is still missing for each badge, and the "may need a
hand" hints a mentor sees. Keeping it pure means every rule is tested without a wiki.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from tours.model import Badge, Library

__all__ = [
    "STATUSES",
    "TourProgress",
    "Progress",
    "parse_progress",
    "completed_tours",
    "earned_badges",
    "BadgeStatus",
    "badge_statuses",
    "pathways",
    "Contribution",
    "Hint",
    "needs_a_hand",
    "parse_time",
]

STATUSES = ("started", "completed", "dismissed")
#: A progress page larger than this is not read (a real one is well under a kilobyte per tour).
MAX_PROGRESS_BYTES = 256 * 1024


@dataclass(frozen=True)
class TourProgress:
    """One tour's entry in a learner's progress page."""

    tour: str
    status: str
    version: int = 1
    step: str = ""
    started: str = ""
    updated: str = ""
    completed: str = ""
    #: Revision ids the gadget recorded when a step ended in a saved edit: ``(step id, revid)``.
    #: Claims only: :mod:`toolforge.evidence` checks each one on the wiki.
    edits: tuple[tuple[str, int], ...] = ()
    #: The last completed run, kept when a completed tour is started again (contracts §5): a
    #: ``completed`` entry of its own, so a restart never takes a completion or its evidence away.
    completion: TourProgress | None = None

    def completed_run(self) -> TourProgress | None:
        """The run that completed the tour: this entry when completed, else the kept one."""
        return self if self.status == "completed" else self.completion


#: Recorded edits read per tour at most (a tour has a handful of saved steps).
MAX_EDITS = 20
_STEP_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _edits(value: Any) -> tuple[tuple[str, int], ...]:
    """The ``edits`` object of an entry, keeping only step id → positive revision id pairs."""
    if not isinstance(value, dict):
        return ()
    out = []
    for step, revid in list(value.items())[:MAX_EDITS]:
        if (isinstance(step, str) and len(step) <= 64 and _STEP_ID.fullmatch(step)
                and isinstance(revid, int) and not isinstance(revid, bool) and 0 < revid < 2**53):
            out.append((step, revid))
    return tuple(out)


@dataclass(frozen=True)
class Progress:
    """A learner's accepted progress page: who, which revision, and each tour's entry."""

    username: str
    tours: tuple[TourProgress, ...] = ()
    revision: int = 0
    timestamp: str = ""

    def tour(self, tour_id: str) -> TourProgress | None:
        return next((t for t in self.tours if t.tour == tour_id), None)


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 time (``2026-11-25T10:05:00Z``) as an aware datetime, or None if invalid."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _text(value: Any, limit: int = 64) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_progress(text: str, page: str = "wikitours.json") -> tuple[tuple[TourProgress, ...],
                                                                     list[str]]:
    """The tour entries of a progress page, and problems as ``PAGE: what is wrong`` lines.

    Entries that are malformed are dropped one by one with a problem, so a single bad entry
    never hides the learner's other tours. Unknown statuses are not completions.
    """
    if len(text.encode("utf-8")) > MAX_PROGRESS_BYTES:
        return (), [f"{page}: the page is larger than {MAX_PROGRESS_BYTES} bytes; not read"]
    try:
        data = json.loads(text)
    except ValueError as error:
        return (), [f"{page}: not valid JSON ({error}); the gadget rewrites it on the next tour"]
    if not isinstance(data, dict):
        return (), [f"{page}: expected a JSON object with \"format\" and \"tours\""]
    problems: list[str] = []
    if data.get("format") != 1:
        problems.append(f"{page}: unknown \"format\" {data.get('format')!r}; expected 1")
        return (), problems
    tours = data.get("tours")
    if not isinstance(tours, dict):
        return (), problems + [f"{page}: \"tours\" must be an object of tour id → entry"]
    entries = []
    for tour_id, entry in tours.items():
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            problems.append(f"{page}: tour {tour_id[:64]!r}: \"status\" must be one of "
                            f"{', '.join(STATUSES)}")
            continue
        kept = entry.get("completion")
        completion = None
        if (isinstance(kept, dict) and isinstance(kept.get("completed"), str)
                and entry["status"] != "completed"):
            completion = _entry(tour_id, {**kept, "status": "completed"})
        elif kept is not None:
            problems.append(f"{page}: tour {tour_id[:64]!r}: \"completion\" must be an object "
                            "beside a status other than completed; ignored")
        entries.append(replace(_entry(tour_id, entry), completion=completion))
    return tuple(entries), problems


def _entry(tour_id: str, entry: dict) -> TourProgress:
    version = entry.get("version", 1)
    return TourProgress(
        tour=tour_id[:64], status=entry["status"],
        version=version if isinstance(version, int) and not isinstance(version, bool) else 1,
        step=_text(entry.get("step")), started=_text(entry.get("started"), 32),
        updated=_text(entry.get("updated"), 32), completed=_text(entry.get("completed"), 32),
        edits=_edits(entry.get("edits")),
    )


def completed_tours(progress: Progress | None, library: Library) -> frozenset[str]:
    """Tours of *library* whose entry is ``completed`` or keeps a completed run (any version: a
    badge once earned for a tour stays earned when the tour is revised or taken again)."""
    if progress is None:
        return frozenset()
    known = {t.id for t in library.tours}
    return frozenset(t.tour for t in progress.tours
                     if t.completed_run() is not None and t.tour in known)


def _satisfied(badge: Badge, tours: frozenset[str], held: set[str]) -> bool:
    return all(t in tours for t in badge.requires_tours) and all(
        b in held for b in badge.requires_badges)


def earned_badges(tours: Iterable[str], library: Library) -> tuple[str, ...]:
    """Badge ids earned by completing *tours*, in library order.

    Badges made of badges are resolved to a fixed point, so a trainer badge that needs the
    pathway badges, which need tour badges, is earned in one call. A badge with no
    requirements at all is never earned (it would be given to everyone).
    """
    done = frozenset(tours)
    held: set[str] = set()
    changed = True
    while changed:
        changed = False
        for badge in library.badges:
            if badge.id in held or not (badge.requires_tours or badge.requires_badges):
                continue
            if _satisfied(badge, done, held):
                held.add(badge.id)
                changed = True
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
