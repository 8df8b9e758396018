"""Whether the edits a progress record names really show what a badge claims: pure functions.

A learner's ``User:NAME/wikitours.json`` (contracts §5) is a page anyone can type by hand, so a
``completed`` status proves nothing. What does prove something is the edit a tour ends in: the
gadget records its revision id under the step that waited for it (``"edits": {"publish": 123}``),
and the app looks that revision up on the wiki (:meth:`toolforge.wikiclient.WikiClient.revisions`).
This module decides, from the fetched revisions, whether each claim holds:

- the revision exists and is visible (neither the page nor the revision was deleted),
- the learner made it,
- on the page (or in the namespace) the step happens on,
- after the tour was started,
- it was not reverted (MediaWiki tags such edits ``mw-reverted``),
- for ``reference`` evidence, it adds a ``<ref>`` the previous revision did not have,
- and it is at least *keep* seconds old, so a revert or deletion soon after still counts.

Only tours whose claims all hold count for a badge with ``evidence``; a badge without it is
issued as "completed the tour" (:func:`earned`), never as a demonstrated skill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable, Mapping

from tours.model import Badge, Library, Step, Tour

from contracts.revisions import Revision, count_refs

from .progress import Progress, TourProgress, parse_time, resolve_badges

__all__ = ["Revision", "Edit", "TourCheck", "Earned", "claimed_revisions", "check_tour",
           "check_progress", "earned", "count_refs", "step_page_matches",
           "KIND_EVIDENCE", "KIND_COMPLETION"]

KIND_EVIDENCE = "evidence"
KIND_COMPLETION = "completion"
_USER_NS, _USER_TALK_NS = 2, 3


@dataclass(frozen=True)
class Edit:
    """A verified edit: the evidence an assertion carries (a diff link and what was checked)."""

    tour: str
    step: str
    revid: int
    title: str
    timestamp: str


@dataclass(frozen=True)
class TourCheck:
    """The verdict on one tour's claimed edits.

    *status* is ``ok``, ``pending`` (true so far but younger than the keep delay) or
    ``failed``; *reason* names the first failed rule (``no-edit``, ``deleted``, ``not-theirs``,
    ``wrong-page``, ``before-start``, ``reverted``, ``no-reference``, ``not-completed``).
    """

    tour: str
    status: str
    reason: str = ""
    edits: tuple[Edit, ...] = ()


def _rest(title: str) -> str:
    return title.split(":", 1)[1] if ":" in title else title


def _same_user(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        name = re.sub(r"[ _]+", " ", name).strip()
        return name[:1].upper() + name[1:]
    return bool(a) and norm(a) == norm(b)


def step_page_matches(step: Step, revision: Revision, username: str) -> bool:
    """Whether *revision* is on the page the step happens on (the gadget's rules, conditions.js)."""
    kind = step.page.kind
    rest = _rest(revision.title)
    if kind == "sandbox":
        return (revision.namespace == _USER_NS and rest.endswith("/sandbox")
                and _same_user(rest.removesuffix("/sandbox"), username))
    if kind == "user-page":
        return revision.namespace == _USER_NS and _same_user(rest, username)
    if kind == "user-talk":
        return revision.namespace == _USER_TALK_NS and _same_user(rest, username)
    if kind in ("title", "special"):
        return revision.title.replace("_", " ") == step.page.title.replace("_", " ")
    spaces = step.when.namespaces
    return not spaces or revision.namespace in spaces


def claimed_revisions(progress: Progress | None, library: Library) -> tuple[int, ...]:
    """Revision ids to fetch: those recorded under a ``saved`` step of a completed tour."""
    if progress is None:
        return ()
    ids: list[int] = []
    for entry in progress.tours:
        tour, run = library.tour(entry.tour), entry.completed_run()
        if tour is None or run is None:
            continue
        saved = {s.id for s in tour.steps if s.advance == "saved"}
        ids += [revid for step, revid in run.edits if step in saved]
    return tuple(dict.fromkeys(ids))


def check_tour(tour: Tour, entry: TourProgress | None, username: str,
               revisions: Mapping[int, Revision], kinds: Iterable[str], now: datetime,
               keep: timedelta = timedelta(0)) -> TourCheck:
    """Check one tour's claimed edits against the fetched *revisions* (see the module rules).

    At least one ``saved`` step must name an edit (a tour may skip some saved steps, e.g. in
    another editor), and every named edit must hold.
    """
    kinds = set(kinds)
    # a completed tour taken again keeps its completed run and that run's edits (contracts §5)
    entry = entry.completed_run() if entry is not None else None
    if entry is None:
        return TourCheck(tour.id, "failed", "not-completed")
    saved = {s.id: s for s in tour.steps if s.advance == "saved"}
    claims = [(step, revid) for step, revid in entry.edits if step in saved]
    if not claims:
        return TourCheck(tour.id, "failed", "no-edit")
    started = parse_time(entry.started)
    edits: list[Edit] = []
    pending = False
    for step_id, revid in claims:
        rev = revisions.get(revid)
        if rev is None or rev.missing:
            return TourCheck(tour.id, "failed", "deleted")
        if rev.hidden or not _same_user(rev.user, username):
            return TourCheck(tour.id, "failed", "not-theirs")
        if not step_page_matches(saved[step_id], rev, username):
            return TourCheck(tour.id, "failed", "wrong-page")
        moment = parse_time(rev.timestamp)
        if moment is None or started is None or moment < started:
            return TourCheck(tour.id, "failed", "before-start")
        if "mw-reverted" in rev.tags or rev.restored_later:
            return TourCheck(tour.id, "failed", "reverted")
        if "reference" in kinds and (rev.text is None or rev.parent_text is None
                                     or count_refs(rev.text) <= count_refs(rev.parent_text)):
            return TourCheck(tour.id, "failed", "no-reference")
        if now - moment < keep:
            pending = True
        edits.append(Edit(tour.id, step_id, revid, rev.title, rev.timestamp))
    return TourCheck(tour.id, "pending" if pending else "ok", "", tuple(edits))


def check_progress(progress: Progress | None, library: Library,
                   revisions: Mapping[int, Revision], now: datetime,
                   keep: timedelta = timedelta(0)) -> dict[tuple[str, str], TourCheck]:
    """``(badge, tour) → TourCheck`` for every tour an evidence-backed badge requires."""
    out: dict[tuple[str, str], TourCheck] = {}
    if progress is None:
        return out
    for badge in library.badges:
        if not badge.evidence:
            continue
        for tour_id in badge.requires_tours:
            tour = library.tour(tour_id)
            if tour is not None:
                out[(badge.id, tour_id)] = check_tour(
                    tour, progress.tour(tour_id), progress.username, revisions, badge.evidence,
                    now, keep)
    return out


@dataclass(frozen=True)
class Earned:
    """A badge the learner holds now: its kind and, for evidence-backed ones, the edits."""

    badge: str
    kind: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Standing:
    """Everything :func:`earned` concluded: held badges, and why others are not (yet) held."""

    earned: tuple[Earned, ...] = ()
    pending: tuple[str, ...] = ()
    checks: Mapping[tuple[str, str], TourCheck] = field(default_factory=dict)


def earned(progress: Progress | None, library: Library, revisions: Mapping[int, Revision],
           now: datetime, keep: timedelta = timedelta(0),
           issued: Iterable[str] = (),
           practice: Mapping[str, tuple[Edit, ...]] | None = None) -> Standing:
    """Badges earned, resolved to a fixed point like :func:`toolforge.progress.earned_badges`.

    A badge with ``evidence`` needs every required tour's check ``ok``; one without needs the
    tours ``completed`` and is of kind ``completion``. A badge with no requirement is never
    earned. *pending* lists badges that will be earned once their edits are old enough.
    *issued* are badges the learner already holds (not revoked): they count for pathways
    without their edits being looked up again. *practice* maps a badge to kept task edits on
    real articles (:mod:`practice.verify`, issue 19): they stand in for the evidence of a
    badge whose tours were completed but whose own claimed edits do not hold.
    """
    done = ({t.tour for t in progress.tours if t.completed_run() is not None} if progress
            else set())
    checks = check_progress(progress, library, revisions, now, keep)

    def tours_ok(badge: Badge) -> tuple[bool, bool, tuple[Edit, ...]]:
        if not badge.evidence:
            return all(t in done for t in badge.requires_tours), False, ()
        found = [checks.get((badge.id, t)) for t in badge.requires_tours]
        edits = tuple(e for c in found if c for e in c.edits)
        statuses = {c.status if c else "failed" for c in found}
        if statuses != {"ok"} and (practice or {}).get(badge.id) and all(
                t in done for t in badge.requires_tours):
            return True, False, tuple((practice or {})[badge.id])
        return statuses <= {"ok"}, statuses <= {"ok", "pending"} and "pending" in statuses, edits

    def earn(badge: Badge) -> Earned | None:
        ok, _, edits = tours_ok(badge)
        return Earned(badge.id, KIND_EVIDENCE if badge.evidence else KIND_COMPLETION,
                      edits) if ok else None

    held = resolve_badges(library, earn, {b: Earned(b, "issued") for b in issued})
    # Pending: not held, its required badges held, its edits only waiting to be old enough
    # (what the loop would have noted on its last round, when nothing changed any more).
    pending = {b.id for b in library.badges
               if b.id not in held and (b.requires_tours or b.requires_badges)
               and all(r in held for r in b.requires_badges) and tours_ok(b)[1]}
    return Standing(tuple(held[b.id] for b in library.badges
                          if b.id in held and held[b.id].kind != "issued"),
                    tuple(b.id for b in library.badges if b.id in pending), checks)
