"""A cohort's progress as CSV (trainers follow a workshop in a spreadsheet): pure, no I/O.

One row per learner: their name, each tour's status (``completed`` also when a completed tour
was started again, since a completion is never lost, contracts §5; ``none`` when never
started, or no progress page yet; empty when their progress page could not be read or was
not written by them) and the badges they hold, not
revoked. Cells a spreadsheet would run as formulas are quoted.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping

from tours.model import Library

from .funnels import _csv_cell

__all__ = ["tour_status", "progress_csv"]


def tour_status(read: Any, tour_id: str) -> str:
    """What the cohort table shows for one learner and tour."""
    if read is not None and getattr(read, "status", "") == "missing":
        return "none"  # no progress page yet: nothing started
    if read is None or getattr(read, "progress", None) is None:
        return ""
    entry = read.progress.tour(tour_id)
    if entry is None:
        return "none"
    return "completed" if entry.completed_run() is not None else entry.status


def progress_csv(names: Iterable[str], library: Library, reads: Mapping[str, Any],
                 held: Mapping[str, Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["learner", *(t.id for t in library.tours), "badges"])
    for name in names:
        badges = " ".join(a.badge for a in held.get(name, []) if not getattr(a, "revoked", False))
        writer.writerow([_csv_cell(name),
                         *(tour_status(reads.get(name), t.id) for t in library.tours),
                         _csv_cell(badges)])
    return out.getvalue()
