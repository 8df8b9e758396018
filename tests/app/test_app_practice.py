"""Issue 19 in the app, on a real wiki: task edits a learner's progress page claims are checked
on the wiki (template removed or <ref> added, by them, on that article, not reverted, kept long
enough), count toward their skill's level and streak, show on the mentor's dashboard, and on the
public learner page only when the learner chose to show them."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from wikiapi.client import Wiki
from publish.tasklists import run as publish_tasks
from tests.oauth_standin import signed_in_session
from playground.practiceseed import seed_task_articles
from toolforge import create_app, db, learning

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
NOW = "2026-12-01T10:00:00Z"


def fix(wiki, title: str, user: str, new: str | None = None, old: str = "{{Citation needed}}"):
    text = wiki.wikitext(title)
    return wiki.edit(title, text.replace(old, new if new is not None else "<ref>Atlas</ref>"),
                     user=user)["newrevid"]


def progress(tasks: list, public: bool = False) -> str:
    done = {"status": "completed", "version": 1, "step": "done", "started": NOW,
            "updated": NOW, "completed": NOW}
    page = {"format": 1, "tours": {"first-edit": done, "add-citation": done}, "tasks": tasks}
    if public:
        page["public"] = ["practice"]
    return json.dumps(page)


@pytest.fixture(scope="module")
def setup(wiki, tmp_path_factory):
    seed_task_articles(wiki)
    wiki.edit("Nile", "The Nile is long.{{Citation needed}}")
    for name in ("Mentor", "Lin", "Max"):
        wiki.create_user(name)
    wiki.edit("Project:Wikitours/Mentors/Settings.json",
              json.dumps({"min-edits": 1, "min-age-days": 0}), contentmodel="json")
    wiki.edit("User:Mentor/notes", "note", user="Mentor")
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [{"username": "Mentor"}]}),
              contentmodel="json")
    wiki.edit("Project:Wikitours/Mentees/Mentor.json", json.dumps({"mentees": [
        {"username": "Lin", "assigned": NOW, "reason": "new-account"}]}), contentmodel="json")
    kept = fix(wiki, "Rhine", "Lin", old="{{Citation needed|date=December 2026}}")  # ref in, mark out
    removed_only = fix(wiki, "Danube", "Lin", new="")  # template removed, no ref: counts too
    typo = wiki.edit("Elbe", wiki.wikitext("Elbe").replace("rises", "rises up"),
                     user="Lin")["newrevid"]  # the mark is still there: not done
    others = fix(wiki, "Blues", "Max")  # Max's edit claimed by Lin
    reverted = fix(wiki, "Elbe", "Lin", old="{{citation needed}}")
    wiki.edit("Elbe", "x", undo=str(reverted))
    wiki.maintenance("runJobs")
    tasks = [{"type": "citation", "title": t, "revid": r, "done": NOW}
             for t, r in (("Rhine", kept), ("Danube", removed_only), ("Elbe", typo),
                          ("Blues", others), ("Elbe", reverted))]
    tasks.append({"type": "citation", "title": "<script>alert(1)</script>", "revid": 10**9})
    wiki.edit("User:Lin/wikitours.json", progress(tasks), user="Lin")
    assert publish_tasks(Wiki(wiki.site()), log=lambda line: None).saved
    path = tmp_path_factory.mktemp("practice") / "app.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}", "TOURS": {},
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"}],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"), "PROGRESS_CACHE_SECONDS": 0,
    })
    db.upgrade(app)
    return wiki, app, tasks


def as_user(app, name):
    client = app.test_client()
    signed_in_session(app, client, name)
    return client


def statuses(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for title, status in re.findall(r'<bdi>([^<]*)</bdi></a> <span class="practice-(\w+)">', html):
        out.setdefault(unescape(title), []).append(status)
    return out


def test_mentor_sees_checked_task_edits(setup):
    wiki, app, _ = setup
    page = as_user(app, "Mentor").get("/mentor")
    html = page.data.decode()
    assert page.status_code == 200, html[:2000]
    assert statuses(html) == {"Rhine": ["ok"], "Danube": ["ok"], "Elbe": ["failed", "failed"],
                              "Blues": ["failed"], "<script>alert(1)</script>": ["failed"]}
    assert "2 edits kept, 0 waiting to be checked" in html
    assert "Citation: level 1 (1 more kept edit to the next level)" in html
    assert "practised 1 day in a row" in html  # both kept edits were made today
    assert "<script>alert(1)</script>" not in html and "⧼" not in html


def test_practice_is_private_unless_the_learner_shares_it(setup):
    wiki, app, tasks = setup
    public = app.test_client().get("/learners/local/Lin").data.decode()
    assert "Practice on real articles" not in public
    own = as_user(app, "Lin").get("/learners/local/Lin").data.decode()
    assert "Practice on real articles" in own and "Only you and your mentor" in own
    assert "2 edits kept" in own and "practised 1 day in a row" in own
    # offers for the learner: articles not worked on yet, each starting the task tour
    offered = re.findall(r'href="[^"]*\?title=([^&"]+)&amp;wikitour=citation-task&amp;wikitask=citation"', own)
    assert offered == ["Nile"]  # the others were worked on (or claimed); Locked is protected
    wiki.edit("User:Lin/wikitours.json", progress(tasks, public=True), user="Lin")
    public = app.test_client().get("/learners/local/Lin").data.decode()
    assert "Practice on real articles" in public and "2 edits kept" in public
    assert "Only you and your mentor" not in public and "wikitask=" not in public


def test_a_keep_delay_makes_fresh_task_edits_wait(setup):
    wiki, app, _ = setup
    app.config["EVIDENCE_KEEP_SECONDS"] = 3600
    try:
        html = as_user(app, "Mentor").get("/mentor").data.decode()
    finally:
        app.config["EVIDENCE_KEEP_SECONDS"] = 0
    assert statuses(html)["Rhine"] == ["pending"]
    assert "0 edits kept, 2 waiting to be checked" in html


def test_kept_task_edits_are_evidence_for_the_types_badge(setup):
    """Lin completed the citation tour without an edit that holds (her record names none), so
    the tour alone earns no evidence-backed badge; her kept task edits on real articles do, and
    the assertion lists those diffs. Max, with no task edit, gets nothing."""
    from sqlalchemy import select

    from toolforge.models_learning import Assertion

    wiki, app, tasks = setup
    as_user(app, "Mentor").get("/mentor")
    with app.app_context():
        rows = db.get_session().scalars(select(Assertion).where(Assertion.wiki == "local")).all()
        held = {(a.username, a.badge): a for a in rows}
    assert ("Lin", "first-edit") not in held  # no task type counts toward it
    citation = held[("Lin", "citation")]
    assert citation.kind == "evidence"
    evidence = json.loads(citation.evidence)
    # the citation badge certifies adding references: Rhine's edit added one; Danube's only
    # removed the mark (it counts as practice, not as evidence of that badge)
    kept = {t["revid"] for t in tasks if t["title"] == "Rhine"}
    assert {e["revid"] for e in evidence} == kept
    assert {e["tour"] for e in evidence} == {"citation-task"}
    assert not any(u == "Max" for u, _ in held)
