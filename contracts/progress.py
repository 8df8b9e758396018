"""A learner's progress record, ``User:NAME/wikitours.json`` (contracts §5): read and written here.

The gadget writes it as the learner (``gadget/src/progress.js``); the app reads it and counts it
only when the page's latest revision is the learner's own (:mod:`toolforge.wikiclient`). It is
a claim, never proof: anybody can type one by hand, so every field is checked and bounded, a
malformed entry is dropped alone (with a problem), and unknown statuses are no completions.
Problems are values (:class:`contracts.problems.Issue`: a message key of ``i18n/compiler``
and its parameters), shown in the reader's language by :func:`tours.problemkinds.issue_text`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Iterable

from contracts.problems import Issue, Message, json_issue, page_issue

__all__ = ["STATUSES", "MAX_PROGRESS_BYTES", "TourProgress", "Progress", "parse_progress",
           "render_progress", "parse_time", "progress_title"]


def progress_title(username: str) -> str:
    return f"User:{username}/wikitours.json"


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
    #: The last completed run, kept when a completed tour is started again (§5): a
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
    #: Task edits the gadget recorded (:class:`practice.verify.TaskEntry`), claims only, and
    #: what the learner chose to show publicly (``"public": ["practice"]``).
    tasks: tuple = ()
    public: tuple[str, ...] = ()

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
                                                                     list[Issue]]:
    """The tour entries of a progress page, and the problems found in *page*.

    Entries that are malformed are dropped one by one with a problem, so a single bad entry
    never hides the learner's other tours. Unknown statuses are not completions.
    """
    if len(text.encode("utf-8")) > MAX_PROGRESS_BYTES:
        return (), [page_issue(page, "wikitours-problem-page-too-large", MAX_PROGRESS_BYTES)]
    try:
        data = json.loads(text)
    except ValueError as error:
        return (), [json_issue(page, error, Message("wikitours-hint-progress-rewritten"))]
    if not isinstance(data, dict):
        return (), [page_issue(page, "wikitours-problem-progress-not-object")]
    problems: list[Issue] = []
    if data.get("format") != 1:
        problems.append(page_issue(page, "wikitours-problem-progress-format",
                                   json.dumps(data.get("format"))[:64]))
        return (), problems
    tours = data.get("tours")
    if not isinstance(tours, dict):
        return (), problems + [page_issue(page, "wikitours-problem-progress-tours-not-object")]
    entries = []
    for tour_id, entry in tours.items():
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
            problems.append(page_issue(page, "wikitours-problem-progress-status", tour_id[:64],
                                       ", ".join(STATUSES)))
            continue
        kept = entry.get("completion")
        completion = None
        if (isinstance(kept, dict) and isinstance(kept.get("completed"), str)
                and entry["status"] != "completed"):
            completion = _entry(tour_id, {**kept, "status": "completed"})
        elif kept is not None:
            problems.append(page_issue(page, "wikitours-problem-progress-completion",
                                       tour_id[:64]))
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


def render_progress(entries: Iterable[TourProgress]) -> str:
    """A progress page as the gadget writes it (``format`` 1; empty fields left out)."""
    def fields(e: TourProgress) -> dict[str, Any]:
        entry: dict[str, Any] = {"status": e.status, "version": e.version}
        for key in ("step", "started", "updated", "completed"):
            if getattr(e, key):
                entry[key] = getattr(e, key)
        if e.edits:
            entry["edits"] = dict(e.edits)
        return entry

    tours: dict[str, dict] = {}
    for e in entries:
        entry = fields(e)
        if e.completion is not None and e.status != "completed":
            kept = fields(e.completion)
            del kept["status"]  # a kept run is a completion by definition
            entry["completion"] = kept
        tours[e.tour] = entry
    return json.dumps({"format": 1, "tours": tours}, ensure_ascii=False)
