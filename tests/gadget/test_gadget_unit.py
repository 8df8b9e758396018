"""The gadget without a browser: its pure modules run in Node.js, the bundle, lint and i18n.

The runtime's decisions (which step shows, where the popover goes, which messages win, what a
progress page may hold) are pure functions, run here in Node's `vm` exactly as bundled. The
linters of Wikimedia (eslint-config-wikimedia, stylelint-config-wikimedia, banana-checker) run
as tests so `./dev test` covers them, and the bundle is parsed as ECMAScript 5, which is what
MediaWiki 1.39's ResourceLoader requires of gadgets.
"""

from __future__ import annotations

import functools
import json
import random
import re
import subprocess
from pathlib import Path

import pytest

from tours import gadget_bundle

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"


@functools.cache
def supported_node() -> str:
    """The Node.js setup chose (scripts/node.sh: 20 or later, .node/ when the system's is
    older); the tools in node_modules need it, so they all run on it, never on `env node`."""
    done = subprocess.run([str(ROOT / "scripts" / "node.sh")], capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0:
        pytest.fail(done.stderr.strip() or "no supported Node.js: run ./dev setup", pytrace=False)
    return done.stdout.strip()



HARNESS = r"""
const vm = require('vm');
const fs = require('fs');
const files = JSON.parse(process.argv[1]);
const store = {};
const ctx = {
  mw: { libs: {}, config: { get: () => null },
        storage: { get: k => (k in store ? store[k] : null), set: (k, v) => { store[k] = v; return true; },
                   remove: k => { delete store[k]; return true; } } },
  $: {}, console
};
ctx.mw.libs.wikitours = {};
vm.createContext(ctx);
for (const f of files) vm.runInContext(fs.readFileSync(f, 'utf8'), ctx, { filename: f });
const wt = ctx.mw.libs.wikitours;
const calls = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = calls.map(([path, args, then]) => {
  const [mod, fn] = path.split('.');
  let r = wt[mod][fn].apply(null, args);
  if (typeof r === 'function') r = (then || []).map(a => r(a));  // e.g. a lookup it returns
  return r === undefined ? null : r;
});
process.stdout.write(JSON.stringify(out));
"""


def run_js(calls: list[tuple]) -> list:
    """Call functions of the runtime's pure modules in Node; one process for many calls."""
    files = [str(ROOT / "gadget" / "src" / f"{m}.js")
             for m in ("state", "config", "conditions", "sheet", "placement", "messages", "texts",
                       "progress")]
    done = subprocess.run([supported_node(), "-e", HARNESS, json.dumps(files)],
                          input=json.dumps(calls),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def js(path: str, *args):
    return run_js([(path, list(args))])[0]


# -- placement ------------------------------------------------------------------------------

VIEW = {"width": 1200, "height": 800}
SIZE = {"width": 300, "height": 150}


def test_placement_takes_the_wanted_side_when_it_fits():
    target = {"top": 300, "left": 500, "width": 100, "height": 40}
    got = run_js([("placement.place", [target, SIZE, VIEW, {"placement": p}])
                  for p in ("top", "bottom", "start", "end")])
    assert [g["side"] for g in got] == ["top", "bottom", "left", "right"]
    top, bottom, start, end = got
    assert top["top"] + SIZE["height"] <= target["top"]
    assert bottom["top"] >= target["top"] + target["height"]
    assert start["left"] + SIZE["width"] <= target["left"]
    assert end["left"] >= target["left"] + target["width"]


def test_placement_flips_when_there_is_no_room():
    near_top = {"top": 10, "left": 500, "width": 100, "height": 30}
    near_left = {"top": 300, "left": 20, "width": 60, "height": 30}
    got = run_js([("placement.place", [near_top, SIZE, VIEW, {"placement": "top"}]),
                  ("placement.place", [near_left, SIZE, VIEW, {"placement": "start"}])])
    assert got[0]["side"] == "bottom"
    assert got[1]["side"] == "right"


def test_start_and_end_mirror_in_right_to_left():
    target = {"top": 300, "left": 500, "width": 100, "height": 40}
    got = run_js([("placement.place", [target, SIZE, VIEW, {"placement": p, "rtl": True}])
                  for p in ("start", "end")])
    assert [g["side"] for g in got] == ["right", "left"]


def test_no_target_centres_and_narrow_screens_get_a_sheet():
    centred, sheet_low, sheet_high = run_js([
        ("placement.place", [None, SIZE, VIEW, {}]),
        ("placement.place", [{"top": 100, "left": 10, "width": 50, "height": 20}, SIZE,
                             {"width": 390, "height": 844}, {}]),
        ("placement.place", [{"top": 700, "left": 10, "width": 50, "height": 20}, SIZE,
                             {"width": 390, "height": 844}, {}]),
    ])
    assert centred["side"] == "center" and centred["left"] == 450 and centred["top"] == 325
    assert sheet_low["side"] == sheet_high["side"] == "sheet"
    assert sheet_low["width"] == 374 and sheet_low["top"] == 844 - 150 - 8, "bottom sheet"
    assert sheet_high["top"] == 8, "element in the lower half: the sheet goes to the top"


def test_placement_always_stays_in_the_viewport():
    rnd = random.Random(5)
    cases = []
    for _ in range(400):
        view = {"width": rnd.randint(640, 1920), "height": rnd.randint(300, 1200)}
        size = {"width": rnd.randint(100, 400), "height": rnd.randint(60, 280)}
        target = {"top": rnd.randint(-300, view["height"] + 300),
                  "left": rnd.randint(-300, view["width"] + 300),
                  "width": rnd.randint(0, 900), "height": rnd.randint(0, 600)}
        opts = {"placement": rnd.choice(["auto", "top", "bottom", "start", "end"]),
                "rtl": rnd.random() < 0.5}
        cases.append((target, size, view, opts))
    got = run_js([("placement.place", list(c)) for c in cases])
    for (target, size, view, _), p in zip(cases, got):
        assert p["left"] >= 8 and p["top"] >= 8, (target, size, view, p)
        assert p["left"] + size["width"] <= view["width"] - 8 + 1, (target, size, view, p)
        assert p["top"] + size["height"] <= view["height"] - 8 + 1, (target, size, view, p)


# -- conditions -----------------------------------------------------------------------------

def ctx(**kw):
    base = {"action": "view", "namespace": 2, "skin": "vector-2022", "editors": [],
            "loggedIn": True, "userName": "Ada", "title": "Ada/sandbox",
            "pageName": "User:Ada/sandbox", "specialName": "",
            "namespaceIds": {"user": 2, "user_talk": 3, "project": 4, "wikitours": 4,
                             "help": 12, "special": -1, "spezial": -1}}
    base.update(kw)
    return base


SANDBOX = {"kind": "sandbox"}
FIRST_EDIT = [
    {"id": "welcome", "page": SANDBOX, "advance": "next", "when": None},
    {"id": "open", "page": SANDBOX, "advance": "click", "when": {"actions": ["view"]}},
    {"id": "write", "page": SANDBOX, "advance": "next",
     "when": {"actions": ["edit", "submit"], "editors": ["source"]}},
    {"id": "visual", "page": SANDBOX, "advance": "next", "when": {"editors": ["visual"]}},
    {"id": "publish", "page": SANDBOX, "advance": "saved",
     "when": {"actions": ["edit", "submit"], "editors": ["source"]}},
    {"id": "done", "page": SANDBOX, "advance": "next", "when": {"actions": ["view"]}},
]


def test_resolve_skips_steps_that_do_not_apply():
    edit = ctx(action="edit", editors=["source"])
    got = run_js([
        ("conditions.resolve", [FIRST_EDIT, 0, ctx()]),
        ("conditions.resolve", [FIRST_EDIT, 2, edit]),
        ("conditions.resolve", [FIRST_EDIT, 3, edit]),  # visual editor step skipped
        ("conditions.resolve", [FIRST_EDIT, 5, ctx()]),
        ("conditions.resolve", [FIRST_EDIT, 6, ctx()]),
    ])
    assert got[0] == {"index": 0}
    assert got[1] == {"index": 2}
    assert got[2] == {"index": 4}
    assert got[3] == {"index": 5}
    assert got[4] is None, "past the last step: the tour is complete"


def test_step_counter_counts_only_the_steps_on_the_readers_path():
    """"Step 3 of 7" must not jump to "Step 5 of 7" when the visual editor's step is skipped."""
    who = {"skin": "vector-2022", "loggedIn": True, "editor": None}
    source, visual = dict(who, editor="source"), dict(who, editor="visual")
    got = run_js([("conditions.counter", [FIRST_EDIT, i, r]) for r in (who, source, visual)
                  for i in range(len(FIRST_EDIT))])
    n = len(FIRST_EDIT)
    before, in_source, in_visual = got[:n], got[n:2 * n], got[2 * n:]
    # Before choosing an editor, the longer of the two paths (source: 5 steps), so the total
    # never grows once the reader opens an editor (issue 16).
    assert [(before[i]["number"], before[i]["total"]) for i in (0, 1, 2)] == [(1, 5), (2, 5), (3, 5)]
    # In the source editor: welcome, open, write, publish, done (the visual step is skipped).
    assert [(in_source[i]["number"], in_source[i]["total"]) for i in (0, 1, 2, 4, 5)] == [
        (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert [(in_visual[i]["number"], in_visual[i]["total"]) for i in (0, 1, 3, 5)] == [
        (1, 4), (2, 4), (3, 4), (4, 4)]
    # the step on screen always counts, even when the prediction left it out
    assert js("conditions.counter", FIRST_EDIT, 3, source) == {"number": 4, "total": 6}
    skins = [{"id": "a", "when": None}, {"id": "m", "when": {"skins": ["minerva"]}},
             {"id": "out", "when": None, "unless": {"loggedIn": False}}, {"id": "z", "when": None}]
    assert js("conditions.counter", skins, 3, who) == {"number": 3, "total": 3}
    assert js("conditions.counter", skins, 3, dict(who, skin="minerva", loggedIn=False)) == {
        "number": 3, "total": 3}
    assert js("conditions.counter", skins, 3, dict(who, skin="minerva")) == {
        "number": 4, "total": 4}


def test_resolve_does_not_skip_a_save_it_cannot_see():
    # The reader left the editor without saving: back to the step that opens it.
    assert js("conditions.resolve", FIRST_EDIT, 4, ctx()) == {"index": 1, "backtrack": True}
    assert js("conditions.resolve", FIRST_EDIT, 2, ctx()) == {"index": 1, "backtrack": True}


def test_resolve_sends_the_reader_to_the_step_page():
    elsewhere = ctx(namespace=12, title="Wikitours", pageName="Help:Wikitours")
    assert js("conditions.resolve", FIRST_EDIT, 0, elsewhere) == {"index": 0, "away": True}
    other_user = ctx(title="Bob/sandbox")
    assert js("conditions.resolve", FIRST_EDIT, 0, other_user)["away"] is True


def test_conditions_each_part_and_unless():
    step = {"when": {"actions": ["view"], "namespaces": [2], "skins": ["minerva"],
                     "editors": [], "loggedIn": True}, "unless": None}
    got = run_js([
        ("conditions.applies", [step, ctx(skin="minerva")]),
        ("conditions.applies", [step, ctx()]),
        ("conditions.applies", [step, ctx(skin="minerva", loggedIn=False)]),
        ("conditions.applies", [step, ctx(skin="minerva", namespace=0)]),
        ("conditions.applies", [{"when": None, "unless": {"skins": ["minerva"]}}, ctx(skin="minerva")]),
        ("conditions.applies", [{"when": None, "unless": {"actions": [], "namespaces": [],
                                                          "skins": [], "editors": [],
                                                          "loggedIn": None}}, ctx()]),
    ])
    assert got == [True, False, False, False, False, True]


def test_pages_by_title_use_the_wiki_namespace_names():
    c = ctx(namespace=4, title="Wikitours/Mentors.json", pageName="Wikitours:Wikitours/Mentors.json")
    special = ctx(namespace=-1, title="Beobachtungsliste", specialName="Watchlist")
    got = run_js([
        ("conditions.pageMatches", [{"kind": "title", "title": "Project:Wikitours/Mentors.json"}, c]),
        ("conditions.pageMatches", [{"kind": "title", "title": "project:wikitours/Mentors.json"}, c]),
        ("conditions.pageMatches", [{"kind": "title", "title": "Help:Wikitours/Mentors.json"}, c]),
        ("conditions.pageMatches", [{"kind": "special", "title": "Special:Watchlist"}, special]),
        ("conditions.pageMatches", [{"kind": "special", "title": "Spezial:Beobachtungsliste"}, special]),
        ("conditions.pageMatches", [{"kind": "user-talk"}, ctx(namespace=3, title="Ada")]),
        ("conditions.pageMatches", [{"kind": "user-page"}, ctx(title="Ada")]),
        ("conditions.pageMatches", [{"kind": "sandbox"},
                                    ctx(loggedIn=False, userName="", title="127.0.0.1/sandbox")]),
        ("conditions.pageTitle", [{"kind": "sandbox"}, "Ada"]),
        ("conditions.pageTitle", [{"kind": "sandbox"}, ""]),
        ("conditions.pageTitle", [{"kind": "user-talk"}, "Ada Lovelace"]),
    ])
    assert got == [True, True, False, True, True, True, True, True,
                   "User:Ada/sandbox", "Special:MyPage/sandbox", "User talk:Ada Lovelace"]


# -- messages and progress -------------------------------------------------------------------

def test_messages_merge_the_fallback_chain_and_refuse_other_keys():
    ar = {"wikitours-next": "التالي", "edit": "HIJACK", "wikitours-x": 5}
    en = {"wikitours-next": "Next", "wikitours-back": "Back", "wikitours-long": "x" * 5001,
          "wikitours-<b>": "bad key"}
    assert js("texts.merge", [ar, None, en, ["not", "an", "object"]]) == {
        "wikitours-next": "التالي", "wikitours-back": "Back"}


def test_messages_contents_follow_title_normalisation():
    response = {"query": {
        "normalized": [{"from": "User:ada/wikitours.json", "to": "User:Ada/wikitours.json"}],
        "pages": [
            {"title": "User:Ada/wikitours.json",
             "revisions": [{"slots": {"main": {"content": "{}"}}}]},
            {"title": "MediaWiki:Wikitours/tours/x.json", "missing": True}]}}
    got = run_js([
        ("texts.contents", [response], ["User:ada/wikitours.json", "User:Ada/wikitours.json",
                                           "MediaWiki:Wikitours/tours/x.json", "Not asked"])])[0]
    assert got == ["{}", "{}", None, None]
    harness_ok = run_js([("texts.validTour", [{"steps": [{"id": "a", "title": "t", "text": "x"}]}]),
                         ("texts.validTour", [{"steps": "no"}]),
                         ("texts.validTour", [{"steps": []}]),
                         ("texts.validTour", [None])])
    assert harness_ok == [True, False, False, False]


def test_every_title_comes_from_one_function():
    got = run_js([("messages.title", ["tours", "first-edit"]),
                  ("messages.title", ["messages", "first-edit", "de"]),
                  ("messages.title", ["messages", "ui", "ar"]),
                  ("messages.title", ["config"]),
                  ("messages.title", ["tours"]),
                  ("messages.title", ["sources"]),
                  ("messages.title", ["progress", "Ada Lovelace"])])
    assert got == ["MediaWiki:Wikitours/tours/first-edit.json",
                   "MediaWiki:Wikitours/messages/first-edit/de.json",
                   "MediaWiki:Wikitours/messages/ui/ar.json",
                   "MediaWiki:Gadget-wikitours-config.json",
                   "MediaWiki:Gadget-wikitours-tours.json",
                   "MediaWiki:Gadget-wikitours-sources.json",
                   "User:Ada Lovelace/wikitours.json"]
    # No other module spells the title of a page the gadget reads or writes (conditions.js
    # links to the reader's sandbox and user pages: places a step happens, not gadget pages).
    for path in (ROOT / "gadget" / "src").glob("*.js"):
        if path.name != "messages.js":
            assert not re.search(r"'MediaWiki:|wikitours\.json'", path.read_text()), path.name


def test_progress_keeps_only_well_formed_records():
    data = {"format": 1, "tours": {
        "first-edit": {"status": "completed", "version": 1},
        "bad id!": {"status": "completed"},
        "forged": {"status": "expert"},
        "nothing": None}}
    assert js("progress.normalize", data) == {
        "format": 1, "tours": {"first-edit": {"status": "completed", "version": 1}}}
    assert js("progress.normalize", "not json") == {"format": 1, "tours": {}}
    assert js("progress.normalize", {"tours": ["list"]}) == {"format": 1, "tours": {}}


# -- the bundle ------------------------------------------------------------------------------

def test_bundle_is_deterministic_and_complete():
    first, second = gadget_bundle.gadget_pages(), gadget_bundle.gadget_pages({"eventUrl": "x"})
    assert first == second
    titles = [t for t, _, _ in first]
    assert titles == ["MediaWiki:Gadget-wikitours.js", "MediaWiki:Gadget-wikitours-runtime.js",
                      "MediaWiki:Gadget-wikitours-runtime.css",
                      "MediaWiki:Gadget-wikitours-place.js", "MediaWiki:Gadget-wikitours-place.css",
                      "MediaWiki:Gadget-wikitours-events.js",
                      "MediaWiki:Gadget-wikitours-translate.js",
                      "MediaWiki:Gadget-wikitours-translate.css"]
    runtime = first[1][2]
    positions = [runtime.index(f"/* {m}.js */") for m in gadget_bundle.MODULES]
    assert positions == sorted(positions)
    # No English copies of the interface messages: the wiki serves them with the tour.
    assert "defaultMessages" not in runtime
    assert not [t for t in gadget_bundle.ui_messages("en").values() if len(t) > 8 and t in runtime]


def test_definition_lines():
    loader, runtime, place, events, _translate = gadget_bundle.definition_lines()
    assert loader == "* wikitours[ResourceLoader|default|targets=desktop,mobile]|wikitours.js"
    assert "|hidden|" in runtime and "targets=desktop,mobile" in runtime
    deps = re.search(r"dependencies=([^|\]]+)", runtime).group(1).split(",")
    # mediawiki.api is loaded only to save a logged-in reader's progress or word an error.
    assert {"mediawiki.jqueryMsg", "mediawiki.language", "mediawiki.user",
            "mediawiki.util", "mediawiki.storage"} == set(deps)
    assert runtime.endswith("|wikitours-runtime.js|wikitours-runtime.css")
    # Loaded on demand, after the runtime whose namespace they extend.
    for line, files in ((place, "|wikitours-place.js|wikitours-place.css"),
                        (events, "|wikitours-events.js")):
        assert "|hidden|dependencies=ext.gadget.wikitours-runtime|" in line
        assert line.endswith(files)


def _node_tools() -> str:
    if not (BIN / "eslint").exists():
        pytest.fail("node_modules is missing: run ./dev setup (npm ci)", pytrace=False)
    return supported_node()


def _es5_errors(paths: list[Path]) -> dict[str, list[str]]:
    """Parse *paths* as ECMAScript 5 in one eslint process (one Node start for every file):
    the parse errors by file name."""
    done = subprocess.run(
        [_node_tools(), str(BIN / "eslint"), "--no-eslintrc", "--parser-options", "ecmaVersion:5",
         "--env", "browser", "--format", "json", *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2 would be eslint itself failing
    return {Path(r["filePath"]).name: [m["message"] for m in r["messages"]]
            for r in json.loads(done.stdout)}


def test_bundle_parses_as_ecmascript_5(tmp_path):
    paths = []
    for title, model, content in gadget_bundle.gadget_pages():
        if model == "javascript":
            path = tmp_path / title.split(":", 1)[1]
            path.write_text(content)
            paths.append(path)
    # The check can fail: ES6 syntax is refused, as ResourceLoader on 1.39 refuses it.
    bad = tmp_path / "es6.js"
    bad.write_text("var f = ( x ) => `${ x }`;\n")
    errors = _es5_errors([*paths, bad])
    assert len(paths) >= 4 and set(errors) == {p.name for p in [*paths, bad]}
    assert {name: found for name, found in errors.items() if found} == {"es6.js": errors["es6.js"]}
    assert errors["es6.js"], "ES6 syntax must be refused"


# -- lint and i18n ---------------------------------------------------------------------------

def test_eslint_wikimedia():
    node = _node_tools()
    done = subprocess.run([node, str(BIN / "eslint"), "--max-warnings", "0", "gadget/"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stylelint_wikimedia():
    node = _node_tools()
    done = subprocess.run([node, str(BIN / "stylelint"), "gadget/**/*.css"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in (ROOT / "i18n").glob("*/en.json")))
def test_banana_checker(folder):
    """Every component's messages pass banana-checker. (i18n/tours has no en.json: its source
    texts live in tours.yaml and `python -m tours status` checks them.)"""
    node = _node_tools()
    # The page renderer's list separator is ", " like MediaWiki's own comma-separator.
    spaces = ["--disallowTrailingWhitespace=off"] if folder == "pages" else []
    done = subprocess.run([node, str(BIN / "banana-checker"), *spaces, f"i18n/{folder}/"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_interface_message_the_code_uses_exists():
    source = "\n".join(p.read_text() for p in (ROOT / "gadget" / "src").glob("*.js"))
    used = set(re.findall(r"'(wikitours-(?!tour-|badge-|active|start|progress'|popover|button|"
                          r"highlight|runtime|translate'|practice')[a-z-]+)'", source))
    used |= {f"wikitours-waiting-{a}" for a in ("saved", "editor-opened", "visited")}
    used.discard("wikitours-waiting-")
    en = json.loads((ROOT / "i18n" / "gadget" / "en.json").read_text())
    qqq = json.loads((ROOT / "i18n" / "gadget" / "qqq.json").read_text())
    assert used, "the pattern finds the keys"
    assert used - set(en) == set()
    assert set(en) - {"@metadata"} == set(qqq) - {"@metadata"}


def test_messages_find_the_interface_messages_a_tour_includes():
    """{{int:key}} in a text makes the gadget load that interface message (jqueryMsg shows ⧼key⧽
    otherwise); only well-formed keys, each once."""
    texts = {"wikitours-a": "Click {{int:savearticle}} or {{int:publishchanges}}.",
             "wikitours-b": "Again {{int:savearticle}}; not {{int:Bad Key}} nor {{int:x|y}}.",
             "wikitours-c": "none"}
    assert js("texts.interfaceKeys", texts) == ["savearticle", "publishchanges"]
    assert js("texts.interfaceKeys", {}) == []
