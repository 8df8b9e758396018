"""The sync's decisions as pure functions (publish/syncplan.py) over the typed state
(contracts/syncstate.py): no wiki, no clock."""

from __future__ import annotations

import json

from publish import syncplan
from contracts.syncstate import LIST_CAP, Lease, Publishing, SyncState, parse, render

DRAFTS = "Project:Wikitours/Drafts/"


def is_draft(title: str) -> bool:
    return title.startswith(DRAFTS) and title.endswith(".yaml")


def plan(state, inputs="in1", drafts=None, force=False, has_drafts=True):
    return syncplan.plan_wiki(state, inputs, drafts or {}, force=force, has_drafts=has_drafts,
                              is_draft=is_draft)


def test_a_wiki_whose_inputs_did_not_change_is_up_to_date():
    state = SyncState(inputs="in1", drafts_base="in1")
    assert plan(state).up_to_date
    assert plan(state, inputs="in2").live  # a source page, the adaptation or the setup changed
    assert plan(SyncState()).live  # a lost or new state page: compile
    assert plan(state, force=True) == syncplan.WikiPlan(True, ())


def test_drafts_changed_deleted_and_recompiled_when_their_base_changed():
    a, b, c = DRAFTS + "a.yaml", DRAFTS + "b.yaml", DRAFTS + "c.yaml"
    state = SyncState(inputs="in1", drafts_base="in1", drafts={a: (10, 0), c: (30, 2)})
    # b is new, a unchanged, c deleted (marked after the changed ones)
    assert plan(state, drafts={a: 10, b: 20}).drafts == (b, c)
    assert not plan(state, drafts={a: 10, b: 20}).live  # only drafts: the live tours stay
    # a's revision changed
    assert plan(state, drafts={a: 11, c: 30}).drafts == (a,)
    # the library changed: every draft is compiled again against it
    assert plan(state, inputs="in2", drafts={a: 10, c: 30}).drafts == (a, c)
    # a wiki without drafts (a local wiki, or drafts off) never has any
    assert plan(state, drafts={a: 99}, has_drafts=False).drafts == ()
    # a forged entry in the state that is no draft page is ignored (not marked deleted)
    forged = SyncState(inputs="in1", drafts_base="in1", drafts={"Main Page": (1, 0)})
    assert plan(forged).up_to_date


def test_publish_fixes_the_reported_errors_and_records_what_is_live():
    state = SyncState(inputs="old", errors=(("P/a.yaml", 13),), good={"P/a.yaml": 12},
                      version="v1", notified=(("P/a.yaml", 13),))
    after = syncplan.after_publish(state, {"P/a.yaml": 14, "P/b.yaml": 3}, "v2")
    assert after.fixed == (("P/a.yaml", 13),) and after.errors == ()
    assert after.good == {"P/a.yaml": 14, "P/b.yaml": 3} and after.version == "v2"
    assert after.notified == state.notified  # notes stay remembered
    preview = syncplan.after_clean_preview(state)
    assert preview.fixed == (("P/a.yaml", 13),) and preview.good == state.good
    assert preview.version == "v1"


def test_errors_are_reported_and_each_broken_revision_is_noted_once():
    state = SyncState(fixed=(("P/x.yaml", 1),), notified=(("P/a.yaml", 13),))
    assert syncplan.is_notified(state, "P/a.yaml", 13)
    assert not syncplan.is_notified(state, "P/a.yaml", 14)
    after = syncplan.after_errors(state, [("P/a.yaml", 14)], [("P/a.yaml", 14)])
    assert after.errors == (("P/a.yaml", 14),) and after.fixed == ()
    assert after.notified == (("P/a.yaml", 13), ("P/a.yaml", 14))
    # the list of notes is capped (the talk page's marker is checked too)
    many = SyncState(notified=tuple((f"P/{n:04}", n) for n in range(LIST_CAP)))
    capped = syncplan.after_errors(many, [], [("P/zzzz", 1)])
    assert len(capped.notified) == LIST_CAP and capped.notified[-1] == ("P/zzzz", 1)


def test_drafts_state_after_previews():
    a, c = DRAFTS + "a.yaml", DRAFTS + "c.yaml"
    state = SyncState(drafts={a: (10, 0), c: (30, 2), "Forged": (1, 1)})
    after = syncplan.after_drafts(state, {a: (11, 1)}, [c], "in2", is_draft)
    assert after.drafts == {a: (11, 1)} and after.drafts_base == "in2"


def test_the_end_of_a_run_records_inputs_only_when_done():
    state = SyncState(inputs="old", publishing=Publishing("v", "p", "2026-11-25T20:13:00Z"))
    done = syncplan.after_run(state, live=True, inputs="new", done=True)
    assert done.inputs == "new" and done.publishing is None
    stopped = syncplan.after_run(state, live=True, inputs="new", done=False)
    assert stopped.inputs == "" and "inputs" not in stopped.to_dict()  # tried again next run
    drafts_only = syncplan.after_run(state, live=False, inputs="new", done=False)
    assert drafts_only.inputs == "old"


def test_the_typed_state_reads_and_writes_the_documented_page():
    """docs/contracts.md §11's example goes through the contract module and back."""
    example = {"format": 1, "inputs": "abc", "version": "0123456789ab", "good": {"P/a.yaml": 123},
               "errors": [["P/b.yaml", 130]], "fixed": [["P/b.yaml", 120]],
               "notified": [["P/b.yaml", 130]], "drafts-base": "abc",
               "drafts": {"Project:Wikitours/Drafts/x.yaml": [140, 0]},
               "publishing": {"version": "0123456789ab", "pointer": "g1",
                              "started": "2026-11-25T20:13:00Z"},
               "lease": {"holder": "host:12:abcd", "expires": "2026-11-25T20:15:00Z"}}
    state, lease, problem = parse(json.dumps(example))
    assert problem == ()
    assert lease == Lease("host:12:abcd", "2026-11-25T20:15:00Z")
    assert state.good == {"P/a.yaml": 123} and state.errors == (("P/b.yaml", 130),)
    assert state.drafts == {"Project:Wikitours/Drafts/x.yaml": (140, 0)}
    assert state.publishing == Publishing("0123456789ab", "g1", "2026-11-25T20:13:00Z")
    assert json.loads(render(state, lease)) == example
    released = json.loads(render(state, None))
    assert released["lease"] is None
    # the local cache form carries the page revision it was read at
    assert SyncState.from_cache(state.to_cache(7)) == state and state.to_cache(7)["revid"] == 7


def test_hostile_state_pages_are_dropped_or_reported():
    assert parse("not json")[2] == ("json", "")
    assert parse(json.dumps({"format": 2}))[2] == ("field", "format")
    assert parse("x" * (300 * 1024))[2][0] == "size"
    state, lease, problem = parse(json.dumps({
        "format": 1, "good": {"P": "<script>"}, "errors": [["P", -1]],
        "drafts": {"D": [1, 2, 3]}, "inputs": "i" * 300, "lease": {"holder": "", "expires": "x"},
        "publishing": {"version": "v", "pointer": "p", "started": "yesterday"}}))
    assert problem == ("field", "inputs")  # the first bad field is named
    assert state == SyncState() and lease is None
    assert SyncState.from_cache("garbage") is None


def test_error_notes_once_per_broken_revision_and_on_the_pages_own_wiki():
    state = SyncState(notified=(("P/a.yaml", 13),))
    notes = syncplan.plan_error_notes(
        state, ["P/a.yaml", "P/b.yaml", "P/b.yaml", "Local.yaml", "Status page"],
        {"P/a.yaml": 13, "P/b.yaml": 7, "Local.yaml": 4},
        is_here=lambda page: page != "Local.yaml")
    assert notes.reported == (("P/a.yaml", 13), ("P/b.yaml", 7), ("Local.yaml", 4))
    assert notes.send == (("P/b.yaml", 7, 2),)  # a.yaml's editor was told about revision 13
    assert notes.settled == (("Local.yaml", 4),)  # told by its own wiki's sync
    # a new broken revision of a page gets a new note
    again = syncplan.plan_error_notes(state, ["P/a.yaml"], {"P/a.yaml": 14}, lambda p: True)
    assert again.send == (("P/a.yaml", 14, 1),)


def test_the_inputs_digest_changes_with_each_input():
    base = syncplan.inputs_digest("lib", 1, 2, False, "setup")
    assert base == syncplan.inputs_digest("lib", 1, 2, False, "setup")
    for other in (("lib2", 1, 2, False, "setup"), ("lib", 3, 2, False, "setup"),
                  ("lib", 1, 5, False, "setup"), ("lib", 1, 2, True, "setup"),
                  ("lib", 1, 2, False, "upgraded")):
        assert syncplan.inputs_digest(*other) != base
