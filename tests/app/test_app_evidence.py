"""Evidence rules of toolforge.evidence, without a wiki (the real-wiki checks are in
test_app_badges.py): which recorded edits are read, which count, and what a badge then says."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from toolforge import evidence as ev
from toolforge.learning import load_library
from toolforge.progress import Progress, parse_progress

LIB = load_library(Path(__file__).resolve().parents[2] / "tours.yaml")
NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def record(**tours) -> Progress:
    page = {"format": 1, "tours": {
        t: {"status": "completed", "started": "2026-11-25T10:00:00Z", "edits": e}
        for t, e in tours.items()}}
    entries, _ = parse_progress(json.dumps(page))
    return Progress("Ada", entries)


def rev(revid, title="User:Ada/sandbox", ns=2, user="Ada", when="2026-11-25T10:03:00Z", **kw):
    return ev.Revision(revid, title=title, namespace=ns, user=user, timestamp=when, **kw)


def test_recorded_edits_are_read_defensively():
    page = {"format": 1, "tours": {"first-edit": {"status": "completed", "edits": {
        "publish": 12, "bad step!": 13, "neg": -1, "flag": True, "text": "14", "big": 2**60,
        **{f"s{i}": i + 1 for i in range(50)}}}}}
    entries, problems = parse_progress(json.dumps(page))
    edits = dict(entries[0].edits)
    assert edits["publish"] == 12 and len(edits) <= 20
    assert not {"bad step!", "neg", "flag", "text", "big"} & set(edits)
    assert parse_progress(json.dumps({"format": 1, "tours": {"x": {
        "status": "completed", "edits": ["<script>"]}}}))[0][0].edits == ()


def test_only_saved_steps_of_completed_tours_are_claims():
    progress = record(**{"first-edit": {"publish": 5, "welcome": 6}})
    assert ev.claimed_revisions(progress, LIB) == (5,)
    assert ev.claimed_revisions(None, LIB) == ()


def test_a_badge_says_what_was_checked():
    progress = record(**{"first-edit": {"publish": 5}, "mentor-basics": {}})
    standing = ev.earned(progress, LIB, {5: rev(5)}, NOW)
    kinds = {e.badge: e.kind for e in standing.earned}
    assert kinds == {"first-edit": "evidence", "mentor-pathway": "completion"}
    assert standing.earned[0].edits[0].revid == 5
    # nothing recorded: the same completed tour earns no evidence-backed badge
    assert [e.badge for e in ev.earned(record(**{"first-edit": {}}), LIB, {}, NOW).earned] == []


def test_edits_younger_than_the_keep_delay_wait():
    progress = record(**{"first-edit": {"publish": 5}})
    young = {5: rev(5, when="2026-11-25T23:59:00Z")}
    standing = ev.earned(progress, LIB, young, NOW, keep=timedelta(hours=1))
    assert standing.earned == () and standing.pending == ("first-edit",)
    assert ev.earned(progress, LIB, young, NOW + timedelta(hours=1), keep=timedelta(hours=1)).earned


def test_pages_and_references():
    tour = LIB.tour("ask-mentor")
    talk = next(s for s in tour.steps if s.advance == "saved")
    assert ev.step_page_matches(talk, rev(1, "User talk:Mentor", 3), "Ada")
    assert not ev.step_page_matches(talk, rev(1, "Talk:Paris", 1), "Ada")
    sandbox = next(s for s in LIB.tour("first-edit").steps if s.advance == "saved")
    assert ev.step_page_matches(sandbox, rev(1, "User:Ada/sandbox"), "ada")
    assert not ev.step_page_matches(sandbox, rev(1, "User:Ada/sandbox2"), "Ada")
    assert not ev.step_page_matches(sandbox, rev(1, "User:Bea/sandbox"), "Ada")
    assert not ev.step_page_matches(sandbox, rev(1, "User:Ada"), "Ada")
    assert ev.count_refs('a<ref name="x">b</ref> c<ref name=x /> <REF>d</ref> <references/>') == 3
    cite = record(**{"add-citation": {"publish": 7}})
    with_ref = {7: rev(7, text="S.<ref>B</ref>", parent_text="")}
    moved = {7: rev(7, text="S.<ref>B</ref>", parent_text="T.<ref>B</ref>")}
    assert [e.badge for e in ev.earned(cite, LIB, with_ref, NOW).earned] == ["citation"]
    assert ev.earned(cite, LIB, moved, NOW).earned == ()
    hidden = {7: rev(7, text=None, parent_text="", hidden=True)}
    assert ev.earned(cite, LIB, hidden, NOW).earned == ()
