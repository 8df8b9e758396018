"""Per-newcomer outcomes from public wiki data: pure functions, no I/O.

Issue 9 defines them; this module is their one definition, so the app, the benchmark and the
tests agree. Every time window is measured from the newcomer's *registration time as the wiki
reports it* (``list=users``) to the *edit time stamps as the wiki reports them*
(``list=usercontribs``). The window lengths are parameters (:class:`Windows`) with the issue's
values as defaults, and "now" is a parameter too, so a test can evaluate real edits on a local
wiki with short windows instead of waiting days.

- ``activated_24h`` / ``activated_7d``: a first edit to a content namespace (``content`` in
  siteinfo; the main namespace by default) within 24 hours / 7 days of registration.
- ``constructive``: that first content edit (within 7 days) was not reverted within 48 hours.
  A revert is known from MediaWiki's revert tags: ``mw-reverted`` on the edit, and the time
  of the reverting edit (tagged ``mw-undo``, ``mw-rollback`` or ``mw-manual-revert``) on the
  same page. A reverted edit whose revert time is unknown counts as reverted in time (the
  conservative reading).
- ``retained``: any edit between day 15 and day 45 after registration.
- ``tours_started`` / ``tours_completed`` / ``badges``: from the learner's own, verified
  progress page (see :mod:`toolforge.wikiclient`).
- ``practised``: a task edit (practice on a real article, issue 19) within 7 days of
  registration: an edit the newcomer's progress page records under ``tasks`` that is one of
  their own contributions to a content namespace and is not tagged reverted.
- ``wrote_to_mentor``: an edit of theirs to ``User talk:<Mentor>`` (or a subpage of it); the
  fetch reads edits up to the end of the retention window (45 days).

An outcome is ``None`` while its window is still open at *now* and the answer could still
change (a newcomer registered yesterday who has not edited yet is not "not retained": they
are not measured yet). Reports count only newcomers whose outcome is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Iterable, Mapping

from .progress import Progress, parse_time

__all__ = ["Windows", "Edit", "Newcomer", "Outcome", "OUTCOMES", "REVERT_TAGS",
           "REVERTING_TAGS", "compute", "first_content_edit", "iso_week"]

#: On the reverted edit (MediaWiki 1.36+).
REVERT_TAGS = frozenset({"mw-reverted"})
#: On the edit that reverts.
REVERTING_TAGS = frozenset({"mw-undo", "mw-rollback", "mw-manual-revert"})
#: The yes/no outcomes, in the order reports show them.
OUTCOMES = ("activated_24h", "activated_7d", "constructive", "retained", "started_tour",
            "completed_tour", "earned_badge", "wrote_to_mentor", "practised")


@dataclass(frozen=True)
class Windows:
    """Window lengths; the defaults are issue 9's definitions."""

    activation_short: dt.timedelta = dt.timedelta(hours=24)
    activation_long: dt.timedelta = dt.timedelta(days=7)
    revert: dt.timedelta = dt.timedelta(hours=48)
    retention_start: dt.timedelta = dt.timedelta(days=15)
    retention_end: dt.timedelta = dt.timedelta(days=45)

    @classmethod
    def scaled(cls, factor: float) -> "Windows":
        """Every window multiplied by *factor* (tests: 1/3600 turns a day into 24 seconds)."""
        base = cls()
        return cls(**{f.name: getattr(base, f.name) * factor for f in fields(cls)})


@dataclass(frozen=True)
class Edit:
    """One public edit of the newcomer (``list=usercontribs``)."""

    revid: int
    timestamp: dt.datetime
    title: str
    ns: int
    tags: frozenset[str] = frozenset()
    size: int = 0

    @property
    def reverted(self) -> bool:
        return bool(self.tags & REVERT_TAGS)


@dataclass(frozen=True)
class Newcomer:
    """Who was welcomed, by whom mentored, and in which experiment arm (from the wiki)."""

    username: str
    mentor: str = ""
    experiment: str = ""
    variant: str = ""


@dataclass(frozen=True)
class Outcome:
    """One newcomer's outcomes. ``None`` means not known yet (window still open) or unknown."""

    username: str
    registration: str = ""  # ISO time, as the wiki reports it
    week: str = ""  # ISO week of registration, ``2026-W48``
    mentor: str = ""
    experiment: str = ""
    variant: str = ""
    first_tour: str = ""
    edits: int = 0
    activated_24h: bool | None = None
    activated_7d: bool | None = None
    constructive: bool | None = None
    retained: bool | None = None
    started_tour: bool | None = None
    completed_tour: bool | None = None
    earned_badge: bool | None = None
    wrote_to_mentor: bool | None = None
    practised: bool | None = None
    tours_started: int = 0
    tours_completed: int = 0
    badges: tuple[str, ...] = field(default=())

    def value(self, outcome: str) -> bool | None:
        if outcome not in OUTCOMES:
            raise KeyError(outcome)
        return getattr(self, outcome)


def iso_week(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def first_content_edit(edits: Iterable[Edit], registration: dt.datetime,
                       content_namespaces: frozenset[int]) -> Edit | None:
    """The earliest edit in a content namespace made at or after registration."""
    candidates = [e for e in edits if e.ns in content_namespaces and e.timestamp >= registration]
    return min(candidates, key=lambda e: (e.timestamp, e.revid), default=None)


def _within(edit: Edit | None, start: dt.datetime, length: dt.timedelta) -> bool:
    return edit is not None and start <= edit.timestamp < start + length


def _window(found: bool, closes: dt.datetime, now: dt.datetime) -> bool | None:
    """True once found; False once the window has closed without it; None until then."""
    if found:
        return True
    return False if now >= closes else None


def _is_mentor_talk(title: str, mentor: str) -> bool:
    if not mentor:
        return False
    page = f"User talk:{mentor}"
    return title == page or title.startswith(page + "/")


def compute(newcomer: Newcomer, registration: str, edits: Iterable[Edit], now: dt.datetime,
            *, progress: Progress | None = None, badges: Iterable[str] = (),
            reverted_at: Mapping[int, dt.datetime | None] | None = None,
            content_namespaces: frozenset[int] = frozenset({0}),
            windows: Windows = Windows()) -> Outcome:
    """The outcomes of one newcomer at *now*.

    *edits* are theirs (any order). *reverted_at* maps a revision id to when it was reverted
    (None: reverted, time unknown); edits tagged ``mw-reverted`` that it does not list are
    treated as reverted at an unknown time. *progress* is their verified progress (None:
    no page, or one not written by them: nothing started). *badges* are the badges that
    progress earns. Without a registration time nothing time-based is known.
    """
    edits = sorted(edits, key=lambda e: (e.timestamp, e.revid))
    started = tuple(t for t in (progress.tours if progress else ()))
    completed = [t for t in started if t.status == "completed"]
    first = min(started, key=lambda t: (parse_time(t.started) or dt.datetime.max.replace(
        tzinfo=dt.timezone.utc), t.tour), default=None)
    badges = tuple(badges)
    base = dict(
        username=newcomer.username, mentor=newcomer.mentor, experiment=newcomer.experiment,
        variant=newcomer.variant, first_tour=first.tour if first else "", edits=len(edits),
        started_tour=bool(started), completed_tour=bool(completed), earned_badge=bool(badges),
        tours_started=len(started), tours_completed=len(completed), badges=badges,
        wrote_to_mentor=any(e.ns == 3 and _is_mentor_talk(e.title, newcomer.mentor)
                            for e in edits) if newcomer.mentor else None,
    )
    registered = parse_time(registration)
    if registered is None:
        return Outcome(registration="", **base)
    w = windows
    first_edit = first_content_edit(edits, registered, content_namespaces)
    short = _window(_within(first_edit, registered, w.activation_short),
                    registered + w.activation_short, now)
    long = _window(_within(first_edit, registered, w.activation_long),
                   registered + w.activation_long, now)
    constructive: bool | None
    if long is None:
        constructive = None
    elif not long or first_edit is None:
        constructive = False
    else:
        constructive = _not_reverted(first_edit, reverted_at or {}, w.revert, now)
    retained = _window(
        any(registered + w.retention_start <= e.timestamp < registered + w.retention_end
            for e in edits),
        registered + w.retention_end, now)
    claimed = {t.revid for t in (progress.tasks if progress else ())}
    practised = _window(
        any(e.revid in claimed and e.ns in content_namespaces and not e.reverted
            and _within(e, registered, w.activation_long) for e in edits),
        registered + w.activation_long, now)
    return Outcome(registration=registration, week=iso_week(registered), activated_24h=short,
                   activated_7d=long, constructive=constructive, retained=retained,
                   practised=practised, **base)


def _not_reverted(edit: Edit, reverted_at: Mapping[int, dt.datetime | None],
                  window: dt.timedelta, now: dt.datetime) -> bool | None:
    if edit.revid in reverted_at or edit.reverted:
        when = reverted_at.get(edit.revid)
        if when is None or when < edit.timestamp + window:
            return False  # reverted in time, or at an unknown time (the conservative reading)
        # reverted, but only after the window: it was constructive for 48 hours
    return True if now >= edit.timestamp + window else None
