"""The mentor dashboard on a real wiki: mentees from the bot's record, their tours, badges,
recent edits and "may need a hand" hints; learner pages."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from localwiki.client import call, token
from tests.oauth_standin import signed_in_session
from toolforge import create_app, db, learning

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def entry(status: str, when: str) -> dict:
    return {"status": status, "version": 1, "step": "welcome", "started": when, "updated": when}


@pytest.fixture(scope="module")
def app(wiki, tmp_path_factory):
    for name in ("Mentor", "Ada", "Bea", "Cy", "Other mentor", "Self Lister", "Blocked mentor"):
        wiki.create_user(name)
    # who counts as a mentor (contracts.mentoreligibility): the admin's settings and list entries
    wiki.edit("Project:Wikitours/Mentors/Settings.json",
              json.dumps({"min-edits": 3, "min-age-days": 0}), contentmodel="json")
    for name in ("Mentor", "Other mentor", "Blocked mentor"):
        for i in range(3):
            wiki.edit(f"User:{name}/notes", f"note {i}", user=name)
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [
        {"username": "Mentor"}, {"username": "Other mentor"}, {"username": "Blocked mentor"}]}),
        contentmodel="json")
    # a plain account appends itself; its record page says it has Ada (written before the fix,
    # or by hand: anybody can write a JSON page)
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [
        {"username": "Mentor"}, {"username": "Other mentor"}, {"username": "Blocked mentor"},
        {"username": "Self Lister", "weight": 100}]}), user="Self Lister")
    wiki.edit("Project:Wikitours/Mentees/Self Lister.json", json.dumps({"mentees": [
        {"username": "Ada", "assigned": "2026-09-30T00:00:00Z", "reason": "new-account"}]}),
        contentmodel="json", user="Self Lister")
    admin = wiki.session(wiki.admin.name)
    call(admin, wiki.api, "POST", action="block", user="Blocked mentor", expiry="1 day",
         reason="test", token=token(admin, wiki.api))
    # Ada: first tour done, stuck in the second since October; one of her edits is reverted
    first = wiki.edit("User:Ada/sandbox", "Hello", user="Ada")
    wiki.edit("User:Ada/wikitours.json", json.dumps({"format": 1, "tours": {
        "first-edit": {**entry("completed", "2026-10-01T10:00:00Z"),
                       "completed": "2026-10-01T10:00:00Z",
                       "edits": {"publish": first["newrevid"]}},
        "add-citation": entry("started", "2026-10-02T10:00:00Z")}}), user="Ada")
    second = wiki.edit("User:Ada/sandbox", "Hello <b>world</b>", user="Ada")
    wiki.edit("User:Ada/sandbox", "Hello", undo=str(second["newrevid"]),
              undoafter=str(first["newrevid"]))
    wiki.maintenance("runJobs")
    # Cy: freshly active, nothing to worry about
    wiki.edit("User:Cy/sandbox", "Hi", user="Cy")
    wiki.edit("Project:Wikitours/Mentees/Mentor.json", json.dumps({"mentees": [
        {"username": "Ada", "assigned": "2026-09-30T00:00:00Z", "reason": "new-account"},
        {"username": "Bea", "assigned": "2020-01-01T00:00:00Z", "reason": "new-account"},
        {"username": "Cy", "assigned": "2099-01-01T00:00:00Z", "reason": "new-account"},
        {"username": "<script>alert(1)</script>"}]}), contentmodel="json")
    path = tmp_path_factory.mktemp("mentor") / "app.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}", "TOURS": {},
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"}],
        "ADMINS": ["local:Admin"], "LIBRARY": learning.load_library(ROOT / "tours.yaml"),
    })
    db.upgrade(app)
    return app


def as_user(app, name):
    client = app.test_client()
    signed_in_session(app, client, name)
    return client


def rows(page: bytes) -> dict[str, str]:
    text = page.decode()
    body = text.split("<tbody>", 1)[1]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = unescape(re.search(r"<bdi>(.*?)</bdi>", row).group(1))
        found[name] = row
    return found


def test_dashboard_lists_mentees_with_progress_edits_and_hints(app):
    page = as_user(app, "Mentor").get("/mentor")
    assert page.status_code == 200
    mentees = rows(page.data)
    assert list(mentees) == ["Ada", "Bea", "Cy"]  # those who may need a hand first
    ada = mentees["Ada"]
    assert "stuck in the tour &#34;Adding a citation&#34;" in ada
    assert "1 edit was reverted" in ada
    assert "/assertions/" in ada and "First edit" in ada  # badge issued from her own record
    assert "User:Ada/sandbox" in ada and "reverted</span>" in ada
    assert "no edit" in mentees["Bea"] and "days after being assigned" in mentees["Bea"]
    cy = mentees["Cy"]
    assert "hint" not in cy and "User:Cy/sandbox" in cy
    assert "<script>alert(1)</script>" not in page.data.decode()
    assert "⧼" not in page.data.decode()  # every message (hints, statuses) exists


def test_each_mentor_sees_their_own_mentees(app):
    other = as_user(app, "Other mentor")
    page = other.get("/mentor", query_string={"mentor": "Mentor"})  # not an admin: ignored
    assert page.status_code == 200 and "<tbody>" not in page.data.decode()
    assert b"No mentees" in page.data
    admin = as_user(app, "Admin").get("/mentor", query_string={"mentor": "Mentor"})
    assert list(rows(admin.data)) == ["Ada", "Bea", "Cy"]
    assert app.test_client().get("/mentor").status_code == 302


def test_only_people_who_count_as_mentors_get_a_dashboard(app):
    """The same decision as the bot's: a self-listed plain account and a blocked mentor see
    no mentees, only where the wiki explains why; the app admin's view of them neither."""
    for name in ("Self Lister", "Blocked mentor", "Cy"):
        page = as_user(app, name).get("/mentor")
        text = page.data.decode()
        assert page.status_code == 403, name
        assert "<tbody>" not in text and "Ada" not in text
        assert "do not count as a mentor" in text
        assert "title=Project:Wikitours/Mentors/Status" in text
    admin = as_user(app, "Admin").get("/mentor", query_string={"mentor": "Self Lister"})
    assert admin.status_code == 403 and "<tbody>" not in admin.data.decode()
    with app.test_request_context():
        client = learning.client(learning.wiki_config("local"))
        assert set(client.mentors()) == {"Mentor", "Other mentor"}
        verdicts = client.mentor_assessment()
        assert (verdicts.verdict("Self Lister").reason,
                verdicts.verdict("Blocked mentor").reason) == ("too-few-edits", "blocked")


def test_learner_page_shows_tours_pathways_and_badges(app):
    page = app.test_client().get("/learners/local/Ada")
    text = page.data.decode()
    assert page.status_code == 200
    assert "First edit" in text and "Newcomer pathway" in text
    assert re.search(r"Adding a citation</th><td><span class=\"status status-started\">", text)
    missing = app.test_client().get("/learners/local/Bea").data.decode()
    assert "no progress saved on the wiki yet" in missing and "/assertions/" not in missing
    assert "⧼" not in text and "⧼" not in missing
    assert app.test_client().get("/learners/nowiki/Ada").status_code == 404


def test_an_unreachable_wiki_is_a_readable_error(app, tmp_path):
    broken = create_app({
        "TESTING": True, "SECRET_KEY": "t", "TOURS": {},
        "DATABASE_URL": app.config["DATABASE_URL"], "LIBRARY": app.config["LIBRARY"],
        "WIKIS": [{"id": "local", "api": "http://127.0.0.1:9/api.php",
                   "index": "http://127.0.0.1:9/index.php"}]})
    page = broken.test_client().get("/learners/local/Ada")
    assert page.status_code == 503 and b"could not be reached" in page.data
    client = broken.test_client()
    signed_in_session(broken, client, "Mentor")
    assert client.get("/mentor").status_code == 503


def test_public_learner_pages_do_not_query_the_wiki_on_every_view(app, wiki):
    client = app.test_client()
    mark = wiki.log_mark()
    for _ in range(5):
        assert client.get("/learners/local/Other mentor").status_code == 200
    assert wiki.api_counts(since=mark).get == 1  # later views within the cache time reuse it
    app.config["PROGRESS_CACHE_SECONDS"] = 0
    try:
        mark = wiki.log_mark()
        client.get("/learners/local/Other mentor")
        client.get("/learners/local/Other mentor")
        assert wiki.api_counts(since=mark).get == 2
    finally:
        app.config["PROGRESS_CACHE_SECONDS"] = 60
