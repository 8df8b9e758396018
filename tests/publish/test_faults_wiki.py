"""Fault injection: the wiki gone for 20 seconds while the bots work.

With the production retry settings (Pywikibot's own backoff and maxlag, as on a real wiki;
localwiki/pwbconfig.py ``PRODUCTION_RETRIES``) an outage costs a delay: the welcome bot
welcomes every newcomer of its run exactly once, and a publish of the sync finishes in the
same run with readers only ever on one complete version.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults import (ROOT, STATUS, TOUR_IDS, TOURS, production_env, published_library,
                          reader_view, sync_command, tour_text)
from tests.bot.test_bot_crash import check_exactly_once
from tests.bot.test_bot_welcome import prepared, start_project, talk_pages_made  # noqa: F401

OUTAGE = 20


def outage(wiki, seconds: float = OUTAGE) -> None:
    wiki.stop()
    time.sleep(seconds)
    wiki.start(timeout=60)


def test_the_welcome_bot_waits_out_an_outage_and_skips_no_newcomer(prepared, tmp_path):
    wiki = prepared
    mentors = ["Mentor Outage A", "Mentor Outage B"]
    project = start_project(wiki, "T-outage", [{"username": m, "capacity": 100}
                                               for m in mentors])
    names = [f"Outage {i:02d}" for i in range(8)]
    for name in names:
        wiki.create_user(name)
    env = production_env(wiki, tmp_path / "pwb")
    bot = subprocess.Popen([sys.executable, "-m", "bot.welcome", f"-project:{project}",
                            "-pt:0.5", "-seed:5"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and talk_pages_made(wiki, names) < 2:
        time.sleep(0.05)
    before = talk_pages_made(wiki, names)
    assert 2 <= before < len(names), "the outage did not land mid-run"
    outage(wiki)
    out, _ = bot.communicate(timeout=300)
    assert bot.returncode == 0, out
    # one run, every newcomer: the outage was a delay
    assert talk_pages_made(wiki, names) == len(names), out
    check_exactly_once(wiki, project, names, mentors)


@pytest.fixture
def sync_setup(wiki, tmp_path):
    return published_library(wiki, tmp_path)


def test_a_publish_waits_out_an_outage_and_finishes_in_the_same_run(wiki, sync_setup, tmp_path):
    config, cache = sync_setup
    for tour in TOUR_IDS:
        wiki.edit(f"{TOURS}{tour}.yaml", tour_text(tour, 1), user="Tour Editor")
    flag = tmp_path / "pause"
    env = production_env(wiki, tmp_path / "pwb")
    sync = subprocess.Popen(sync_command(config, cache, "pause", 3, flag), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not Path(f"{flag}.paused").exists():
        assert sync.poll() is None, sync.communicate()[0]
        time.sleep(0.05)
    assert Path(f"{flag}.paused").exists()
    wiki.stop()
    Path(f"{flag}.go").touch()  # the sync goes on against a wiki that is gone
    time.sleep(OUTAGE)
    wiki.start(timeout=60)
    out, _ = sync.communicate(timeout=300)
    assert sync.returncode == 0, out
    _, rounds = reader_view(wiki)
    assert set(rounds.values()) == {f"{t} round 1" for t in TOUR_IDS}, out
    status = wiki.wikitext(STATUS)
    assert "The tours are up to date" in status and "stopped" not in status, status
    state = json.loads(wiki.wikitext("MediaWiki:Wikitours/sync-state.json"))
    assert state["lease"] is None and "publishing" not in state
