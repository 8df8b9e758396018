"""Crash-safety and concurrency of the welcome bot against a real wiki: a bot killed mid-run
and restarted, and two bots started at once on the same newcomers, never post twice.

Separate from test_bot_welcome.py so that the two slow tests get their own wiki and worker.
"""

from __future__ import annotations

import signal
import time

from contracts import markers
from tests.bot.test_bot_welcome import (bot_revisions, prepared, record, run_process,  # noqa: F401
                                    start_project, talk_pages_made)


# -- crashes and two bots at once ----------------------------------------------------------

def check_exactly_once(wiki, project: str, names: list[str], mentors: list[str]) -> None:
    owner: dict[str, str] = {}
    for mentor in mentors:
        for entry in record(wiki, project, mentor):
            assert entry["username"] not in owner, f"{entry['username']} in two records"
            owner[entry["username"]] = mentor
    for name in names:
        revisions = bot_revisions(wiki, f"User talk:{name}")
        text = wiki.wikitext(f"User talk:{name}")
        assert len(revisions) == 1, (name, revisions)
        assert len(markers.find(text, "welcome")) == 1
        assert owner[name] == markers.welcome_mentor(text)
    told: dict[str, int] = {}
    for mentor in mentors:
        for marker in markers.find(wiki.wikitext(f"User talk:{mentor}") or "", "mentee"):
            told[marker.get("user")] = told.get(marker.get("user"), 0) + 1
    assert told == {name: 1 for name in names}


def test_a_bot_killed_mid_run_and_restarted_posts_nothing_twice(prepared):
    wiki = prepared
    mentors = ["Mentor Crash A", "Mentor Crash B"]
    project = start_project(wiki, "T-crash", [{"username": m, "capacity": 100}
                                              for m in mentors])
    names = [f"Crash {i:02d}" for i in range(12)]
    for name in names:
        wiki.create_user(name)
    process = run_process(wiki, f"-project:{project}", "-pt:0.4", "-seed:3")
    deadline = time.time() + 90
    while time.time() < deadline and talk_pages_made(wiki, names) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    partly = talk_pages_made(wiki, names)
    assert 3 <= partly < len(names), "the kill did not land mid-run"
    assert all(not record(wiki, project, m) for m in mentors)  # records come at the end

    done = run_process(wiki, f"-project:{project}", "-seed:4")
    out, _ = done.communicate(timeout=180)
    assert done.returncode == 0, out
    assert out.count("already-welcomed") >= 3 and "record repaired" in out
    check_exactly_once(wiki, project, names, mentors)


def test_two_bots_running_at_once_post_nothing_twice(prepared):
    wiki = prepared
    mentors = ["Mentor Twin A", "Mentor Twin B", "Mentor Twin C"]
    project = start_project(wiki, "T-twins", [{"username": m, "capacity": 100}
                                              for m in mentors])
    names = [f"Twin {i:02d}" for i in range(10)]
    for name in names:
        wiki.create_user(name)
    first = run_process(wiki, f"-project:{project}", "-seed:1", "-pt:0.5")
    second = run_process(wiki, f"-project:{project}", "-seed:2", "-pt:0.5")
    out1, _ = first.communicate(timeout=240)
    out2, _ = second.communicate(timeout=240)
    assert first.returncode == 0 and second.returncode == 0, out1 + out2
    both = out1 + out2
    # they really raced: one lost create-only saves to the other and read the page again
    assert "already-welcomed meanwhile" in both and "articleexists" in both
    assert both.count("welcomed Twin") == len(names), both
    check_exactly_once(wiki, project, names, mentors)
    mark = wiki.log_mark()
    third = run_process(wiki, f"-project:{project}")
    out3, _ = third.communicate(timeout=120)
    assert third.returncode == 0 and wiki.api_counts(since=mark).edits == 0, out3
