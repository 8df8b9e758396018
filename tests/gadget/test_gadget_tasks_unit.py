"""gadget/src/tasks.js without a browser (Node's vm, as bundled): which articles an offer
picks from the published list, forged lists included, and that the progress page keeps the
learner's task edits and their privacy choice."""

from __future__ import annotations

import json
import subprocess

from tests.gadget.test_gadget_unit import ROOT, run_js, supported_node

HARNESS = r"""
const vm = require('vm');
const fs = require('fs');
const files = JSON.parse(process.argv[1]);
const ctx = { mw: { libs: { wikitours: {} }, config: { get: () => 'Main_Page' },
                    storage: { setObject: () => true, getObject: () => null, remove: () => true } },
              location: { href: 'http://w/index.php?title=Rhine&wikitour=citation-task&wikitask=citation' },
              $: {}, Math };
vm.createContext(ctx);
for (const f of files) vm.runInContext(fs.readFileSync(f, 'utf8'), ctx, { filename: f });
const calls = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(calls.map(([args]) => ctx.mw.libs.wikitours.tasks.pick.apply(null, args))));
"""


def pick(*calls):
    files = [str(ROOT / "gadget" / "src" / f"{m}.js") for m in ("texts", "tasks")]
    done = subprocess.run([supported_node(), "-e", HARNESS, json.dumps(files)],
                          input=json.dumps([[list(c)] for c in calls]), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


LIST = {"offer": 2, "topics": ["Rivers", "Music"], "types": {"citation": {"pages": [
    ["Rhine", [0]], ["Danube", [0]], ["Blues", [1]], ["Elbe", [0]]]}}}


def test_an_offer_picks_from_the_list_by_topic_without_pages_already_worked_on():
    got = pick((LIST, "citation", -1, []), (LIST, "citation", 1, []),
               (LIST, "citation", 0, ["Rhine", "Danube"]), (LIST, "missing", -1, []))
    assert len(got[0]) == 2 and set(got[0]) <= {"Rhine", "Danube", "Blues", "Elbe"}
    assert got[1] == ["Blues"] and got[2] == ["Elbe"] and got[3] == []


def test_a_forged_list_offers_nothing_it_cannot_show_safely():
    forged = {"offer": "9999", "types": {"citation": {"pages": [
        "<img src=x onerror=alert(1)>", [1, 2], ["<b>x</b>", "not a list"], ["ok", [0]],
        None, [None, [0]]]}}}
    big = {"offer": 10**6, "types": {"citation": {"pages": [[f"T{i}", []] for i in range(50)]}}}
    got = pick((forged, "citation", -1, []), (big, "citation", -1, []),
               ({"types": {}}, "citation", -1, []))
    assert got[0] == ["ok"]  # titles are only ever shown with .text() (tasks.js)
    assert len(got[1]) == 10 and got[2] == []


def test_the_progress_page_keeps_task_edits_and_the_privacy_choice():
    tasks = [{"type": "citation", "title": "Rhine", "revid": 5}] * 250
    got = run_js([("progress.normalize", [{"format": 1, "tours": {}, "tasks": tasks,
                                           "public": ["practice"]}]),
                  ("progress.normalize", [{"format": 1, "tours": {}, "tasks": "no"}])])
    assert len(got[0]["tasks"]) == 200 and got[0]["public"] == ["practice"]
    assert "tasks" not in got[1]
