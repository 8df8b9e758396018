"""The wiki client against a real MediaWiki: verified progress, mentees, contributions."""

from __future__ import annotations

import json

import pytest

from toolforge.wikiclient import Wiki, WikiClient, WikiError, valid_username
from tours.problemkinds import issue_text

DONE = {"format": 1, "tours": {"first-edit": {
    "status": "completed", "version": 1, "step": "done", "started": "2026-11-25T10:00:00Z",
    "updated": "2026-11-25T10:05:00Z", "completed": "2026-11-25T10:05:00Z"}}}


@pytest.fixture(scope="module")
def site(wiki):
    for name in ("Ada", "Bea", "Cy"):
        wiki.create_user(name)
    wiki.edit("User:Ada/wikitours.json", json.dumps(DONE), user="Ada")
    # an interface admin writes a completion claim into Bea's page: a forgery
    wiki.edit("User:Bea/wikitours.json", json.dumps(DONE))
    # Cy saved their own page, then someone else changed it last
    wiki.edit("User:Cy/wikitours.json", json.dumps({"format": 1, "tours": {}}), user="Cy")
    wiki.edit("User:Cy/wikitours.json", json.dumps(DONE))
    w = Wiki("local", wiki.api, wiki.index)
    return wiki, WikiClient(w, "wikitours-tests/0.1 (test suite)")


def test_only_the_learners_own_latest_revision_counts(site):
    wiki, client = site
    reads = client.progress(["Ada", "bea", "Cy", "Nobody here", "Ada|Admin", "<b>x</b>"])
    assert reads["Ada"].status == "ok"
    assert reads["Ada"].progress.tours[0].tour == "first-edit"
    assert reads["Ada"].progress.revision > 0
    assert reads["bea"].status == "forged" and reads["bea"].username == "Bea"
    assert reads["bea"].last_editor == wiki.admin.name and reads["bea"].progress is None
    assert reads["Cy"].status == "forged"
    assert reads["Nobody here"].status == "missing"
    assert reads["Ada|Admin"].status == "invalid" and reads["<b>x</b>"].status == "invalid"
    # Cy saves again: now it is theirs
    wiki.edit("User:Cy/wikitours.json", json.dumps({**DONE, "note": "mine"}), user="Cy")
    assert client.progress(["Cy"])["Cy"].status == "ok"


def test_malformed_progress_is_invalid_not_a_crash(site):
    wiki, client = site
    wiki.create_user("Dee")
    wiki.edit("User:Dee/wikitours.json", json.dumps({"format": 1, "tours": {"x": "y"}}),
              user="Dee")
    read = client.progress(["Dee"])["Dee"]
    assert read.status == "invalid"
    assert read.problems[0].message.key == "wikitours-problem-progress-status"
    assert '"status" must be one of' in issue_text(read.problems[0], "en")


def test_titles_are_batched_fifty_per_request(site):
    wiki, client = site
    names = ["Ada"] + [f"Learner {i}" for i in range(119)]
    before = client.requests
    mark = wiki.log_mark()
    reads = client.progress(names)
    assert client.requests - before == 3  # 120 titles: 50 + 50 + 20
    assert wiki.api_counts(since=mark).get == 3
    assert reads["Ada"].status == "ok" and reads["Learner 7"].status == "missing"
    agents = {r.uri for r in wiki.requests_log()[mark:]}
    assert all("maxlag=5" in uri for uri in agents)


def test_mentees_come_from_the_bots_record(site):
    wiki, client = site
    wiki.edit("Project:Wikitours/Mentees/Mentor.json", json.dumps({"mentees": [
        {"username": "Ada", "assigned": "2026-11-20T00:00:00Z", "reason": "new-account"},
        {"username": "bea", "assigned": "2026-11-21T00:00:00Z"},
        {"username": "<script>"}, {"nope": 1}, "Ada"]}), contentmodel="json")
    mentees, problems = client.mentees("Mentor")
    assert [m.username for m in mentees] == ["Ada", "Bea"]
    assert mentees[0].reason == "new-account"
    assert len(problems) == 3
    assert client.mentees("Somebody else") == ((), ())
    assert client.mentees("Bad|name")[0] == ()


def test_contributions_of_several_users_in_one_request_and_reverts(site):
    wiki, client = site
    first = wiki.edit("User:Ada/sandbox", "Hello", user="Ada")
    wiki.edit("User:Ada/sandbox", "Hello, wiki", user="Ada")
    wiki.edit("User:Bea/sandbox", "Hi", user="Bea")
    # the admin reverts Ada's second edit; MediaWiki tags it mw-reverted (in a job)
    wiki.edit("User:Ada/sandbox", "Hello", undo=str(first["newrevid"] + 1))
    wiki.maintenance("runJobs")
    before = client.requests
    edits = client.contributions(["Ada", "Bea", "Nobody"])
    assert client.requests - before == 1
    assert [e.title for e in edits["Ada"]][:2] == ["User:Ada/sandbox", "User:Ada/sandbox"]
    assert edits["Bea"][0].title == "User:Bea/sandbox" and edits["Nobody"] == []
    assert any(e.reverted for e in edits["Ada"])
    assert not any(e.reverted for e in edits["Bea"])


def test_user_names_are_checked_against_the_wiki(site):
    _, client = site
    assert client.users(["ada", "Nobody", "x|y"]) == {"ada": "Ada", "Nobody": None, "x|y": None}
    assert not valid_username("") and not valid_username("a/b") and valid_username("Zoë Ω")


def test_a_lagged_wiki_is_waited_for_then_given_up_on(site):
    wiki, _ = site
    waits: list[float] = []
    # a single-server wiki reports lag -1; maxlag=-2 makes it answer the real maxlag error
    lagged = WikiClient(Wiki("local", wiki.api, wiki.index), "wikitours-tests/0.1",
                        maxlag=-2, max_lag_retries=2, sleep=waits.append)
    with pytest.raises(WikiError, match="lagged"):
        lagged.progress(["Ada"])
    assert len(waits) == 2 and all(0 < w <= 30 for w in waits)
    unreachable = WikiClient(Wiki("gone", "http://127.0.0.1:9/api.php", ""), "t", timeout=2)
    with pytest.raises(WikiError, match="cannot reach"):
        unreachable.progress(["Ada"])
