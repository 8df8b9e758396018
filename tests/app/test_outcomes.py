"""Outcome definitions (toolforge.outcomes) and report grouping (toolforge.reports), pure."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from toolforge.outcomes import OUTCOMES, Edit, Newcomer, Outcome, Windows, compute, iso_week
from toolforge.progress import Progress, TourProgress
from toolforge.stats import sample_size
from toolforge.reports import SMALL, aggregate, experiment, pool_small

REG = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.timezone.utc)
LATER = REG + dt.timedelta(days=60)  # every window closed


def edit(hours: float, ns: int = 0, title: str = "Article", revid: int | None = None,
         tags=()) -> Edit:
    return Edit(revid or int(hours * 100) + ns + 1, REG + dt.timedelta(hours=hours), title, ns,
                frozenset(tags))


def out(edits, now=LATER, **kw) -> Outcome:
    newcomer = kw.pop("newcomer", Newcomer("Ada", "Mentor"))
    return compute(newcomer, kw.pop("registration", "2026-10-01T12:00:00Z"), edits, now, **kw)


def test_activation_windows():
    assert (out([edit(2)]).activated_24h, out([edit(2)]).activated_7d) == (True, True)
    late = out([edit(30)])
    assert (late.activated_24h, late.activated_7d) == (False, True)
    assert out([edit(24 * 8)]).activated_7d is False
    # Edits outside content namespaces do not activate; their own talk page does not either
    assert out([edit(1, ns=2, title="User:Ada"), edit(2, ns=3, title="User talk:Ada")]
               ).activated_7d is False
    # content namespaces come from the wiki
    assert out([edit(1, ns=100, title="Portal:X")],
               content_namespaces=frozenset({0, 100})).activated_7d is True
    # an edit *before* the registration time (a renamed or imported account) does not count
    assert out([edit(-5)]).activated_7d is False


def test_open_windows_are_not_known_yet():
    soon = REG + dt.timedelta(hours=10)
    early = out([], now=soon)
    assert early.activated_24h is None and early.activated_7d is None
    assert early.retained is None and early.constructive is None
    # already activated: known even though the window is open
    assert out([edit(1)], now=soon).activated_24h is True
    # the 48 hours of the first edit have not passed: constructive unknown
    assert out([edit(1)], now=REG + dt.timedelta(days=7, hours=1)).constructive is True
    assert out([edit(24 * 6)], now=REG + dt.timedelta(days=7, hours=1)).constructive is None


def test_constructive_from_revert_tags_and_times():
    first = edit(3, revid=50, tags={"mw-reverted"})
    # reverted an hour later: not constructive
    assert out([first], reverted_at={50: first.timestamp + dt.timedelta(hours=1)}
               ).constructive is False
    # reverted after three days: it stood for 48 hours
    assert out([first], reverted_at={50: first.timestamp + dt.timedelta(days=3)}
               ).constructive is True
    # tagged but the time is unknown: counted as reverted (the conservative reading)
    assert out([first]).constructive is False
    assert out([edit(3)]).constructive is True
    # no activation means no constructive activation
    assert out([]).constructive is False
    # only the *first* content edit matters
    assert out([edit(3), edit(5, tags={"mw-reverted"})]).constructive is True


def test_retention_window():
    assert out([edit(24 * 16)]).retained is True
    assert out([edit(24 * 14)]).retained is False
    assert out([edit(24 * 46)]).retained is False
    assert out([edit(24 * 16, ns=2, title="User:Ada")]).retained is True  # any edit counts
    assert out([], now=REG + dt.timedelta(days=30)).retained is None


def test_scaled_windows_for_tests():
    w = Windows.scaled(1 / 3600)  # a day becomes 24 seconds
    assert w.activation_short == dt.timedelta(seconds=24)
    assert w.retention_end == dt.timedelta(seconds=45 * 24)
    moment = REG + dt.timedelta(seconds=30)
    result = compute(Newcomer("Ada"), "2026-10-01T12:00:00Z",
                     [Edit(1, moment, "A", 0)], REG + dt.timedelta(hours=1), windows=w)
    assert (result.activated_24h, result.activated_7d) == (False, True)


def test_mentor_talk_tours_badges():
    progress = Progress("Ada", (
        TourProgress("citations", "completed", started="2026-10-03T00:00:00Z"),
        TourProgress("first-edit", "dismissed", started="2026-10-02T00:00:00Z"),
        TourProgress("talk", "started", started="")))
    result = out([edit(1, ns=3, title="User talk:Mentor")], progress=progress,
                 badges=("cite",))
    assert result.wrote_to_mentor is True
    assert (result.tours_started, result.tours_completed) == (3, 1)
    assert result.first_tour == "first-edit"
    assert result.started_tour and result.completed_tour and result.earned_badge
    assert out([edit(1, ns=3, title="User talk:Mentor/Archive")]).wrote_to_mentor is True
    assert out([edit(1, ns=3, title="User talk:Mentorx")]).wrote_to_mentor is False
    assert out([edit(1, ns=3, title="User talk:Mentor")],
               newcomer=Newcomer("Ada")).wrote_to_mentor is None
    nothing = out([])
    assert not nothing.started_tour and not nothing.earned_badge and nothing.first_tour == ""


def test_unknown_registration_knows_nothing_time_based():
    result = out([edit(1)], registration="not a time")
    assert result.activated_7d is None and result.retained is None and result.week == ""
    assert result.edits == 1


def test_iso_week_and_value():
    assert iso_week(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)) == "2026-W01"
    assert iso_week(dt.datetime(2024, 12, 30, tzinfo=dt.timezone.utc)) == "2025-W01"
    assert out([edit(1)]).week == "2026-W40"
    with pytest.raises(KeyError):
        out([]).value("username")


# --- report grouping ---------------------------------------------------------------------------

def rows(n, **kw):
    base = {o: None for o in OUTCOMES}
    base.update(kw)
    return [Outcome(f"U{random.random()}", **base) for _ in range(n)]


def test_aggregate_and_pool_small_groups():
    data = (rows(12, mentor="Ada", activated_7d=True) + rows(8, mentor="Ada", activated_7d=False)
            + rows(3, mentor="Bo", activated_7d=True) + rows(4, mentor="Cy", activated_7d=None))
    groups = aggregate(data, "mentor")
    assert [g.key for g in groups] == ["Ada", "Cy", "Bo"]
    ada = groups[0].cells["activated_7d"]
    assert (ada.yes, ada.known) == (12, 20) and ada.interval.contains(0.6)
    assert groups[1].cells["activated_7d"].known == 0 and groups[1].cells[
        "activated_7d"].interval is None
    shown, hidden = pool_small(data, "mentor", 5)
    assert [g.key for g in shown] == ["Ada", SMALL] and hidden == 0
    assert shown[1].newcomers == 7 and shown[1].pooled == 2
    # the pool knows the outcome of 3 newcomers only: hidden, and Ada's cell with it (the
    # total of 23 minus Ada's 20 would give the pool's 3 away)
    assert shown[1].cells["activated_7d"] is None and shown[0].cells["activated_7d"] is None
    # the pool is still too small at 10: the smallest shown group joins it
    shown, hidden = pool_small(data, "mentor", 10)
    assert [(g.key, g.newcomers, g.pooled) for g in shown] == [(SMALL, 27, 3)] and hidden == 0
    # and when everybody together is too few, nothing is shown
    shown, hidden = pool_small(data[12:], "mentor", 30)
    assert shown == [] and hidden == 15


def test_cells_need_the_threshold_of_known_outcomes_themselves():
    data = (rows(20, mentor="Ada", activated_7d=True, retained=None)
            + rows(20, mentor="Bo", activated_7d=False, retained=None)
            + rows(1, mentor="Bo", activated_7d=False, retained=True)
            + rows(30, mentor="Cy", activated_7d=True, retained=False))
    shown, _ = pool_small(data, "mentor", 10)
    cells = {g.key: g.cells["retained"] for g in shown}
    # Bo's "1 of 1" is hidden; Ada's empty cell tells nothing about anyone and stays; Cy's 30
    # would give Bo's 1 away (the total of 31 minus 30), so it is hidden with it
    assert cells["Bo"] is None and cells["Cy"] is None
    assert cells["Ada"] is not None and cells["Ada"].known == 0
    assert all(g.cells["activated_7d"] is not None for g in shown)


def test_arms_are_never_merged_across_experiments_nor_pooled():
    data = (rows(30, experiment="x", variant="control") + rows(30, experiment="y",
                                                                variant="control")
            + rows(3, experiment="y", variant="b") + rows(12, experiment="x", variant="b"))
    shown, hidden = pool_small(data, "variant", 10)
    keys = [g.key for g in shown]
    assert "x/control" in keys and "y/b" not in keys and SMALL not in keys
    # y/b is hidden with the smallest other arm, never pooled into a mixed row
    assert "x/b" not in keys and hidden == 15


def entry(primary="activated_7d", planned=300, effect=5):
    return {"variants": [["control", 1.0], ["tours", 1.0]], "active": True, "changed": False,
            "design": {"primary": primary, "minimum-effect": effect, "planned-size": planned,
                       "end": None}}


def test_experiment_recovers_a_simulated_difference():
    data = []
    for variant, yes in (("control", 45), ("tours", 90)):  # 30 % and 60 % of 150
        for i in range(150):
            data.append(Outcome(f"{variant}{i}", registration="2026-10-01T00:00:00Z",
                                experiment="x", variant=variant, activated_7d=i < yes))
    data += rows(30, experiment="other", variant="control", activated_7d=True)
    report = experiment(data, "x", threshold=10, entry=entry())
    control, tours = report.arms
    assert control.variant == "control" and control.newcomers == 150
    assert report.stage == "decided"
    (decision,) = report.decisions
    assert decision.kind == "higher" and decision.comparison.difference.contains(0.3)
    assert "retained" not in {f.outcome for f in report.exploratory}  # nothing known
    # the needed size: 5 points more than the control's 30 %, two equal arms
    assert report.needed == 2 * sample_size(0.35, 0.30)
    # before the planned size nothing is compared
    early = experiment(data, "x", threshold=10, entry=entry(planned=301))
    assert early.stage == "collecting" and early.decisions == () and early.exploratory == ()
    small = experiment(data[:8] + data[150:158], "x", threshold=10, entry=entry(planned=10))
    assert not small.arms[1].shown and small.arms[1].cells == {} and \
        small.arms[1].newcomers is None
    assert small.decisions == () and small.undecided == ("tours",)


def test_practised_counts_a_kept_task_edit_within_seven_days():
    """Issue 19: task edits are an outcome: one the progress page records, that is the
    newcomer's own article edit within 7 days and not reverted."""
    import datetime as dt

    from practice.verify import TaskEntry
    from toolforge.outcomes import Edit, Newcomer, compute
    from toolforge.progress import Progress

    reg = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    task = Progress("Ada", (), tasks=(TaskEntry("citation", "Rhine", 7),))

    def run(edits, now=reg + dt.timedelta(days=30), progress=task):
        return compute(Newcomer("Ada"), "2026-11-01T00:00:00Z", edits, now,
                       progress=progress).practised

    article = Edit(7, reg + dt.timedelta(days=2), "Rhine", 0)
    assert run([article]) is True
    assert run([Edit(7, reg + dt.timedelta(days=2), "Rhine", 0, frozenset({"mw-reverted"}))]) is False
    assert run([Edit(7, reg + dt.timedelta(days=9), "Rhine", 0)]) is False  # too late
    assert run([Edit(8, reg + dt.timedelta(days=2), "Rhine", 0)]) is False  # not the claimed one
    assert run([article], progress=Progress("Ada", ())) is False
    assert run([], now=reg + dt.timedelta(days=3)) is None  # window still open
