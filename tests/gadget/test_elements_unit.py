"""The gadget's element resolution and page-state conditions without a browser (Node's vm):
per-skin/per-version entries, ordered alternatives in one step, the new conditions, texts per
skin (issues 16, 17, 22)."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from tours.load import load_library
from tours.render.gadgetdata import tour_data

ROOT = Path(__file__).resolve().parents[2]

HARNESS = r"""
const vm = require('vm');
const fs = require('fs');
const [files, known] = JSON.parse(process.argv[1]);
const ctx = {
  mw: { libs: {}, config: { get: () => null },
        message: k => ({ exists: () => known.indexOf(k) !== -1 }),
        storage: { get: () => null, set: () => true, remove: () => true } },
  $: {}, console
};
ctx.mw.libs.wikitours = {};
vm.createContext(ctx);
for (const f of files) vm.runInContext(fs.readFileSync(f, 'utf8'), ctx, { filename: f });
const wt = ctx.mw.libs.wikitours;
const calls = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(calls.map(([path, args]) => {
  const [mod, fn] = path.split('.');
  const r = wt[mod][fn].apply(null, args);
  return r === undefined ? null : r;
})));
"""


def node() -> str:
    done = subprocess.run([str(ROOT / "scripts" / "node.sh")], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        pytest.fail(done.stderr.strip() or "no supported Node.js: run ./dev setup", pytrace=False)
    return done.stdout.strip()


def run_js(calls, known=()):
    files = [str(ROOT / "gadget" / "src" / f"{m}.js") for m in ("state", "conditions", "elements")]
    done = subprocess.run([node(), "-e", HARNESS, json.dumps([files, list(known)])], input=json.dumps(calls),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


BASE = """\
source-language: en
tours:
  - id: t1
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    steps:
"""


def compiled(steps: str) -> list[dict]:
    library, problems = load_library(BASE + textwrap.indent(textwrap.dedent(steps), " " * 6), "t.yaml")
    assert library is not None, problems
    return json.loads(tour_data(library, library.tours[0]).content)["steps"]


def test_minerva_edit_tab_per_version():
    """Issue 16: on 1.43 Minerva's tab is #ca-editsource (#ca-createsource on a new page)."""
    target = compiled("- {id: open, title: O, text: O, element: edit-source-tab}\n")[0]["target"]
    got = run_js([("elements.selectors", [target, "minerva", "1.43.9", None]),
                  ("elements.selectors", [target, "minerva", "1.39.10", None]),
                  ("elements.selectors", [target, "vector-2022", "1.43.9", None]),
                  ("elements.selectors", [target, "timeless", "1.43.9", None]),
                  ("elements.selectors", [target, "minerva", "", None])])
    assert got == [["#ca-editsource", "#ca-createsource"], ["#ca-edit"], ["#ca-edit"], ["#ca-edit"],
                   ["#ca-editsource", "#ca-createsource", "#ca-edit"]]  # version unknown: try all


def test_discussion_tools_entries():
    target = compiled("- {id: t, title: T, text: T, element: [reply-link, add-topic], page: Talk:X}\n")[0]["target"]
    got = run_js([("elements.selectors", [target, "minerva", "1.43.9", True]),
                  ("elements.selectors", [target, "minerva", "1.43.9", False]),
                  ("elements.selectors", [target, "vector", "1.43.9", False])])
    assert got == [[".ext-discussiontools-init-replylink-buttons", ".ext-discussiontools-init-new-topic-button"],
                   [], ["#ca-addsection"]]


def test_old_data_and_forged_entries():
    """Data compiled before versions existed still works; entries that are not selectors are dropped."""
    target = {"selectors": {"*": ["#a", {"css": "#b", "since": "1.43"}, {"nope": 1}, None, 5,
                                     {"css": "#c", "before": "banana"}, {"css": "#a"}]}}
    assert run_js([("elements.selectors", [target, "vector", "1.39.1", None])]) == [["#a", "#c"]]
    assert run_js([("elements.selectors", [{"selectors": {"*": ["#x"]}}, "minerva", "1.39", None])]) == [["#x"]]
    assert run_js([("elements.selectors", [None, "vector", "1.39", None])]) == [[]]


def test_one_step_per_skin_counts_once():
    """Issue 22: the step written once with per-skin alternatives is one step of three."""
    steps = compiled("""\
        - {id: a, title: A, text: A}
        - id: tab
          title: B
          text: B
          element:
            - {element: user-menu, skin: vector-2022}
            - {element: user-page-link, skin: vector}
            - {element: main-menu, skin: minerva}
        - {id: c, title: C, text: C}
        """)
    calls = []
    for skin in ("vector-2022", "vector", "minerva"):
        reader = {"skin": skin, "loggedIn": True, "editor": None}
        calls += [("conditions.counter", [steps, 1, reader]), ("elements.selectors", [steps[1]["target"], skin, "1.43.9", None])]
    got = run_js(calls)
    assert got[0::2] == [{"number": 2, "total": 3}] * 3
    assert got[1::2] == [["#vector-user-links-dropdown"], ["#pt-userpage"], ["#mw-mf-main-menu-button"]]


def ctx(**kw):
    base = {"action": "submit", "namespace": 2, "skin": "vector", "editors": ["source"], "loggedIn": True,
            "userName": "A", "title": "A/sandbox", "pageName": "User:A/sandbox", "specialName": "",
            "namespaceIds": {}, "previewing": False, "showingChanges": False, "watched": False, "dialogs": []}
    base.update(kw)
    return base


def test_previewing_showing_changes_watched_and_dialogs():
    step = compiled("""\
        - id: p
          title: P
          text: P
          when: {action: submit, previewing: true}
          unless: {watched: true}
        - id: d
          title: D
          text: D
          when: {showing-changes: true}
        - id: s
          title: S
          text: S
          when: {dialog: [save, cite]}
        - id: n
          title: N
          text: N
          unless: {dialog: any}
        """)
    got = run_js([
        ("conditions.applies", [step[0], ctx(previewing=True)]),
        ("conditions.applies", [step[0], ctx(showingChanges=True)]),
        ("conditions.applies", [step[0], ctx(previewing=True, watched=True)]),
        ("conditions.applies", [step[1], ctx(showingChanges=True)]),
        ("conditions.applies", [step[1], ctx(previewing=True)]),
        ("conditions.applies", [step[2], ctx(dialogs=["cite"])]),
        ("conditions.applies", [step[2], ctx(dialogs=["welcome"])]),
        ("conditions.applies", [step[3], ctx(dialogs=["welcome"])]),
        ("conditions.applies", [step[3], ctx()]),
    ])
    assert got == [True, False, False, True, False, True, False, False, True]


def test_text_per_skin():
    """Issue 17: Minerva readers see the pencil, others 'Edit source'."""
    step = compiled("""\
        - id: open
          title: O
          text: Click '''Edit source'''.
          skin-text: {minerva: Tap the pencil icon.}
        """)[0]
    key = "wikitours-tour-t1-step-open-text-minerva"
    got = run_js([("conditions.stepText", [step, "minerva"]), ("conditions.stepText", [step, "vector"])], known=[key])
    assert got == [key, "wikitours-tour-t1-step-open-text"]
    # the skin's message missing (a broken message page): the usual text
    assert run_js([("conditions.stepText", [step, "minerva"])]) == ["wikitours-tour-t1-step-open-text"]


def test_steps_written_once_per_skin_resolve_as_one():
    """Issue 22: three copies of a step with `when: skin` (kept working, though lint warns):
    the right copy shows on the right page, a copy of another skin never stops the tour or
    sends the reader elsewhere, and the counter counts one step."""
    steps = compiled("""\
        - {id: a, title: A, text: A, page: sandbox}
        - {id: b1, title: B, text: B, page: Help:Elsewhere, advance: saved, when: {skin: vector-2022}}
        - {id: b2, title: B, text: B, page: sandbox, advance: saved, when: {skin: vector}}
        - {id: b3, title: B, text: B, page: sandbox, when: {skin: minerva}}
        - {id: c, title: C, text: C, page: sandbox}
        """)
    got = run_js([
        ("conditions.resolve", [steps, 1, ctx(skin="vector", action="view")]),
        ("conditions.resolve", [steps, 1, ctx(skin="minerva", action="view")]),
        ("conditions.resolve", [steps, 1, ctx(skin="vector-2022", action="view", namespace=12,
                                               title="Elsewhere", pageName="Help:Elsewhere",
                                               namespaceIds={"help": 12})]),
        ("conditions.counter", [steps, 3, {"skin": "minerva", "loggedIn": True, "editor": None}]),
        ("conditions.counter", [steps, 4, {"skin": "minerva", "loggedIn": True, "editor": None}]),
    ])
    assert got[0] == {"index": 2}
    assert got[1] == {"index": 3}, "not sent to b1's page, nor back to a by b2's save"
    assert got[2] == {"index": 1}
    assert got[3:] == [{"number": 2, "total": 3}, {"number": 3, "total": 3}]
