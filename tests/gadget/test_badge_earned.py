"""A badge is announced only when it is earned, and a completion is never lost (issue 22).

Pure parts: the compiler tells the gadget every tour a tour's badge needs (``badgeRequires``,
with the titles of those tours in the tour's message pages); the gadget's progress rules
(``progress.next``, ``progress.missingIn``, run in Node exactly as bundled); the app's reading of
a progress page with a kept ``completion`` (contracts §5) and the evidence rules on it.
The browser checks of the same rules on a real wiki are in test_badge_earned_browser.py.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

from tests.gadget.test_gadget_support import library
from tests.gadget.test_gadget_unit import js, run_js
from toolforge.evidence import Revision, check_tour, claimed_revisions, earned
from toolforge.progress import Progress, completed_tours, earned_badges, parse_progress
from tours.model import Badge
from tours.render.gadgetdata import badge_tours, tour_data, tour_messages

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def lib_with_conversation_badge():
    """The admin's library of issue 22: a badge that needs the tour that earns it and ask-mentor."""
    lib = library()
    badge = Badge("conversation-starter", "Conversation starter", "Started a conversation.",
                  requires_tours=("first-edit", "ask-mentor"))
    first = replace(lib.tour("first-edit"), badge="conversation-starter")
    return replace(lib, badges=lib.badges + (badge,),
                   tours=tuple(first if t.id == "first-edit" else t for t in lib.tours))


# -- the compiler ----------------------------------------------------------------------------

def test_tour_data_lists_every_tour_the_badge_needs_through_pathways():
    lib = lib_with_conversation_badge()
    data = json.loads(tour_data(lib, lib.tour("first-edit")).content)
    assert data["badgeRequires"] == ["first-edit", "ask-mentor"]
    # a pathway (badges made of badges) needs the tours of the badges it requires
    pathway = lib.badge("newcomer-pathway")
    wanted = set(pathway.requires_tours)
    for b in pathway.requires_badges:
        wanted |= set(lib.badge(b).requires_tours)
    assert set(badge_tours(lib, "newcomer-pathway")) == wanted and len(wanted) >= 3
    assert badge_tours(lib, "") == () and badge_tours(lib, "no-such-badge") == ()
    # a tour without a badge needs nothing
    assert json.loads(tour_data(lib, lib.tour("mentor-basics")).content)["badgeRequires"] == []


def test_badge_tours_survive_a_cycle_of_badges():
    lib = library()
    a = Badge("a", "A", "a", requires_tours=("first-edit",), requires_badges=("b",))
    b = Badge("b", "B", "b", requires_tours=("ask-mentor",), requires_badges=("a",))
    lib = replace(lib, badges=(a, b))
    assert badge_tours(lib, "a") == ("first-edit", "ask-mentor")


def test_tour_messages_carry_the_titles_of_the_missing_tours_in_the_language():
    lib = lib_with_conversation_badge()
    tour = lib.tour("first-edit")
    texts = {"wikitours-tour-first-edit-title": "Deine erste Bearbeitung",
             "wikitours-tour-ask-mentor-title": "Deinem Mentor eine Frage stellen",
             "wikitours-tour-ask-mentor-summary": "not needed"}
    page = tour_messages(tour, "de", texts, badge_tours(lib, tour.badge))
    data = json.loads(page.content)
    assert data["wikitours-tour-ask-mentor-title"] == "Deinem Mentor eine Frage stellen"
    assert "wikitours-tour-ask-mentor-summary" not in data


# -- the gadget's rules ----------------------------------------------------------------------

def test_gadget_names_the_tours_still_missing_for_the_badge():
    progress = {"format": 1, "tours": {
        "first-edit": {"status": "completed"},
        "citation": {"status": "started"},
        "welcome": {"status": "dismissed", "completion": {"completed": "2026-11-01T00:00:00Z"}},
        "toString": {"status": "completed"}}}
    requires = ["first-edit", "ask-mentor", "citation", "welcome", "constructor"]
    # the tour just finished never counts as missing; a kept completion counts as done
    assert js("progress.missingIn", progress, requires, "first-edit") == ["ask-mentor",
                                                                          "citation",
                                                                          "constructor"]
    assert js("progress.missingIn", progress, ["first-edit"], "first-edit") == []
    # forged or missing data: nothing required is taken as done
    assert js("progress.missingIn", None, ["ask-mentor"], "x") == ["ask-mentor"]
    assert js("progress.missingIn", progress, None, "x") == []


def test_restarting_a_completed_tour_keeps_the_completion_in_the_gadget():
    done = {"status": "completed", "version": 2, "step": "done",
            "started": "2026-11-01T10:00:00Z", "completed": "2026-11-01T10:05:00Z",
            "updated": "2026-11-01T10:05:00Z", "edits": {"publish": 123}}
    restarted, closed, finished = run_js([
        ("progress.next", [done, {"status": "started", "version": 3, "step": "welcome"},
                           "2026-12-01T09:00:00Z"]),
        ("progress.next", [{**done, "status": "started", "step": "welcome", "version": 3,
                            "started": "2026-12-01T09:00:00Z",
                            "completion": {"version": 2, "completed": "2026-11-01T10:05:00Z"}},
                           {"status": "dismissed"}, "2026-12-01T09:01:00Z"]),
        ("progress.next", [{"status": "started", "version": 3, "started": "2026-12-01T09:00:00Z",
                            "completion": {"version": 2, "completed": "2026-11-01T10:05:00Z"}},
                           {"status": "completed", "step": "done", "edits": {"publish": 456}},
                           "2026-12-01T09:10:00Z"]),
    ])
    assert restarted["status"] == "started" and restarted["started"] == "2026-12-01T09:00:00Z"
    assert "edits" not in restarted and "completed" not in restarted
    assert restarted["completion"] == {"version": 2, "started": "2026-11-01T10:00:00Z",
                                       "completed": "2026-11-01T10:05:00Z",
                                       "edits": {"publish": 123}}
    assert closed["status"] == "dismissed" and closed["completion"]["version"] == 2
    assert finished["status"] == "completed" and "completion" not in finished
    assert finished["edits"] == {"publish": 456} and finished["completed"] == "2026-12-01T09:10:00Z"
    # a second start of a run already started keeps its start time and its completion
    again = js("progress.next", restarted, {"status": "started", "step": "x"},
               "2026-12-02T00:00:00Z")
    assert again["started"] == "2026-12-01T09:00:00Z" and again["completion"]["version"] == 2


def test_gadget_drops_a_forged_completion():
    data = {"format": 1, "tours": {
        "a": {"status": "started", "completion": "yes"},
        "b": {"status": "started", "completion": ["x"]},
        "c": {"status": "dismissed", "completion": {"completed": "2026-11-01T00:00:00Z"}}}}
    out = js("progress.normalize", data)["tours"]
    assert "completion" not in out["a"] and "completion" not in out["b"]
    assert out["c"]["completion"] == {"completed": "2026-11-01T00:00:00Z"}


# -- the app's rules -------------------------------------------------------------------------

RESTARTED = json.dumps({"format": 1, "tours": {"first-edit": {
    "status": "started", "version": 2, "step": "welcome", "started": "2026-11-30T10:00:00Z",
    "updated": "2026-11-30T10:00:00Z",
    "completion": {"version": 1, "started": "2026-11-25T10:00:00Z",
                   "completed": "2026-11-25T10:05:00Z", "edits": {"publish": 12345}}}}})


def _progress(text: str) -> Progress:
    tours, problems = parse_progress(text)
    assert problems == []
    return Progress("Ada", tours, revision=9)


def test_app_keeps_the_completion_of_a_restarted_tour_and_its_evidence():
    lib = library()
    progress = _progress(RESTARTED)
    entry = progress.tour("first-edit")
    assert entry.status == "started" and entry.completed_run().edits == (("publish", 12345),)
    assert completed_tours(progress, lib) == {"first-edit"}
    assert "first-edit" in earned_badges(completed_tours(progress, lib), lib)
    assert claimed_revisions(progress, lib) == (12345,)
    good = Revision(12345, title="User:Ada/sandbox", namespace=2, user="Ada",
                    timestamp="2026-11-25T10:04:00Z")
    check = check_tour(lib.tour("first-edit"), entry, "Ada", {12345: good}, ("edit",), NOW)
    assert check.status == "ok", check
    standing = earned(progress, lib, {12345: good}, NOW)
    assert "first-edit" in {e.badge for e in standing.earned}
    # the evidence is the completed run's: an edit before that run started does not count
    early = replace(good, timestamp="2026-11-24T00:00:00Z")
    assert check_tour(lib.tour("first-edit"), entry, "Ada", {12345: early}, ("edit",),
                      NOW).reason == "before-start"


def test_app_ignores_a_forged_completion():
    lib = library()
    forged = json.dumps({"format": 1, "tours": {
        "first-edit": {"status": "started", "completion": "completed"},
        "ask-mentor": {"status": "completed", "completion": {"completed": "x"}}}})
    tours, problems = parse_progress(forged)
    assert [p.message.key for p in problems] == ["wikitours-problem-progress-completion"] * 2
    progress = Progress("Ada", tours)
    assert completed_tours(progress, lib) == {"ask-mentor"}
    assert progress.tour("ask-mentor").completion is None
    # a kept run must say when it completed, as the gadget writes it (the gadget drops it too)
    tours, problems = parse_progress(json.dumps({"format": 1, "tours": {"first-edit": {
        "status": "dismissed", "completion": {"status": "dismissed"}}}}))
    assert tours[0].completed_run() is None and len(problems) == 1
    tours, problems = parse_progress(json.dumps({"format": 1, "tours": {"first-edit": {
        "status": "dismissed", "completion": {"status": "dismissed", "completed": "2026-11-01"}}}}))
    # the kept run is a completion whatever status it claims: it was moved there on completion
    assert tours[0].completed_run().status == "completed" and problems == []
