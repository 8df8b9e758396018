"""A trainer exports the cohort's progress (issue 17, journey 3): pure CSV, hostile names quoted,
a completed tour taken again still completed, unreadable progress left empty."""

from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

from tests.gadget.test_gadget_support import library
from toolforge.cohortexport import progress_csv
from toolforge.progress import Progress, parse_progress


def read(name: str, tours: dict):
    entries, problems = parse_progress(json.dumps({"format": 1, "tours": tours}))
    assert problems == []
    return SimpleNamespace(status="ok", progress=Progress(name, entries))


def test_cohort_progress_as_csv():
    lib = library()
    reads = {
        "Noor": read("Noor", {"first-edit": {"status": "completed"},
                              "ask-mentor": {"status": "started"}}),
        "=cmd|' /C calc'!A0": read("x", {"first-edit": {
            "status": "started", "completion": {"completed": "2026-11-01T00:00:00Z"}}}),
        "Kim": SimpleNamespace(status="missing", progress=None),
        "Sam": SimpleNamespace(status="forged", progress=None),
    }
    held = {"Noor": [SimpleNamespace(badge="first-edit", revoked=False),
                     SimpleNamespace(badge="communicator", revoked=True)]}
    text = progress_csv(["Noor", "=cmd|' /C calc'!A0", "Kim", "Sam"], lib, reads, held)
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[0] == "learner" and header[-1] == "badges"
    assert header[1:-1] == [t.id for t in lib.tours]
    col = {tour: header.index(tour) for tour in ("first-edit", "ask-mentor", "add-citation")}
    noor, hostile, kim, sam = rows[1:]
    assert noor[col["first-edit"]] == "completed" and noor[col["ask-mentor"]] == "started"
    assert noor[col["add-citation"]] == "none" and noor[-1] == "first-edit"
    assert hostile[0].startswith("'=")  # a spreadsheet does not run it
    assert hostile[col["first-edit"]] == "completed"  # taken again, still completed
    assert kim[col["first-edit"]] == "none" and kim[-1] == ""  # no progress page yet
    assert sam[col["first-edit"]] == ""  # a page not written by them: unknown
