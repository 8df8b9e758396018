"""Issue 19, recognition that respects people, on a real wiki: task-edit checks cached per wiki
and revision (an honest refresh policy), thanks received where the wiki has Thanks (1.43 ships
it, Debian's 1.39 does not), and a leaderboard only when the wiki switches it on, listing only
learners who chose to show their practice."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from html import unescape

from urllib.parse import quote

import pytest
import requests
from sqlalchemy import select, update
from werkzeug.serving import make_server

from localwiki.client import call, token
from playground.practiceseed import TASK_TYPES, seed_task_articles
from publish.tasklists import run as publish_tasks
from tests.oauth_standin import signed_in_session
from toolforge import create_app, db, learning
from toolforge.models_practice import TaskCheckRow
from toolforge.wikiclient import WikiClient
from wikiapi.client import Wiki

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
NOW = "2026-12-01T10:00:00Z"
HOSTILE = 'Tom & "Jerry" \'x\''  # a legal user name with characters HTML must escape
RTL_NAME = "مستخدم"
LONG_NAME = "Averyveryverylongusernamewithoutanyspacesinitatall" + "x" * 30  # 80 characters


def fix(wiki, title: str, user: str, old: str = "{{Citation needed}}") -> int:
    text = wiki.wikitext(title)
    return wiki.edit(title, text.replace(old, "<ref>Atlas</ref>"), user=user)["newrevid"]


def progress(tasks: list, public: bool) -> str:
    done = {"status": "completed", "version": 1, "step": "done", "started": NOW,
            "updated": NOW, "completed": NOW}
    page = {"format": 1, "tours": {"add-citation": done}, "tasks": tasks}
    if public:
        page["public"] = ["practice"]
    return json.dumps(page)


def task(title: str, revid: int) -> dict:
    return {"type": "citation", "title": title, "revid": revid, "done": NOW}


class Recorder(requests.Session):
    """A requests session that remembers the parameters of every API GET (tests count them)."""

    log: list[dict] = []

    def get(self, url, params=None, **kwargs):  # type: ignore[override]
        Recorder.log.append(dict(params or {}))
        return super().get(url, params=params, **kwargs)


def revision_requests(since: int) -> int:
    return sum(1 for p in Recorder.log[since:] if "revids" in p or "rvstartid" in p)


def thanks_requests(since: int) -> int:
    return sum(1 for p in Recorder.log[since:] if p.get("letype") == "thanks")


@pytest.fixture(scope="module")
def setup(make_wiki, mediawiki, tmp_path_factory):
    has_thanks = mediawiki.branch != "1.39"  # 1.43 ships Thanks (needs Echo); 1.39 does not
    wiki = make_wiki(extensions=("Echo", "Thanks") if has_thanks else ())
    seed_task_articles(wiki)
    wiki.edit("Nile", "The Nile is long.{{Citation needed}}\n[[Category:Rivers]]")
    wiki.edit("Volga", "The Volga is long.{{Citation needed}}\n[[Category:Rivers]]")
    wiki.edit("Amur", "The Amur is long.{{Citation needed}}\n[[Category:Rivers]]")
    for name in ("Mentor", "Lin", "Max", HOSTILE, RTL_NAME, LONG_NAME, "Thanker"):
        wiki.create_user(name)
    wiki.edit("Project:Wikitours/Mentors/Settings.json",
              json.dumps({"min-edits": 1, "min-age-days": 0}), contentmodel="json")
    wiki.edit("User:Mentor/notes", "note", user="Mentor")
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [{"username": "Mentor"}]}),
              contentmodel="json")
    wiki.edit("Project:Wikitours/Mentees/Mentor.json", json.dumps({"mentees": [
        {"username": "Lin", "assigned": NOW, "reason": "new-account"}]}), contentmodel="json")
    revs = {
        "Lin": [("Rhine", fix(wiki, "Rhine", "Lin", old="{{Citation needed|date=December 2026}}")),
                ("Danube", fix(wiki, "Danube", "Lin")), ("Nile", fix(wiki, "Nile", "Lin"))],
        "Max": [("Blues", fix(wiki, "Blues", "Max"))],
        HOSTILE: [("Elbe", fix(wiki, "Elbe", HOSTILE, old="{{citation needed}}"))],
        RTL_NAME: [("Volga", fix(wiki, "Volga", RTL_NAME))],
        LONG_NAME: [("Amur", fix(wiki, "Amur", LONG_NAME))],
    }
    public = {"Lin": True, "Max": False, HOSTILE: True, RTL_NAME: True, LONG_NAME: True}
    for name, done in revs.items():
        wiki.edit(f"User:{name}/wikitours.json",
                  progress([task(t, r) for t, r in done], public[name]), user=name)
    assert publish_tasks(Wiki(wiki.site()), log=lambda line: None).saved
    path = tmp_path_factory.mktemp("recognition") / "app.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}", "TOURS": {},
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"}],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"), "PROGRESS_CACHE_SECONDS": 0,
        "LEADERBOARD_CACHE_SECONDS": 0,
        "WIKI_CLIENT_FACTORY": lambda w: WikiClient(w, "wikitours-test", session=Recorder()),
    })
    db.upgrade(app)
    return wiki, app, revs, has_thanks


def as_user(app, name):
    client = app.test_client()
    signed_in_session(app, client, name)
    return client


def statuses(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for title, status in re.findall(r'<bdi>([^<]*)</bdi></a> <span class="practice-(\w+)">', html):
        out.setdefault(unescape(title), []).append(status)
    return out


def _rows(app, **where):
    with app.app_context():
        return db.get_session().scalars(select(TaskCheckRow).filter_by(**where)).all()


# --- 3. checks cached -----------------------------------------------------------------------

def test_a_second_view_asks_the_wiki_nothing_about_checked_edits(setup):
    wiki, app, revs, _ = setup
    lin = as_user(app, "Lin")
    mark = len(Recorder.log)
    first = lin.get("/learners/local/Lin").data.decode()
    assert revision_requests(mark) >= 2  # the revisions, their parents, later history
    assert statuses(first) == {"Rhine": ["ok"], "Danube": ["ok"], "Nile": ["ok"]}
    stored = _rows(app, wiki="local", username="Lin")
    assert {(r.revid, r.status) for r in stored} == {(r, "ok") for _, r in revs["Lin"]}
    mark = len(Recorder.log)
    second = lin.get("/learners/local/Lin").data.decode()
    assert revision_requests(mark) == 0
    assert statuses(second) == statuses(first)
    assert "3 edits kept" in second


def test_a_revert_shows_once_the_stored_verdict_is_due_for_a_recheck(setup):
    wiki, app, revs, _ = setup
    nile = dict(revs["Lin"])["Nile"]
    wiki.edit("Nile", "x", undo=str(nile))
    wiki.maintenance("runJobs")
    lin = as_user(app, "Lin")
    # within PRACTICE_RECHECK_SECONDS the stored verdict stands (the documented policy) ...
    assert statuses(lin.get("/learners/local/Lin").data.decode())["Nile"] == ["ok"]
    # ... and once it is older, the revision is checked again and the revert counts
    with app.app_context():
        session = db.get_session()
        session.execute(update(TaskCheckRow).where(TaskCheckRow.revid == nile).values(
            checked=dt.datetime.utcnow() - dt.timedelta(seconds=3601)))
        session.commit()
    mark = len(Recorder.log)
    html = lin.get("/learners/local/Lin").data.decode()
    assert statuses(html)["Nile"] == ["failed"]
    assert revision_requests(mark) >= 1
    assert [(r.status, r.reason) for r in _rows(app, revid=nile)] == [("failed", "reverted")]
    assert "2 edits kept" in html


def test_claiming_another_learners_edit_leaves_their_stored_verdict_alone(setup):
    wiki, app, revs, _ = setup
    blues = revs["Max"][0][1]
    as_user(app, "Max").get("/learners/local/Max")
    mine = [task(t, r) for t, r in revs["Lin"]]
    wiki.edit("User:Lin/wikitours.json", progress(mine + [task("Blues", blues)], True),
              user="Lin")
    try:
        html = as_user(app, "Lin").get("/learners/local/Lin").data.decode()
        assert statuses(html)["Blues"] == ["failed"]
        verdicts = {(r.username, r.status, r.reason) for r in _rows(app, revid=blues)}
        assert verdicts == {("Max", "ok", ""), ("Lin", "failed", "not-theirs")}
    finally:
        wiki.edit("User:Lin/wikitours.json", progress(mine, True), user="Lin")


def test_without_recheck_time_nothing_is_reused(setup):
    wiki, app, _, _ = setup
    app.config["PRACTICE_RECHECK_SECONDS"] = 0
    try:
        lin = as_user(app, "Lin")
        lin.get("/learners/local/Lin")
        mark = len(Recorder.log)
        lin.get("/learners/local/Lin")
        assert revision_requests(mark) >= 2
    finally:
        app.config["PRACTICE_RECHECK_SECONDS"] = 3600


def test_a_longer_keep_delay_is_not_answered_from_the_store(setup):
    wiki, app, _, _ = setup
    app.config["EVIDENCE_KEEP_SECONDS"] = 3600
    try:
        html = as_user(app, "Lin").get("/learners/local/Lin").data.decode()
    finally:
        app.config["EVIDENCE_KEEP_SECONDS"] = 0
    assert statuses(html)["Rhine"] == ["pending"]


# --- 2. the leaderboard -------------------------------------------------------------------

def switch_leaderboard(wiki, app, on: bool):
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps({**TASK_TYPES, "leaderboard": on}),
              contentmodel="json")
    assert publish_tasks(Wiki(wiki.site()), log=lambda line: None).saved
    app.extensions.pop("wikitours.task-lists", None)  # the app's 5-minute cache of the list


def look_at_everyone(app, revs):
    """The app checks a learner's task edits when their page is looked at (or their mentor's
    dashboard, or the badge follower): the leaderboard looks only at learners it has checked."""
    for name in revs:
        assert app.test_client().get(f"/learners/local/{quote(name)}").status_code == 200


def test_no_leaderboard_unless_the_wiki_switches_it_on(setup):
    wiki, app, _, _ = setup
    page = app.test_client().get("/leaderboard/local")
    html = page.data.decode()
    assert page.status_code == 404
    assert "This wiki has not switched on a leaderboard." in html
    assert "<table" not in html and "Lin" not in html
    assert "/leaderboard/" not in app.test_client().get("/learners/local/Lin").data.decode()
    assert app.test_client().get("/leaderboard/nowiki").status_code == 404


def test_the_leaderboard_lists_only_learners_who_show_their_practice(setup):
    wiki, app, revs, _ = setup
    anonymous = app.test_client()
    look_at_everyone(app, revs)
    switch_leaderboard(wiki, app, True)
    try:
        page = anonymous.get("/leaderboard/local")
        html = page.data.decode()
        assert page.status_code == 200, html[:2000]
        table = re.findall(r'<tr><td>(\d+)</td><th scope="row"><a href="[^"]*"><bdi>([^<]*)</bdi>'
                           r'</a></th><td>(\d+)</td></tr>', html)
        assert [(int(r), unescape(n), int(k)) for r, n, k in table] == [
            (1, "Lin", 2), (2, LONG_NAME, 1), (3, HOSTILE, 1), (4, RTL_NAME, 1)]  # Nile reverted
        assert "Max" not in html  # kept edit, but private
        lin_page = anonymous.get("/learners/local/Lin").data.decode()
        assert 'href="/leaderboard/local"' in lin_page  # the learner page links to it
        assert 'Tom &amp; &#34;Jerry&#34; &#39;x&#39;' in html and HOSTILE not in html
        assert '<th scope="col">' in html and "<caption>" in html
        assert 'class="table-wrap"' in html  # scrolls on a phone instead of overflowing
        # in the reader's language, right to left
        arabic = anonymous.get("/leaderboard/local?uselang=ar").data.decode()
        assert 'dir="rtl"' in arabic and "لوحة صدارة التدريب" in arabic and "⧼" not in arabic
        # Max chooses to show his practice: he appears
        wiki.edit("User:Max/wikitours.json",
                  progress([task(t, r) for t, r in revs["Max"]], True), user="Max")
        html = anonymous.get("/leaderboard/local").data.decode()
        assert "<bdi>Max</bdi>" in html
        # and Lin makes hers private again: she is gone
        wiki.edit("User:Lin/wikitours.json",
                  progress([task(t, r) for t, r in revs["Lin"]], False), user="Lin")
        html = anonymous.get("/leaderboard/local").data.decode()
        assert "<bdi>Lin</bdi>" not in html and "<bdi>Max</bdi>" in html
    finally:
        wiki.edit("User:Lin/wikitours.json",
                  progress([task(t, r) for t, r in revs["Lin"]], True), user="Lin")
        wiki.edit("User:Max/wikitours.json",
                  progress([task(t, r) for t, r in revs["Max"]], False), user="Max")
        switch_leaderboard(wiki, app, False)
    assert anonymous.get("/leaderboard/local").status_code == 404


# --- 1. thanks received ----------------------------------------------------------------------

def thank(wiki, thanker: str, revid: int) -> dict:
    session = wiki.session(thanker)
    return call(session, wiki.api, "POST", action="thank", rev=str(revid), source="diff",
                token=token(session, wiki.api))


def test_thanks_received_show_where_the_wiki_has_thanks(setup):
    wiki, app, revs, has_thanks = setup
    extensions = [e["name"] for e in wiki.call(action="query", meta="siteinfo",
                                                 siprop="extensions")["query"]["extensions"]]
    assert ("Thanks" in extensions) == has_thanks
    anonymous = app.test_client()
    # no thanks yet: nothing is said (where the wiki has Thanks too), the rest is there
    before = anonymous.get("/learners/local/Lin").data.decode()
    assert "Thanked" not in before and "Practice on real articles" in before
    if has_thanks:
        rhine = dict(revs["Lin"])["Rhine"]
        assert thank(wiki, "Thanker", rhine)["result"]["success"] == 1
        assert thank(wiki, "Thanker", revs["Max"][0][1])["result"]["success"] == 1
        # earlier views counted 0 thanks; the count is reused for 5 minutes per process: as if
        # they had passed
        app.extensions.pop("wikitours.thanks", None)
    mark = len(Recorder.log)
    public = anonymous.get("/learners/local/Lin").data.decode()
    mentor = as_user(app, "Mentor").get("/mentor").data.decode()
    assert "⧼" not in public + mentor
    if has_thanks:
        for html in (public, mentor):
            assert "Thanked once on this wiki since the first practice edit" in html
            assert "public thanks log" in html
        assert thanks_requests(mark) >= 1
        # Max keeps his practice private: nothing of it, thanks included, on his public page
        maxpage = anonymous.get("/learners/local/Max").data.decode()
        assert "Thanked" not in maxpage and "Practice on real articles" not in maxpage
        # the same thanks in Arabic
        arabic = anonymous.get("/learners/local/Lin?uselang=ar").data.decode()
        assert "تلقّى الشكر مرة واحدة" in arabic
    else:
        # no Thanks on this wiki: no thanks line, no error, and the log is never asked
        assert "Thanked" not in public and "Thanked" not in mentor
        assert "Practice on real articles" in public  # the rest of the practice is there
        assert thanks_requests(mark) == 0


def test_the_leaderboard_fits_a_phone_right_to_left(setup, browser):
    """Chromium at 360 pixels, Arabic: the page never scrolls sideways (a long name scrolls
    inside the table's own box), the table reads right to left, nothing is left untranslated."""
    wiki, app, revs, _ = setup
    look_at_everyone(app, revs)
    switch_leaderboard(wiki, app, True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/leaderboard/local?uselang=ar")
        assert page.locator("table.leaderboard caption").count() == 1
        assert LONG_NAME in page.inner_text("table.leaderboard")
        layout = page.evaluate("""() => ({
            page: document.documentElement.scrollWidth,
            view: document.documentElement.clientWidth,
            dir: getComputedStyle(document.querySelector('table.leaderboard')).direction,
            h1: document.querySelector('h1').innerText })""")
        assert layout["page"] <= layout["view"], layout
        assert layout["dir"] == "rtl" and "لوحة صدارة التدريب" in layout["h1"]
        assert "⧼" not in page.content()
    finally:
        context.close()
        server.shutdown()
        thread.join(5)
        switch_leaderboard(wiki, app, False)
