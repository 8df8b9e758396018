"""The app's policy for reusing a stored task-edit check (toolforge/practice_cache.py, issue 19):
pure decisions on rows built in memory, no database, no wiki."""

from __future__ import annotations

import datetime as dt

from practice.tasktypes import TaskType
from practice.verify import TaskCheck, TaskEntry
from toolforge.models_practice import TaskCheckRow
from toolforge.practice_cache import basis, reusable, storable

SINCE = "2026-12-01T10:00:00Z"

TYPE = TaskType(id="citation", tour="citation-task", learn="add-citation", badge="citation",
                templates=("Citation needed",), check=("template-removed", "reference"))
ENTRY = TaskEntry("citation", "Rhine", 42, SINCE)
NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.timezone.utc)


def row(status="ok", reason="", timestamp="2026-12-06T10:00:00Z", age=60, wanted=None):
    return TaskCheckRow(wiki="w", revid=42, username="Lin",
                        basis=wanted or basis(ENTRY, TYPE, "Lin"),
                        status=status, reason=reason, timestamp=timestamp, did="reference",
                        checked=(NOW - dt.timedelta(seconds=age)).replace(tzinfo=None))


def test_a_stored_verdict_is_reused_only_while_fresh_and_for_the_same_claim():
    keep = dt.timedelta(0)
    wanted = basis(ENTRY, TYPE, "Lin")
    hit = reusable(row(), ENTRY, wanted, NOW, keep, 3600)
    assert hit == TaskCheck(ENTRY, "ok", "", "2026-12-06T10:00:00Z", ("reference",))
    assert reusable(row(age=3600), ENTRY, wanted, NOW, keep, 3600) is None  # due for a recheck
    assert reusable(row(age=-60), ENTRY, wanted, NOW, keep, 3600) is None  # clock went back
    assert reusable(row(), ENTRY, wanted, NOW, keep, 0) is None  # reuse switched off
    assert reusable(None, ENTRY, wanted, NOW, keep, 3600) is None
    failed = reusable(row("failed", "reverted"), ENTRY, wanted, NOW, keep, 3600)
    assert (failed.status, failed.reason) == ("failed", "reverted")
    assert reusable(row("pending"), ENTRY, wanted, NOW, keep, 3600) is None


def test_another_claim_or_rule_or_a_longer_keep_delay_means_check_again():
    keep = dt.timedelta(0)
    stored = row()
    for other in (basis(TaskEntry("citation", "Elbe", 42), TYPE, "Lin"),
                  basis(ENTRY, TYPE, "Max"),
                  basis(ENTRY, TaskType(**{**TYPE.__dict__, "templates": ("Fact",)}), "Lin"),
                  basis(ENTRY, TaskType(**{**TYPE.__dict__, "check": ("reference",)}), "Lin")):
        assert reusable(stored, ENTRY, other, NOW, keep, 3600) is None
    # kept 2 h before the check: fine for a 1 h delay, not for a 3 h one
    wanted = basis(ENTRY, TYPE, "Lin")
    assert reusable(stored, ENTRY, wanted, NOW, dt.timedelta(hours=1), 3600) is not None
    assert reusable(stored, ENTRY, wanted, NOW, dt.timedelta(hours=3), 3600) is None
    assert reusable(row(timestamp="garbage"), ENTRY, wanted, NOW, keep, 3600) is None


def test_only_verdicts_that_waiting_cannot_change_are_stored():
    assert storable(TaskCheck(ENTRY, "ok"))
    assert storable(TaskCheck(ENTRY, "failed", "reverted"))
    assert not storable(TaskCheck(ENTRY, "pending"))
    assert not storable(TaskCheck(ENTRY, "failed", "unknown-type"))
