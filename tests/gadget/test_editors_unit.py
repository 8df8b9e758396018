"""The runtime's pure decisions for tours in both editors (issue 16), run in Node.

A tour with a branch per editor: a `saved` step of the branch the reader did not take must not
stop the tour; a reader who switches editors half-way starts the new editor's branch from its
first step; a popover never covers the button that publishes.
"""

from __future__ import annotations

from tests.gadget.test_gadget_unit import SANDBOX, ctx, js, run_js

# first-edit as shipped: one branch per editor, each ending in a save.
BOTH = [
    {"id": "welcome", "page": SANDBOX, "advance": "next", "when": None},
    {"id": "open", "page": SANDBOX, "advance": "editor-opened", "when": {"actions": ["view"]}},
    {"id": "write", "page": SANDBOX, "advance": "next",
     "when": {"actions": ["edit", "submit"], "editors": ["source"]}},
    {"id": "write-visual", "page": SANDBOX, "advance": "next", "when": {"editors": ["visual"]}},
    {"id": "summary", "page": SANDBOX, "advance": "next",
     "when": {"actions": ["edit", "submit"], "editors": ["source"]}},
    {"id": "publish", "page": SANDBOX, "advance": "saved",
     "when": {"actions": ["edit", "submit"], "editors": ["source"]}},
    {"id": "save-visual", "page": SANDBOX, "advance": "click", "when": {"editors": ["visual"]}},
    {"id": "summary-visual", "page": SANDBOX, "advance": "next", "when": {"editors": ["visual"]}},
    {"id": "publish-visual", "page": SANDBOX, "advance": "saved", "when": {"editors": ["visual"]}},
    {"id": "done", "page": SANDBOX, "advance": "next", "when": {"actions": ["view"]}},
]


def test_the_visual_branch_is_reachable():
    ve = ctx(editors=["visual"], chosen="visual")
    got = run_js([
        ("conditions.resolve", [BOTH, 2, ve]),  # the source steps are skipped...
        ("conditions.resolve", [BOTH, 4, ve]),  # ...and so is the source editor's save
        ("conditions.resolve", [BOTH, 9, ctx(chosen="visual")]),
        ("conditions.resolve", [BOTH, 9, ctx(chosen="source")]),
        # a source reader past their save: the visual save is not theirs to wait for
        ("conditions.resolve", [BOTH, 6, ctx(chosen="source")]),
    ])
    assert got == [{"index": 3}, {"index": 6}, {"index": 9}, {"index": 9}, {"index": 9}]


def test_a_save_of_the_readers_own_branch_still_stops_the_tour():
    # Left the visual editor without saving: back to the step that opens an editor.
    assert js("conditions.resolve", BOTH, 6, ctx(chosen="visual")) == {"index": 1, "backtrack": True}
    assert js("conditions.resolve", BOTH, 4, ctx(chosen="source")) == {"index": 1, "backtrack": True}
    # Before an editor is chosen, any save stops it, as before.
    assert js("conditions.resolve", BOTH, 2, ctx()) == {"index": 1, "backtrack": True}


def test_switching_editors_starts_the_new_branch_from_its_start():
    got = run_js([("conditions.branchStart", [BOTH, i]) for i in range(len(BOTH))])
    assert got == [0, 1, 2, 2, 2, 2, 2, 2, 2, 9]


def test_counter_before_and_after_choosing():
    who = {"skin": "vector-2022", "loggedIn": True, "editor": None}
    got = run_js([("conditions.counter", [BOTH, 0, who]),
                  ("conditions.counter", [BOTH, 1, who]),
                  ("conditions.counter", [BOTH, 2, dict(who, editor="source")]),
                  ("conditions.counter", [BOTH, 3, dict(who, editor="visual")]),
                  ("conditions.counter", [BOTH, 8, dict(who, editor="visual")]),
                  ("conditions.counter", [BOTH, 9, dict(who, editor="source")])])
    assert got == [{"number": 1, "total": 7}, {"number": 2, "total": 7},
                   {"number": 3, "total": 6}, {"number": 3, "total": 7},
                   {"number": 6, "total": 7}, {"number": 6, "total": 6}]


VIEW = {"width": 1280, "height": 800}
SIZE = {"width": 300, "height": 160}


def overlaps(a, b):
    return (a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"] and
            a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"])


def test_the_popover_never_covers_a_publish_button():
    # A tall surface: nothing fits beside it, so the popover would be clamped over the
    # toolbar's Publish button at the top right.
    surface = {"top": 200, "left": 320, "width": 930, "height": 560}
    publish = {"top": 150, "left": 1120, "width": 110, "height": 40}
    plain, kept = run_js([
        ("placement.place", [surface, SIZE, VIEW, {"placement": "top"}]),
        ("placement.place", [surface, SIZE, VIEW, {"placement": "top", "avoid": [publish]}])])
    box = lambda p: {"top": p["top"], "left": p["left"], **SIZE}  # noqa: E731
    assert not overlaps(box(kept), publish)
    # nothing to avoid: the placement is what it always was
    assert js("placement.place", surface, SIZE, VIEW, {"placement": "top", "avoid": []}) == plain


def test_the_publish_button_as_the_target_is_pointed_at_not_avoided():
    button = {"top": 150, "left": 1120, "width": 110, "height": 40}
    got = js("placement.place", button, SIZE, VIEW, {"placement": "bottom", "avoid": [button]})
    assert got["side"] == "bottom" and got["top"] >= 190


def test_hostile_avoid_rectangles_do_not_break_placement():
    target = {"top": 300, "left": 300, "width": 100, "height": 30}
    got = js("placement.place", target, SIZE, VIEW,
             {"placement": "bottom", "avoid": [{"top": 0, "left": 0, "width": 1280, "height": 800}]})
    assert got["side"] == "bottom"  # the whole screen cannot be kept free: placed as usual
