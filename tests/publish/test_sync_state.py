"""The sync's state on the wiki (publish/syncstate.py), its lease and the machine lock, against a real
MediaWiki: the local cache can be lost without a second talk note or a forgotten diff link, a
wiki leased by another sync is left alone, a crashed sync's lease is taken over, a forged or
broken state page is reported and rebuilt, and two syncs started together publish once.
Requests are counted at the server (router.php's request log).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from publish.multiwiki import parse_config
from publish.sync import STATE_TITLE, sync_once
from publish.syncstate import (MAX_STATE_BYTES, Lease, MachineLock, claim, holder_alive,
                           lease_verdict, parse_state, read_board, render_state)
from trusthelp import trusted_user

ROOT = Path(__file__).resolve().parents[2]
TOURS = "Project:Wikitours/Tours/"
STATUS = "Project:Wikitours/Status"
HELP = "Help:Wikitours/hello"

TOUR = """id: hello
title: Hello
summary: Say hello.
audience: newcomer
minutes: 1
version: 1
steps:
  - id: one
    page: sandbox
    title: Hello there
    text: {text}
"""


def _iso(delta_seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=delta_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _forged(lease: dict | None = None, **fields) -> str:
    return json.dumps({"format": 1, "lease": lease, **fields})


# ---------------------------------------------------------------------------------------------
# The page format and the lease rules (pure)


def test_state_round_trips_and_caps_its_lists():
    state = {"inputs": "abc", "version": "v1", "good": {"P/a.yaml": 12},
             "errors": [["P/a.yaml", 13]], "fixed": [], "notified": [["P/a.yaml", n] for n in range(300)]}
    text = render_state(state, Lease("host:1:ab", "2026-11-25T20:00:00Z"))
    parsed, lease, problem = parse_state(text)
    assert problem == () and lease == Lease("host:1:ab", "2026-11-25T20:00:00Z")
    assert parsed["good"] == {"P/a.yaml": 12} and parsed["errors"] == [["P/a.yaml", 13]]
    assert len(parsed["notified"]) == 200 and parsed["notified"][-1] == ["P/a.yaml", 299]
    assert parse_state(render_state(parsed, None))[1] is None


@pytest.mark.parametrize("text, reason", [
    ("{not json", "json"),
    ("[1, 2]", "field"),
    (json.dumps({"format": 2}), "field"),
    (json.dumps({"format": 1, "good": {"P": "12; DROP TABLE"}}), "field"),
    (json.dumps({"format": 1, "errors": [["P", True]]}), "field"),
    (json.dumps({"format": 1, "notified": "<script>alert(1)</script>"}), "field"),
    (json.dumps({"format": 1, "lease": {"holder": "x", "expires": "tomorrow"}}), "field"),
    (json.dumps({"format": 1, "inputs": "x" * 5000}), "field"),
    (json.dumps({"format": 1, "notified": [["P", 1]] * (MAX_STATE_BYTES // 8)}), "size"),
])
def test_broken_or_forged_pages_are_reported_not_trusted(text, reason):
    state, lease, problem = parse_state(text)
    assert problem and problem[0] == reason
    assert all(not isinstance(v, str) or len(v) <= 255 for v in state.values())


def test_lease_verdicts():
    now = "2026-11-25T20:00:00Z"
    assert lease_verdict(None, "me", now) == "free"
    assert lease_verdict(Lease("me", "2026-11-25T20:01:00Z"), "me", now) == "ours"
    assert lease_verdict(Lease("other", "2026-11-25T20:01:00Z"), "me", now) == "held"
    assert lease_verdict(Lease("other", "2026-11-25T19:59:59Z"), "me", now) == "expired"
    # a lease no sync could have written (ends after now + 90 s + skew) blocks nobody
    assert lease_verdict(Lease("other", "2999-01-01T00:00:00Z"), "me", now) == "forged"
    assert lease_verdict(Lease("other", "2026-11-25T20:15:00Z"), "me", now) == "forged"


def test_a_dead_holder_on_this_machine_is_taken_over_at_once():
    import os
    import socket
    import subprocess
    import sys

    now = "2026-11-25T20:00:00Z"
    host = socket.gethostname()[:64]
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has ended: its pid is free
    assert holder_alive(f"{host}:{gone.pid}:ab") is False
    assert lease_verdict(Lease(f"{host}:{gone.pid}:ab", "2026-11-25T20:01:00Z"), "me", now) == "dead"
    # alive on this machine, or on another machine (only the lease's end tells): held
    assert holder_alive(f"{host}:{os.getpid()}:ab") is True
    assert lease_verdict(Lease(f"{host}:{os.getppid()}:ab", "2026-11-25T20:01:00Z"), "me", now) == "held"
    assert holder_alive(f"elsewhere:{gone.pid}:ab") is None
    assert lease_verdict(Lease(f"elsewhere:{gone.pid}:ab", "2026-11-25T20:01:00Z"), "me", now) == "held"
    # forged holders name no process
    assert holder_alive(f"{host}:notapid:x") is None and holder_alive("") is None


# ---------------------------------------------------------------------------------------------
# MediaWiki's behaviour the lease is built on


def test_same_account_edits_do_not_conflict_but_the_parent_revision_is_exact(wiki):
    """MediaWiki drops the edit conflict when the same user saved in between, so
    basetimestamp/baserevid are no compare-and-swap between two syncs of one bot account; a
    revision's parentid is (exactly one revision has a given parent)."""
    title = "MediaWiki:Wikitours/cas-test.json"
    first = wiki.edit(title, '{"n": 0}', user=wiki.bot.name, contentmodel="json")
    base = wiki.page_info(title)
    time.sleep(1.1)  # base timestamps have one-second resolution: make the later edits later
    bot = wiki.bot.name
    saved = []
    for n in (1, 2):  # both based on the same revision, as two syncs that read at once
        saved.append(wiki.edit(title, json.dumps({"n": n}), user=bot, baserevid=first["newrevid"],
                               basetimestamp=base["timestamp"]))
    assert all(s["result"] == "Success" for s in saved)  # no edit conflict for the second one
    revisions = wiki.call(action="query", prop="revisions", titles=title, rvlimit=5,
                          rvprop="ids")["query"]["pages"][0]["revisions"]
    parents = {r["revid"]: r["parentid"] for r in revisions}
    assert parents[saved[0]["newrevid"]] == first["newrevid"]
    assert parents[saved[1]["newrevid"]] == saved[0]["newrevid"]  # not the base it claimed
    # another account with the same stale base does get the conflict
    from localwiki.client import ApiError
    with pytest.raises(ApiError) as conflict:
        wiki.edit(title, '{"n": 9}', basetimestamp=base.get("timestamp"), baserevid=first["newrevid"])
    assert "editconflict" in str(conflict.value)


def test_of_two_claims_on_the_same_state_one_wins_and_the_other_puts_the_page_back(wiki):
    site = wiki.site()
    wiki.edit(STATE_TITLE, render_state({"inputs": "x", "good": {"P": 1}}, None),
              user=wiki.bot.name, contentmodel="json")
    board = read_board(site)
    assert board.exists and board.lease is None and board.state["good"] == {"P": 1}
    won_a, _ = claim(site, board, "host:1:a", lambda until: f"claim until {until}")
    after_a = read_board(site)
    won_b, _ = claim(site, board, "host:2:b", lambda until: f"claim until {until}")
    assert won_a and not won_b
    now = read_board(site)
    assert now.lease.holder == "host:1:a" and now.state == after_a.state
    # a sync that read long ago claims after the winner finished: the winner's state stands
    final = {"inputs": "y", "good": {"P": 2}, "notified": [["P", 2]]}
    wiki.edit(STATE_TITLE, render_state(final, None), user=wiki.bot.name, contentmodel="json")
    won_c, _ = claim(site, board, "host:3:c", lambda until: f"claim until {until}")
    assert not won_c
    again = read_board(site)
    assert again.lease is None and again.state["good"] == {"P": 2} and again.state["notified"] == [["P", 2]]
    wiki.edit(STATE_TITLE, render_state({}, None), user=wiki.bot.name, contentmodel="json")


# ---------------------------------------------------------------------------------------------
# The sync with its state on the wiki


@pytest.fixture(scope="module")
def lib(wiki):
    trusted_user(wiki, "Tour Editor", "sysop")  # publishes (publish/trust.py)
    wiki.edit(TOURS + "hello.yaml", TOUR.format(text="Version one."), user="Tour Editor")
    config, problems = parse_config({"library": {"wiki": "w", "tours": TOURS},
                                     "wikis": [{"id": "w", "api": wiki.api, "language": "en"}]})
    assert config is not None, problems
    logs: list[str] = []

    def run(cache: dict, **kw):
        return sync_once(config, {"w": wiki.site()}, cache, log=logs.append, **kw).outcomes["w"]

    return wiki, run, logs


def requests_since(wiki, start: float) -> list[dict]:
    """API requests the server began at or after *start* (``time.time()``). router.php writes
    each line when its request ends, which may be after the client has the reply, so a count
    by position could include a request made before the mark; the start time cannot."""
    lines: list[str] = []
    for _ in range(20):  # until the requests still finishing have written their lines
        time.sleep(0.1)
        now = wiki.request_log_file.read_text().splitlines()
        if now == lines:
            break
        lines = now
    entries = [json.loads(line) for line in lines]
    return [e for e in entries if e.get("time", 0) >= start
            and e.get("uri", "").split("?")[0].endswith("/api.php")]


def _edits(wiki, start: float) -> list:
    return [e for e in requests_since(wiki, start) if e["method"] == "POST" and e["action"] == "edit"]


def _state(wiki) -> dict:
    return json.loads(wiki.wikitext(STATE_TITLE))


def test_the_state_is_on_the_wiki_and_losing_the_cache_loses_nothing(lib):
    wiki, run, logs = lib
    # a leftover of the tests above
    wiki.edit(STATE_TITLE, render_state({}, None), user=wiki.bot.name, contentmodel="json")
    outcome = run({})
    assert outcome.published, (outcome.errors, logs)
    state = _state(wiki)
    good = state["good"]
    assert state["lease"] is None and state["version"] == outcome.version and good
    tour_title = next(iter(good))
    summaries = [r["comment"] for r in wiki.history(STATE_TITLE)[-2:]]
    assert any("working on this wiki" in s for s in summaries) and "state of the sync" in summaries[-1]

    # a broken edit, seen by a sync whose cache is lost: diff link from the last good revision
    text = wiki.wikitext(tour_title)
    broken = wiki.edit(tour_title, text.replace("minutes: 1", "minutes: lots"), user="Tour Editor")
    outcome = run({})
    assert outcome.errors and not outcome.published and outcome.notified
    status = wiki.wikitext(STATUS)
    assert f"Special:Diff/{good[tour_title]}/{broken['newrevid']}" in status
    assert _state(wiki)["notified"] == [[tour_title, broken["newrevid"]]]

    # cache lost again: the state page says it is all done — one read more, no edit
    mark = time.time()
    outcome = run({})
    assert not outcome.changed and _edits(wiki, mark) == []
    assert len(requests_since(wiki, mark)) == 2

    # even a forced run without cache does not tell the editor twice
    run({}, force=True)
    assert wiki.wikitext("User talk:Tour Editor").count("wikitours:sync-error") == 1

    # the fix, seen without cache: "Fixed" (the reported errors come from the wiki)
    wiki.edit(tour_title, text, user="Tour Editor")
    outcome = run({})
    assert outcome.published
    assert "Fixed" in wiki.wikitext(STATUS) and _state(wiki)["fixed"] == [[tour_title, broken["newrevid"]]]


def test_nothing_changed_is_one_request_with_a_warm_cache(lib):
    wiki, run, _ = lib
    cache: dict = {}
    run(cache)  # fills the cache (cold: reads the state page)
    assert cache["wikis"]["w"]["inputs"] == _state(wiki)["inputs"]
    mark = time.time()
    outcome = run(cache)
    log = requests_since(wiki, mark)
    assert not outcome.changed and len(log) == 1 and log[0]["action"] == "query", log


def test_a_wiki_leased_by_another_sync_is_left_alone_until_the_lease_expires(lib):
    wiki, run, logs = lib
    state, _, _ = parse_state(wiki.wikitext(STATE_TITLE))
    lease = {"holder": "elsewhere:4242:beef", "expires": _iso(80)}
    wiki.edit(STATE_TITLE, render_state(state, Lease(**lease)), user=wiki.bot.name, contentmodel="json")
    tour_title = next(iter(state["good"]))
    wiki.edit(tour_title, TOUR.format(text="Version two."), user="Tour Editor")
    help_before = wiki.wikitext(HELP)
    mark = time.time()
    outcome = run({})
    assert outcome.skipped == "elsewhere:4242:beef" and not outcome.published
    assert _edits(wiki, mark) == [] and wiki.wikitext(HELP) == help_before
    assert any("elsewhere:4242:beef" in line and "skipped" in line for line in logs)
    # the holder crashed: its lease ends and the next sync takes over
    lease["expires"] = _iso(-5)
    wiki.edit(STATE_TITLE, render_state(state, Lease(**lease)), user=wiki.bot.name, contentmodel="json")
    outcome = run({})
    assert outcome.published and "Version two." in wiki.wikitext(HELP)
    assert any("taking over" in line or "takes over" in line for line in logs)
    assert _state(wiki)["lease"] is None


@pytest.mark.parametrize("page, model", [
    ("{this is: [not json", "text"),
    (_forged({"holder": "vandal", "expires": "2999-01-01T00:00:00Z"}, version="<script>alert(1)</script>",
             good={"x": "[[Category:Pwned]]"}), "json"),
    (_forged(None, notified=[["P", 1]] * (MAX_STATE_BYTES // 8)), "json"),
    (_forged({"holder": "forever", "expires": "2999-01-01T00:00:00Z"}), "json"),  # blocks no one
])
def test_a_broken_or_forged_state_page_is_reported_and_rebuilt(lib, page, model):
    wiki, run, logs = lib
    wiki.edit(STATE_TITLE, page, contentmodel=model)  # an interface admin's hand edit
    outcome = run({})
    assert outcome.state_problem and "rebuilt" in outcome.state_problem
    assert outcome.published or outcome.changed
    status = wiki.wikitext(STATUS)
    assert "rebuilt" in status and "<script>" not in status and "[[Category:Pwned" not in status
    state, lease, problem = parse_state(wiki.wikitext(STATE_TITLE))
    assert problem == () and lease is None and state["inputs"]
    assert wiki.page_info(STATE_TITLE).get("contentmodel") == "json"
    assert any("rebuilt" in line for line in logs)


# ---------------------------------------------------------------------------------------------
# Two processes


def _config(wiki, tmp_path: Path) -> Path:
    path = tmp_path / "wikis.yaml"
    path.write_text(json.dumps({"library": {"wiki": wiki.family, "tours": TOURS},
                                "wikis": [{"id": wiki.family, "api": wiki.api, "language": "en"}]}))
    return path


def test_a_second_sync_on_the_same_machine_touches_nothing(lib, tmp_path):
    wiki, *_ = lib
    config, cache = _config(wiki, tmp_path), tmp_path / "sync-state.json"
    lock = MachineLock(tmp_path / "sync-state.json.lock")
    assert lock.acquire()  # as the running sync holds it
    try:
        wiki.edit(TOURS + "hello.yaml", TOUR.format(text="Version three."), user="Tour Editor")
        mark = time.time()
        run = subprocess.run([sys.executable, "-m", "publish.sync", f"-wikis:{config}",
                              f"-state:{cache}", "-once"], cwd=ROOT, env=wiki.pywikibot_env(),
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        output = run.stdout + run.stderr
        assert "Another sync is already running" in output and str(os.getpid()) in output
        assert requests_since(wiki, mark) == [] and not cache.exists()
    finally:
        lock.release()


def _racers(wiki, tmp_path: Path, config: Path, start: float) -> list[subprocess.Popen]:
    # Two "machines": separate cache files (so separate lock files); both wait for the same
    # moment after logging in, then run.
    code = ("import sys, time; from publish import sync, syncstate; start = float(sys.argv[1]);"
            "real = syncstate.read_board\n"
            "def read_board(*a, **k):\n"
            "    time.sleep(max(0.0, start - time.time()))\n"
            "    return real(*a, **k)\n"
            "sync.read_board = read_board\n"
            "sys.exit(sync.main(*sys.argv[2:]))")
    return [subprocess.Popen([sys.executable, "-c", code, str(start), f"-wikis:{config}",
                              f"-state:{tmp_path / f'cache-{n}.json'}", "-once"],
                             cwd=ROOT, env=wiki.pywikibot_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for n in (1, 2)]


def test_two_syncs_started_together_publish_once_and_tell_once(lib, tmp_path):
    wiki, *_ = lib
    config = _config(wiki, tmp_path)
    title = wiki.call(action="query", list="allpages", apprefix="Wikitours/Tours/hello",
                      apnamespace=4)["query"]["allpages"][0]["title"]
    for round_number in range(4):
        broken = round_number % 2 == 1
        text = TOUR.format(text=f"Round {round_number}.")
        if broken:
            text = text.replace("minutes: 1", f"minutes: round{round_number}")
        edit = wiki.edit(title, text, user="Tour Editor")
        help_revs = len(wiki.history(HELP))
        state_revs = len(wiki.history(STATE_TITLE))
        for n in (1, 2):
            (tmp_path / f"cache-{n}.json").unlink(missing_ok=True)
        racers = _racers(wiki, tmp_path, config, time.time() + 4)
        outputs = [p.communicate(timeout=240)[0] for p in racers]
        assert [p.returncode for p in racers] == [0, 0], outputs
        worked = [o for o in outputs if "published" in o or "nothing published" in o]
        assert len(worked) == 1, outputs  # the other lost the claim or found the work done
        if broken:
            talk = wiki.wikitext("User talk:Tour Editor")
            assert talk.count(f'wikitours:sync-error rev="{edit["newrevid"]}"') == 1, outputs
            assert len(wiki.history(HELP)) == help_revs
        else:
            assert f"Round {round_number}." in wiki.wikitext(HELP)
            assert len(wiki.history(HELP)) == help_revs + 1, outputs  # published
        # one sync worked: one claim that held and one final write (a loser's claim and its
        # put-back may come on top)
        summaries = [r["comment"] for r in wiki.history(STATE_TITLE)[state_revs:]]
        assert summaries.count("wikitours: state of the sync") == 1, (summaries, outputs)
        state = _state(wiki)
        assert state["lease"] is None and state["inputs"], outputs
        assert state["good"] and all(isinstance(r, int) for r in state["good"].values())
