"""Recognition's pure parts (issue 19): thanks counted from the public log, the leaderboard, and
the order of thanks and leaderboards. No wiki, no app (the app's stored-check policy:
tests/app/test_practice_cache_pure.py)."""

from __future__ import annotations

from practice.recognition import (Practice, Skill, Thanks, count_thanks, has_extension,
                                  leaderboard, practice_started)
from practice.verify import TaskCheck, TaskEntry

SINCE = "2026-12-01T10:00:00Z"


def thank(title="User:Lin", when="2026-12-02T10:00:00Z", **extra):
    return {"type": "thanks", "action": "thank", "ns": 2, "title": title, "timestamp": when,
            **extra}


def test_thanks_count_only_entries_to_the_learner_in_the_period():
    events = [
        thank(), thank(when="2026-12-03T00:00:00Z"),
        thank(title="Benutzer:Lin"),  # the wiki's own name for the namespace
        thank(title="User:Lin_"), thank(title="User:lin"),  # the same user page, spelled freely
        thank(when="2026-11-30T23:59:59Z"),  # before the first practice edit
        thank(title="User:Lina"), thank(title="User:Lin/sub"),
        thank(actionhidden=True),  # hidden by log deletion
        {**thank(), "type": "patrol"}, {**thank(), "ns": 3}, {**thank(), "action": "x"},
        thank(when="not a time"), "junk", None, 7, {"title": ["User:Lin"]},
        thank(title="<script>alert(1)</script>"),
    ]
    assert count_thanks(events, "Lin", SINCE) == Thanks(5, SINCE)
    assert count_thanks(events, "Lin", SINCE, more=True).more
    assert count_thanks("not a list", "Lin", SINCE).count == 0
    assert count_thanks(events, "Lin", "garbage").count == 0
    assert count_thanks([thank()] * 10_000, "Lin", SINCE).count == 5000  # bounded work


def test_the_practice_period_starts_at_the_first_edit_that_did_the_task():
    def check(status, when):
        return TaskCheck(TaskEntry("citation", "A", 1), status, "", when)
    assert practice_started([check("ok", "2026-12-05T00:00:00Z"),
                             check("pending", "2026-12-04T00:00:00Z"),
                             check("failed", "2026-12-01T00:00:00Z")]) == "2026-12-04T00:00:00Z"
    assert practice_started([check("failed", SINCE), check("ok", "")]) is None
    assert practice_started([]) is None


def test_has_extension_reads_siteinfo():
    assert has_extension([{"name": "Echo"}, {"name": "Thanks", "version": "1.2"}], "Thanks")
    assert not has_extension([{"name": "Echo"}], "Thanks")
    assert not has_extension({"name": "Thanks"}, "Thanks")
    assert not has_extension(["Thanks"], "Thanks")


def summary(**kept):
    return Practice(tuple(Skill(b, n, 0, 1, None) for b, n in kept.items()), sum(kept.values()),
                    0, 0, 0, "day")


def test_the_leaderboard_lists_only_public_learners_with_kept_edits():
    boards = leaderboard([
        ("Lin", summary(citation=3, copyedit=1), True),
        ("Max", summary(citation=9), False),  # private: never listed
        ("Ann", summary(citation=3), True),
        ("<b>Zed</b>", summary(citation=1, copyedit=0), True),
        ("Nobody", summary(), True),
    ])
    assert [(b.badge, [(r.name, r.kept) for r in b.leaders]) for b in boards] == [
        ("citation", [("Ann", 3), ("Lin", 3), ("<b>Zed</b>", 1)]),
        ("copyedit", [("Lin", 1)])]
    many = leaderboard([(f"U{i:03d}", summary(citation=i + 1), True) for i in range(50)], 20)
    assert len(many[0].leaders) == 20 and many[0].leaders[0].name == "U049"
    assert leaderboard([]) == ()
