"""Verified progress → earned badges, pathways and mentor hints (pure functions)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from tours.model import Badge, Library, Step, Tour
from contracts import progress as record
from toolforge import progress as pg
from tours.problemkinds import issue_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def tour(tid: str, audience: str = "newcomer", badge: str = "") -> Tour:
    return Tour(id=tid, title=tid, summary="", audience=audience, minutes=5, version=2,
                steps=(Step(id="s", title="t", text="x"),), badge=badge)


LIBRARY = Library(
    source_language="en",
    tours=tuple(tour(t) for t in ("first-edit", "add-citation", "ask-mentor", "user-page",
                                  "mentor-basics", "run-a-workshop")),
    badges=(
        Badge("first-edit", "First edit", "", requires_tours=("first-edit",)),
        Badge("citation", "Citation", "", requires_tours=("add-citation",)),
        Badge("communicator", "Communicator", "", requires_tours=("ask-mentor",)),
        # declared before the badges it needs: resolution must not depend on order
        Badge("trainer", "Trainer", "", requires_tours=("run-a-workshop",),
              requires_badges=("newcomer-pathway", "mentor-pathway")),
        Badge("newcomer-pathway", "Newcomer pathway", "", requires_tours=("user-page",),
              requires_badges=("first-edit", "citation", "communicator")),
        Badge("mentor-pathway", "Mentor pathway", "", requires_tours=("mentor-basics",)),
        Badge("nothing", "Free for all", ""),
    ),
)


def page(when: str = "2026-11-20T10:05:00Z", **tours) -> str:
    return json.dumps({"format": 1, "tours": {
        t: {"status": s, "version": 1, "step": "done", "started": "2026-11-20T10:00:00Z",
            "updated": when} for t, s in tours.items()}})


def progress(text: str) -> pg.Progress:
    entries, _ = pg.parse_progress(text)
    return pg.Progress("Ada", entries, revision=7)


def test_completed_tours_earn_their_badges_only():
    p = progress(page(**{"first-edit": "completed", "add-citation": "started",
                         "ask-mentor": "dismissed", "not-a-tour": "completed"}))
    done = pg.completed_tours(p, LIBRARY)
    assert done == {"first-edit"}
    assert pg.earned_badges(done, LIBRARY) == ("first-edit",)


def test_the_trainer_badge_needs_both_pathways():
    everything = {t.id for t in LIBRARY.tours}
    assert pg.earned_badges(everything, LIBRARY) == (
        "first-edit", "citation", "communicator", "trainer", "newcomer-pathway", "mentor-pathway")
    without_user_page = everything - {"user-page"}
    earned = pg.earned_badges(without_user_page, LIBRARY)
    assert "newcomer-pathway" not in earned and "trainer" not in earned
    assert "mentor-pathway" in earned
    statuses = {s.badge: s for s in pg.badge_statuses(without_user_page, LIBRARY)}
    assert statuses["trainer"].missing_badges == ("newcomer-pathway",)
    assert statuses["newcomer-pathway"].missing_tours == ("user-page",)
    assert statuses["trainer"].is_pathway and not statuses["citation"].is_pathway
    assert [b.id for b in pg.pathways(LIBRARY)] == ["trainer", "newcomer-pathway"]


def test_a_badge_without_requirements_is_never_given():
    assert "nothing" not in pg.earned_badges({t.id for t in LIBRARY.tours}, LIBRARY)


def test_broken_pages_are_problems_not_crashes():
    for text, expected in [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format": 2, "tours": {}}', "unknown \"format\""),
        ('{"format": 1, "tours": []}', "\"tours\" must be"),
        ("x" * (record.MAX_PROGRESS_BYTES + 1), "larger than"),
    ]:
        entries, problems = pg.parse_progress(text, "User:Ada/wikitours.json")
        assert entries == ()
        assert problems and expected in issue_text(problems[0], "en")
        assert issue_text(problems[0], "en").startswith("User:Ada/wikitours.json:")
    entries, problems = pg.parse_progress(json.dumps({"format": 1, "tours": {
        "first-edit": {"status": "completed", "version": "<b>"},
        "add-citation": {"status": "hacked"}, "ask-mentor": "completed"}}))
    assert [e.tour for e in entries] == ["first-edit"] and entries[0].version == 1
    assert len(problems) == 2


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=30))
def test_any_json_is_parsed_without_raising(value):
    entries, problems = pg.parse_progress(json.dumps({"format": 1, "tours": value}))
    assert all(e.status in pg.STATUSES for e in entries)
    assert isinstance(problems, list)


def test_hints_for_mentors():
    stuck = progress(page(**{"first-edit": "completed", "add-citation": "started"}))
    recent = pg.Contribution("Ada", "Sandbox", (NOW - timedelta(days=1)).isoformat())
    reverted = pg.Contribution("Ada", "Article", (NOW - timedelta(days=2)).isoformat(),
                               tags=("mw-reverted",))
    hints = pg.needs_a_hand(stuck, [recent, reverted], NOW)
    assert hints == (pg.Hint("stuck", "add-citation"), pg.Hint("reverted", "1"))

    old = pg.Contribution("Ada", "Sandbox", (NOW - timedelta(days=30)).isoformat())
    assert pg.needs_a_hand(None, [old], NOW) == (pg.Hint("inactive", "30"),)
    assert pg.needs_a_hand(None, [], NOW, assigned="2026-11-01T00:00:00Z") == (
        pg.Hint("no-edits", "24"),)
    # fresh mentee, fresh progress: nothing to worry about
    fresh = progress(page("2026-11-25T11:00:00Z", **{"first-edit": "started"}))
    assert pg.needs_a_hand(fresh, [recent], NOW, assigned="2026-11-24T00:00:00Z") == ()
    assert pg.needs_a_hand(stuck, [recent], NOW, rules={"stuck_days": 30}) == ()


def test_the_app_reads_the_library_with_the_compilers_loader(tmp_path):
    import pytest

    from toolforge.learning import load_library
    lib = load_library(pg.__file__.rsplit("/toolforge/", 1)[0] + "/tours.yaml")
    assert {"trainer", "newcomer-pathway"} <= {b.id for b in pg.pathways(lib)}
    broken = tmp_path / "tours.yaml"
    broken.write_text("wikitours: 1\ntours:\n  - id: x\n    steps: [\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"tours\.yaml:\d+:\d+"):
        load_library(broken)


def test_one_fixed_point_keeps_what_is_held_and_asks_only_when_required_badges_are_held():
    """The loop both views of a learner share (toolforge.progress.resolve_badges)."""
    asked: list[str] = []

    def earn(badge):
        asked.append(badge.id)
        return f"value of {badge.id}" if badge.id != "citation" else None

    held = pg.resolve_badges(LIBRARY, earn, {"citation": "issued"})
    assert held["citation"] == "issued"  # already held: kept as it was, never asked again
    assert held["trainer"] == "value of trainer"  # declared before what it needs
    assert "nothing" not in held and "nothing" not in asked
    # the trainer is asked only once both pathways are held: never before
    assert asked.index("trainer") > max(asked.index("newcomer-pathway"),
                                        asked.index("mentor-pathway"))
    assert asked.count("trainer") == 1
