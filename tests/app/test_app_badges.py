"""Issuing Open Badges from verified progress on a real wiki, on SQLite and MariaDB.

A learner's own edit of ``User:NAME/wikitours.json`` earns badges; a completion claim written
by someone else earns nothing. The hosted documents, baked images, certificate, revocation and
the feed are then checked the way an outside verifier and the bot would.
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from localwiki.client import ApiError

from tests.oauth_standin import signed_in_session
from toolforge import create_app, db, learning
from toolforge import openbadges as ob
from toolforge.models_learning import Assertion, Cohort, CohortMember

from tests.realedits import progress, really_do

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
ODD: list[str] = []
ALL_TOURS = ("first-edit", "add-citation", "ask-mentor", "user-page", "mentor-basics",
             "run-a-workshop")


@pytest.fixture(scope="module")
def people(wiki):
    for name in ("Ada", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus", "Trainer", "Other trainer"):
        wiki.create_user(name)
    # a legal but awkward user name: quotes, ampersand, right-to-left letters
    ODD.append(wiki.create_user("Q\"uote & 'Amp' \u05e9\u05dc\u05d5\u05dd").name)
    ada = really_do(wiki, "Ada", "first-edit")
    wiki.edit("User:Ada/wikitours.json", progress("first-edit", started=("add-citation",),
                                                  edits=ada), user="Ada")
    wiki.edit("User:Bea/wikitours.json", progress(*ALL_TOURS))  # forged by an admin
    # Cy typed a record of every tour by hand: no edit behind it, so no skill is shown
    wiki.edit("User:Cy/wikitours.json", progress(*ALL_TOURS), user="Cy")
    wiki.edit("User:Dee/wikitours.json",
              progress("ask-mentor", edits=really_do(wiki, "Dee", "ask-mentor")), user="Dee")
    fay = {}
    for tour in ALL_TOURS[:4]:
        fay.update(really_do(wiki, "Fay", tour))
    wiki.edit("User:Fay/wikitours.json", progress(*ALL_TOURS, edits=fay), user="Fay")
    return wiki


@pytest.fixture(scope="module")
def app(people, database_url, request, tmp_path_factory):
    # A database of its own for each wiki: the module runs once per MediaWiki version, and the
    # cohorts and assertions of one run must not meet the other's (database_url is shared).
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'wikitours.sqlite3'}"
    else:
        url = request.getfixturevalue("mariadb_server").create_database()
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "TOURS": {},
        "WIKIS": [{"id": "local", "api": people.api, "index": people.index, "language": "en",
                   "project": "Project"}],
        "ADMINS": ["local:Admin"], "TRAINER_MIN_LEARNERS": 2,
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"),
    })
    db.upgrade(app)
    yield app
    db.get_engine(app).dispose()


def fetcher(client):
    """An outside verifier's HTTP GET, answered by the app (absolute URLs → test client)."""
    def fetch(url):
        parts = urlsplit(url)
        response = client.get(parts.path, query_string=parts.query,
                              headers={"Accept": "application/ld+json"})
        try:
            return response.status_code, json.loads(response.data)
        except ValueError:
            return response.status_code, None
    return fetch


def rows(app, **where):
    with app.app_context():
        session = db.get_session()
        query = select(Assertion).order_by(Assertion.seq)
        for key, value in where.items():
            query = query.where(getattr(Assertion, key) == value)
        return session.scalars(query).all()


def sign_in(client, name, wiki="local"):
    signed_in_session(client.application, client, name, wiki)
    with client.session_transaction() as s:
        s["csrf_token"] = token = f"token-{name}"
    return token


def test_own_progress_earns_a_badge_once(app):
    client = app.test_client()
    page = client.get("/learners/local/Ada")
    assert page.status_code == 200
    held = rows(app, username="Ada")
    assert [(a.badge, a.kind) for a in held] == [("first-edit", "evidence")]
    assert [e["title"] for e in held[0].edits()] == ["User:Ada/sandbox"]
    assert f"/assertions/{held[0].uuid}".encode() in page.data
    for _ in range(3):  # more views, and a second issuer racing with the first
        client.get("/learners/local/ada")
    with app.test_request_context():
        reads = learning.client(learning.wiki_config("local")).progress(["Ada"])
        session = db.get_session()
        assert learning.issue(session, "local", reads.values(), learning.library()) == []
        # a racing issuer that has not seen the other's row yet loses on the unique key
        stale = pytest.MonkeyPatch()
        stale.setattr(learning, "assertions_for", lambda *args: [])
        try:
            assert learning.issue(session, "local", reads.values(), learning.library()) == []
        finally:
            stale.undo()
        session.add(Assertion(uuid="dup", wiki="local", username="Ada", badge="first-edit",
                              salt="x"))
        with pytest.raises(IntegrityError):
            session.commit()  # the database itself refuses a second first-edit for Ada
        session.rollback()
    assert len(rows(app, username="Ada")) == 1


def test_a_forged_completion_claim_earns_nothing(app):
    client = app.test_client()
    page = client.get("/learners/local/Bea")
    assert page.status_code == 200
    assert rows(app, username="Bea") == []
    assert b"not made by the learner" in page.data


def test_the_trainer_certificate_is_earned_by_training(app, people):
    """Pathways and tours are not enough: a cohort whose learners showed skills, and an
    endorsement by a trainer or an admin (issue 15)."""
    client = app.test_client()
    client.get("/learners/local/Fay")
    held = {a.badge: a.kind for a in rows(app, username="Fay")}
    assert held == {"first-edit": "evidence", "citation": "evidence", "communicator": "evidence",
                    "newcomer-pathway": "evidence", "mentor-pathway": "completion"}
    for name in ("Ada", "Dee", "Cy"):  # Cy holds only a completion badge: not counted
        client.get(f"/learners/local/{name}")
    with app.app_context():
        session = db.get_session()
        cohort = Cohort(wiki="local", name="Fay's club", owner="Fay", join_token="t-fay")
        for name in ("Ada", "Cy"):
            cohort.members.append(CohortMember(username=name, added_by=name))
        session.add(cohort)
        session.commit()
    client.get("/learners/local/Fay")
    assert "trainer" not in {a.badge for a in rows(app, username="Fay")}  # one learner only

    # endorsements: nobody may endorse themself, a learner without the trainer badge may not
    token = sign_in(client, "Fay")
    assert client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": "Fay"}).status_code == 403
    token = sign_in(client, "Ada")
    assert client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": "Fay"}).status_code == 403
    token = sign_in(client, "Admin")
    assert client.post("/endorse", data={"badge": "trainer", "username": "Fay"}
                       ).status_code == 400  # no CSRF token
    page = client.get("/learners/local/Fay").data.decode()
    assert "Endorse Fay for the trainer certificate" in page
    done = client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": "Fay", "comment": "<b>Ran</b> a great club"})
    assert done.status_code == 303
    client.get("/learners/local/Fay")
    assert "trainer" not in {a.badge for a in rows(app, username="Fay")}  # still one learner

    with app.app_context():
        session = db.get_session()
        cohort = session.scalar(select(Cohort).where(Cohort.join_token == "t-fay"))
        cohort.members.append(CohortMember(username="Dee", added_by="Fay"))
        session.commit()
    client.get("/learners/local/Fay")
    [trainer] = rows(app, username="Fay", badge="trainer")
    assert trainer.kind == "evidence"
    assert sorted(e.get("learner") for e in trainer.edits() if e["type"] == "cohort-learner") \
        == ["Ada", "Dee"]

    fetch = fetcher(client)
    user_page = learning.Wiki("local", "", people.index).user_page_url("Fay")
    result = ob.verify_assertion(f"http://localhost/assertions/{trainer.uuid}", fetch,
                                 identity=user_page)
    assert result.ok, result.problems
    narratives = [e["narrative"] for e in result.assertion["evidence"]]
    assert any("Dee earned the badge" in n for n in narratives)
    assert any("Endorsed for the trainer certificate by Admin" in n for n in narratives)
    endorsement_url = next(e["id"] for e in result.assertion["evidence"]
                           if "/endorsements/" in e.get("id", ""))
    status, endorsement = fetch(endorsement_url)
    assert status == 200 and ob.check_document(endorsement, "Endorsement") == []
    assert endorsement["claim"]["id"] == result.assertion["id"]  # attached once issued
    assert endorsement["claim"]["endorsementComment"] == "<b>Ran</b> a great club"
    status, profile = fetch(endorsement["issuer"])
    assert status == 200 and ob.check_document(profile, "Profile") == []
    _, badge = fetch(result.assertion["badge"])
    assert "Run a cohort in which at least 3 learners" in badge["criteria"]["narrative"] or \
        "at least" in badge["criteria"]["narrative"]
    certificate = client.get(f"/assertions/{trainer.uuid}/certificate",
                             query_string={"uselang": "en"}).data.decode()
    assert "Endorsed by Admin" in certificate and "&lt;b&gt;Ran&lt;/b&gt;" in certificate
    page = client.get(f"/assertions/{trainer.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert "Endorsed by Admin" in page and "<b>Ran</b>" not in page


def test_a_hand_written_record_earns_no_badge_that_claims_evidence(app):
    """Issue 15: an account with no edits typed every tour as completed and got Trainer."""
    page = app.test_client().get("/learners/local/Cy")
    assert page.status_code == 200
    held = {a.badge: a.kind for a in rows(app, username="Cy")}
    # only the tour without an edit to check, and only as "completed the tour"
    assert held == {"mentor-pathway": "completion"}


def test_hosted_documents_are_valid_and_verify(app):
    client = app.test_client()
    client.get("/learners/local/Ada")
    row = rows(app, username="Ada")[0]
    fetch = fetcher(client)
    status, assertion = fetch(f"http://localhost/assertions/{row.uuid}")
    assert status == 200 and ob.check_document(assertion, "Assertion") == []
    status, badge = fetch(assertion["badge"])
    assert status == 200 and ob.check_document(badge, "BadgeClass") == []
    status, issuer = fetch(badge["issuer"])
    assert status == 200 and ob.check_document(issuer, "Issuer") == []
    status, revocations = fetch(issuer["revocationList"])
    assert status == 200 and ob.check_document(revocations, "RevocationList") == []
    user_page = learning.Wiki("local", "", app.config["WIKIS"][0]["index"]).user_page_url("Ada")
    assert assertion["recipient"]["identity"] == ob.hash_identity(user_page, row.salt)
    assert user_page not in json.dumps(assertion)  # only the hash is published

    png = client.get(f"/assertions/{row.uuid}/badge.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    result = ob.verify_assertion(ob.read_png(png.data), fetch, identity=user_page)
    assert result.ok, result.problems
    svg = client.get(f"/assertions/{row.uuid}/badge.svg")
    verify_url, text = ob.read_svg(svg.data.decode())
    assert verify_url == assertion["id"]
    assert ob.verify_assertion(text, fetch, identity=user_page).ok
    other = learning.Wiki("local", "", app.config["WIKIS"][0]["index"]).user_page_url("Bea")
    assert not ob.verify_assertion(text, fetch, identity=other).ok

    html = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "Accept" in html.headers.get("Vary", "")
    assert b"Ada" in html.data and b"First edit" in html.data
    assert client.get("/assertions/no-such-thing").status_code == 404
    assert client.get("/badges/no-such-badge", headers={"Accept": "application/json"}
                      ).status_code == 404


def test_certificate_in_the_learners_language(app):
    client = app.test_client()
    client.get("/learners/local/Ada")
    row = rows(app, username="Ada")[0]
    page = client.get(f"/assertions/{row.uuid}/certificate", query_string={"uselang": "ar"})
    text = page.data.decode()
    assert page.status_code == 200
    assert re.search(r'<html lang="ar" dir="rtl">', text)
    assert "التعديل الأول" in text  # the Arabic badge name from i18n/tours/ar.json
    assert f"/assertions/{row.uuid}" in text  # verification link
    english = client.get(f"/assertions/{row.uuid}/certificate",
                         headers={"Accept-Language": "en"}).data.decode()
    assert 'dir="ltr"' in english and "First edit" in english
    german = client.get(f"/assertions/{row.uuid}/certificate",
                        headers={"Accept-Language": "de-DE,de;q=0.9"}).data.decode()
    assert 'lang="de' in german
    for lang in ("ar", "de", "en", "he", "fr"):
        page = client.get(f"/assertions/{row.uuid}/certificate", query_string={"uselang": lang})
        assert "⧼" not in page.data.decode(), lang
    html = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert "⧼" not in html and "⧼" not in client.get("/badges/trainer/criteria").data.decode()


def test_feed_for_the_bot(app, people):
    client = app.test_client()
    for name in ("Ada", "Cy"):
        client.get(f"/learners/local/{name}")
    first = client.get("/api/v1/assertions", query_string={"wiki": "local"}).get_json()
    users = {(a["user"], a["badge"]) for a in first["assertions"]}
    assert ("Ada", "first-edit") in users and ("Cy", "mentor-pathway") in users
    assert not any(a["user"] == "Bea" for a in first["assertions"])
    item = first["assertions"][0]
    assert set(item) == {"id", "badge", "name", "user", "wiki", "kind", "issuedOn", "url",
                         "revoked"}
    ada = next(a for a in first["assertions"] if a["user"] == "Ada")
    assert (ada["name"], ada["kind"]) == ("First edit", "evidence")  # the wiki's language
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["issuedOn"])
    assert urlsplit(item["url"]).path == f"/assertions/{item['id']}"
    again = client.get("/api/v1/assertions",
                       query_string={"wiki": "local", "since": first["next"]}).get_json()
    assert again == {"assertions": [], "next": first["next"]}
    newcomer = f"Kit {__import__('uuid').uuid4().hex[:6]}"  # one per database run
    people.create_user(newcomer)
    people.edit(f"User:{newcomer}/wikitours.json",
                progress("ask-mentor", edits=really_do(people, newcomer, "ask-mentor")),
                user=newcomer)
    client.get(f"/learners/local/{newcomer}")
    new = client.get("/api/v1/assertions",
                     query_string={"wiki": "local", "since": first["next"]}).get_json()
    assert [(a["user"], a["badge"]) for a in new["assertions"]] == [(newcomer, "communicator")]
    for bad in ({"wiki": "local", "since": "1 OR 1=1"}, {"wiki": "local", "since": "-1"}):
        assert client.get("/api/v1/assertions", query_string=bad).status_code == 400
    assert client.get("/api/v1/assertions", query_string={"wiki": "<x>"}).status_code == 404


def test_revocation_by_the_learners_trainer_only(app):
    client = app.test_client()
    client.get("/learners/local/Cy")
    row = next(a for a in rows(app, username="Cy") if a.badge == "mentor-pathway")
    with app.app_context():
        session = db.get_session()
        # Other trainer merely listed Cy: that gives no power over Cy's badges
        listed = Cohort(wiki="local", name="Listed", owner="Other trainer", join_token="t-lst")
        listed.members.append(CohortMember(username="Cy", added_by="Other trainer"))
        cohort = Cohort(wiki="local", name="Workshop", owner="Trainer", join_token="t-rev")
        cohort.members.append(CohortMember(username="Cy", added_by="Cy"))  # joined by link
        session.add_all([listed, cohort])
        session.commit()
    url = f"/assertions/{row.uuid}/revoke"
    assert client.post(url, data={"reason": "x"}).status_code in (302, 400, 403)
    token = sign_in(client, "Other trainer")
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    page = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert "/revoke" not in page
    token = sign_in(client, "Trainer")
    assert client.post(url, data={"reason": "no token"}).status_code == 400
    assert client.post(url, data={"csrf_token": "wrong", "reason": "x"}).status_code == 400
    assert not rows(app, uuid=row.uuid)[0].revoked
    page = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert 'name="csrf_token"' in page and "/revoke" in page
    done = client.post(url, data={"csrf_token": token, "reason": "<b>copied</b> work"})
    assert done.status_code == 303
    revoked = rows(app, uuid=row.uuid)[0]
    assert revoked.revoked and revoked.revoked_by == "local:Trainer"

    fetch = fetcher(client)
    status, doc = fetch(f"http://localhost/assertions/{row.uuid}")
    assert status == 410 and doc["revoked"] is True
    assert ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch).revoked
    _, revocations = fetch("http://localhost/issuer/revocations")
    assert any(r["id"].endswith(row.uuid) for r in revocations["revokedAssertions"])
    assert client.get(f"/assertions/{row.uuid}/badge.png").status_code == 410
    html = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"})
    assert html.status_code == 410
    assert "<b>copied</b>" not in html.data.decode()
    assert "&lt;b&gt;copied&lt;/b&gt; work" in html.data.decode()
    # seeing the progress again does not issue the revoked badge a second time
    client.get("/learners/local/Cy")
    assert len(rows(app, username="Cy", badge="mentor-pathway")) == 1
    feed = client.get("/api/v1/assertions", query_string={"wiki": "local"}).get_json()
    assert next(a for a in feed["assertions"] if a["id"] == row.uuid)["revoked"] is True
    # the bot reads revocations to record them on the wiki, with the reason and who revoked
    revs = client.get("/api/v1/revocations", query_string={"wiki": "local"}).get_json()
    mine = next(r for r in revs["revocations"] if r["id"] == row.uuid)
    assert mine["user"] == "Cy" and mine["badge"] == "mentor-pathway"
    assert mine["reason"] == "<b>copied</b> work" and mine["revokedBy"] == "Trainer"
    assert mine["url"].endswith(f"/assertions/{row.uuid}") and revs["next"] == mine["revokedOn"]
    later = client.get("/api/v1/revocations",
                       query_string={"wiki": "local", "since": "2999-01-01T00:00:00Z"})
    assert later.get_json() == {"revocations": [], "next": "2999-01-01T00:00:00Z"}
    for bad in ({"wiki": "local", "since": "1' OR 1=1"}, {"wiki": "local", "since": "x" * 5000}):
        assert client.get("/api/v1/revocations", query_string=bad).status_code == 400
    assert client.get("/api/v1/revocations", query_string={"wiki": "<x>"}).status_code == 404


def test_issue_badges_job(app, people):
    eve = {**really_do(people, "Eve", "first-edit"), **really_do(people, "Eve", "add-citation")}
    people.edit("User:Eve/wikitours.json", progress("first-edit", "add-citation", edits=eve),
                user="Eve")
    with app.app_context():
        session = db.get_session()
        cohort = Cohort(wiki="local", name="Club", owner="Trainer", join_token="t-job")
        cohort.members.append(CohortMember(username="Eve", added_by="Trainer"))
        session.add(cohort)
        session.commit()
    result = app.test_cli_runner().invoke(args=["issue-badges", "--wiki", "local",
                                                "--user", "Bea"])
    assert result.exit_code == 0, result.output
    assert re.search(r"local: \d+ learners checked, 2 badges issued", result.output)
    assert sorted(a.badge for a in rows(app, username="Eve")) == ["citation", "first-edit"]
    assert rows(app, username="Bea") == []
    again = app.test_cli_runner().invoke(args=["issue-badges"])
    assert "0 badges issued" in again.output
    with app.app_context():
        total = db.get_session().scalar(select(func.count()).select_from(Assertion))
    assert total == len(rows(app))


def test_badge_pages_escape_hostile_names(app, people):
    name = "Zoë \"<img src=x onerror=alert(1)>"
    with pytest.raises(ApiError):
        people.create_user(name)  # MediaWiki refuses < and > in user names
    odd = ODD[0]
    people.edit(f"User:{odd}/wikitours.json",
                progress("first-edit", edits=really_do(people, odd, "first-edit")), user=odd)
    client = app.test_client()
    page = client.get(f"/learners/local/{odd}")
    assert page.status_code == 200
    text = page.data.decode()
    assert odd not in text and unescape(text).count(odd) >= 1
    row = rows(app, username=odd)[0]
    for path in (f"/assertions/{row.uuid}", f"/assertions/{row.uuid}/certificate"):
        html = client.get(path, headers={"Accept": "text/html"},
                          follow_redirects=True).data.decode()
        assert odd not in html and "Q&#34;uote &amp; &#39;Amp&#39;" in html
        assert "<bdi>" in html
    assert client.get("/learners/local/%3Cscript%3E").status_code == 404


def test_claimed_edits_are_checked_on_the_wiki(app, people):
    """Each rule of toolforge.evidence against real revisions: whose, where, when, kept, cited."""
    import datetime as dt

    from localwiki.client import call, token
    from toolforge import evidence as ev
    from toolforge.progress import Progress, parse_progress

    words = f"Just words, no source ({__import__('uuid').uuid4().hex[:8]})."  # each database run
    own = people.edit("User:Gus/sandbox", words, user="Gus")["newrevid"]
    elsewhere = people.edit("Gus's article", words, user="Gus")["newrevid"]
    doomed = people.edit("User:Gus/sandbox/old", words, user="Gus")["newrevid"]
    adas = people.page_info("User:Ada/sandbox")["revid"]
    admin = people.session(people.admin.name)
    call(admin, people.api, "POST", action="delete", title="User:Gus/sandbox/old",
         token=token(admin, people.api))
    reverted = people.edit("User:Gus/sandbox", words + "\n\nVandalism!", user="Gus")["newrevid"]
    people.edit("User:Gus/sandbox", words, undo=reverted, undoafter=own)

    with app.test_request_context():
        lib = learning.library()
        wiki_client = learning.client(learning.wiki_config("local"))
        revs = wiki_client.revisions([own, elsewhere, doomed, adas, reverted, 999999999])
        assert revs[999999999].missing and revs[doomed].missing
        assert revs[own].user == "Gus" and revs[own].namespace == 2
        assert revs[reverted].parent_text == words

        def verdict(tour, revid, started="2026-11-25T10:00:00Z"):
            page = json.loads(progress(tour, edits={tour: {"publish": revid}}))
            page["tours"][tour]["started"] = started
            entries, _ = parse_progress(json.dumps(page))
            badge = lib.badge({"first-edit": "first-edit", "add-citation": "citation"}[tour])
            check = ev.check_tour(lib.tour(tour), Progress("Gus", entries).tour(tour), "Gus",
                                  revs, badge.evidence, dt.datetime.now(dt.timezone.utc))
            return check.status, check.reason

        assert verdict("first-edit", own) == ("ok", "")
        assert verdict("first-edit", adas) == ("failed", "not-theirs")
        assert verdict("first-edit", elsewhere) == ("failed", "wrong-page")
        assert verdict("first-edit", doomed) == ("failed", "deleted")
        assert verdict("first-edit", 999999999) == ("failed", "deleted")
        assert verdict("first-edit", own, started="2099-01-01T00:00:00Z") == (
            "failed", "before-start")
        assert verdict("add-citation", own) == ("failed", "no-reference")
        # undone by an admin: the page is back to the text before the edit
        assert revs[reverted].restored_later and not revs[own].restored_later
        assert verdict("first-edit", reverted) == ("failed", "reverted")


def test_assertions_carry_their_evidence_and_say_what_kind_they_are(app, people):
    client = app.test_client()
    for name in ("Ada", "Cy"):
        client.get(f"/learners/local/{name}")
    fetch = fetcher(client)
    ada = rows(app, username="Ada", badge="first-edit")[0]
    revid = ada.edits()[0]["revid"]
    _, doc = fetch(f"http://localhost/assertions/{ada.uuid}")
    assert ob.check_document(doc, "Assertion") == []
    [item] = doc["evidence"]
    assert item["id"] == f"{people.index}?diff={revid}" and item["type"] == "Evidence"
    assert "User:Ada/sandbox" in item["narrative"] and "neither reverted" in item["narrative"]
    _, badge = fetch(doc["badge"])
    assert "checks on the wiki each edit" in badge["criteria"]["narrative"]
    assert "evidence-backed" in badge["tags"]
    _, citation = fetch("http://localhost/badges/citation")
    assert "must add a citation" in citation["criteria"]["narrative"]

    cy = rows(app, username="Cy", badge="mentor-pathway")[0]
    _, completion = fetch(f"http://localhost/assertions/{cy.uuid}")
    if completion.get("revoked"):  # revoked by the revocation test when it ran first
        completion = None
    else:
        assert ob.check_document(completion, "Assertion") == []
        assert "Nothing else was checked" in completion["evidence"][0]["narrative"]
    _, mentor = fetch("http://localhost/badges/mentor-pathway")
    assert "not a skill shown in edits" in mentor["criteria"]["narrative"]
    assert "tour-completion" in mentor["tags"]

    page = client.get(f"/assertions/{ada.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert f"?diff={revid}" in page and "Skill shown in edits" in page
    user_page = learning.Wiki("local", "", people.index).user_page_url("Ada")
    assert unescape(page).count(user_page) >= 1 and "type url" in page
    certificate = client.get(f"/assertions/{ada.uuid}/certificate",
                             query_string={"uselang": "he"}).data.decode()
    assert f"?diff={revid}" in certificate and "נבדקה" in certificate
    criteria = client.get("/badges/mentor-pathway/criteria").data.decode()
    assert "not a skill shown in edits" in criteria


def test_the_gadgets_badges_link_finds_the_learner_page(app, people):
    client = app.test_client()
    host = urlsplit(people.index).netloc
    found = client.get("/learners/find", query_string={"host": host, "user": "Ada"})
    assert found.status_code == 303 and found.headers["Location"] == "/learners/local/Ada"
    for bad in ({"host": "elsewhere.example", "user": "Ada"}, {"host": host, "user": "<x>"},
                {"host": host}, {}):
        assert client.get("/learners/find", query_string=bad).status_code == 404


def test_badges_follow_progress_changes_within_a_pass(app, people):
    """Issue 15: nobody opens a page; the following job notices the progress edit itself."""
    suffix = __import__("uuid").uuid4().hex[:6]
    real, forged = f"Hana {suffix}", f"Ivo {suffix}"
    for name in (real, forged):
        people.create_user(name)
    people.edit(f"User:{real}/wikitours.json",
                progress("first-edit", edits=really_do(people, real, "first-edit")), user=real)
    sandbox = really_do(people, forged, "first-edit")
    people.edit(f"User:{forged}/wikitours.json", progress("first-edit", edits=sandbox))  # admin
    result = app.test_cli_runner().invoke(args=["issue-badges", "--follow", "--passes", "1",
                                                "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert [(a.badge, a.kind) for a in rows(app, username=real)] == [("first-edit", "evidence")]
    assert rows(app, username=forged) == []
    assert re.search(r"local: \d+ badges issued", result.output)

    with app.app_context():
        follower = learning.Follower([learning.Wiki.from_config(app.config["WIKIS"][0])],
                                     db.get_session())
        app.config["EVIDENCE_KEEP_SECONDS"] = 3600
        try:
            late = f"Jo {suffix}"
            people.create_user(late)
            people.edit(f"User:{late}/wikitours.json",
                        progress("first-edit", edits=really_do(people, late, "first-edit")),
                        user=late)
            with app.test_request_context():
                assert follower.step() == {"local": 0}  # too young: waits, not refused
            assert late in follower.pending["local"]
        finally:
            app.config["EVIDENCE_KEEP_SECONDS"] = 0
        with app.test_request_context():
            assert follower.step() == {"local": 1}
        assert follower.pending["local"] == set()


def test_the_baked_png_names_the_badge_in_the_learners_language(app):
    from io import BytesIO

    from PIL import Image

    from toolforge import badgeimage

    client = app.test_client()
    client.get("/learners/local/Ada")
    row = rows(app, username="Ada", badge="first-edit")[0]
    fetch = fetcher(client)
    pictures = {}
    for lang in ("en", "ar", "he"):
        png = client.get(f"/assertions/{row.uuid}/badge.png", query_string={"uselang": lang})
        assert png.status_code == 200
        assert ob.verify_assertion(ob.read_png(png.data), fetch).ok  # still a valid baked badge
        image = Image.open(BytesIO(png.data))
        assert image.size == (badgeimage.SIZE, badgeimage.SIZE)
        pictures[lang] = image.convert("RGBA").tobytes()
    # the name is drawn: each language gives another picture, none the plain disc
    assert len(set(pictures.values())) == 3
    plain = Image.open(BytesIO(ob.badge_png(ob.color_for("first-edit"), badgeimage.SIZE)))
    assert plain.convert("RGBA").tobytes() not in pictures.values()
    assert badgeimage.script_of("التعديل الأول") == "arabic"
    assert badgeimage.script_of("עריכה") == "hebrew" and badgeimage.script_of("1. Edit") == "latin"
    # a hostile or huge name is just text on a picture, never an error
    assert badgeimage.named_badge_png("#336699", "<script>" * 200, "x" * 500)[:8] == \
        b"\x89PNG\r\n\x1a\n"
