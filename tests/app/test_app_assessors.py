"""Attested skills on a real wiki: who is an assessor is decided on the wiki (entries count only
when an admin added them), awards go through a CSRF-protected form, carry the assessor's
evidence, verify as Open Badges, and are revoked by their assessor with a public reason."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.app.test_app_badges import fetcher, rows, sign_in
from toolforge import create_app, db, learning
from toolforge import openbadges as ob
from toolforge.assessors import ASSESSORS_PAGE, authorised, parse_assessors

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def page(*entries: dict) -> str:
    return json.dumps({"assessors": list(entries)})


def test_only_entries_an_admin_made_count():
    history = [
        (1, "Admin", page({"username": "ann", "skills": ["facilitation"]})),
        (2, "Mallory", page({"username": "Ann", "skills": ["facilitation"]},
                            {"username": "Mallory"})),  # adds herself: does not count
        (3, "Admin", page({"username": "Ann", "skills": ["facilitation"]}, {"username": "Mallory"},
                          {"username": "Bob"})),
        (4, "Mallory", page({"username": "Ann", "skills": ["facilitation"]},
                            {"username": "Mallory"},
                            {"username": "Bob", "skills": ["partnership"]})),  # changes Bob's
    ]
    found = authorised(history, {"Admin"})
    assert set(found) == {"Ann"} and found["Ann"].added_by == "Admin"
    assert found["Ann"].may_award("facilitation") and not found["Ann"].may_award("partnership")
    assert authorised(history[:3], {"Admin"})["Bob"].skills == ()  # all skills
    for junk in ("", "[]", "{\"assessors\": 5}", "{\"assessors\": [1, {\"username\": \"<x>\"}]}"):
        assert parse_assessors(junk) == {}


@pytest.fixture(scope="module")
def app(wiki, tmp_path_factory):
    for name in ("Ann", "Mallory", "Lee"):
        wiki.create_user(name)
    wiki.edit(ASSESSORS_PAGE, page({"username": "Ann", "skills": ["facilitation"]}),
              contentmodel="json")  # by the wiki's admin
    wiki.edit(ASSESSORS_PAGE, page({"username": "Ann", "skills": ["facilitation"]},
                                   {"username": "Mallory"}), user="Mallory")
    path = tmp_path_factory.mktemp("assess") / "app.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}", "TOURS": {},
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"}],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"),
        "ISSUERS": [{"id": "wmxx", "name": "Wikimedia Example <Chapter>",
                     "url": "https://wmxx.example.org", "email": "info@wmxx.example.org",
                     "members": ["local:Ann"]}]})
    db.upgrade(app)
    return app


def test_an_assessor_awards_and_revokes_a_skill_badge(app, wiki):
    client = app.test_client()
    token = sign_in(client, "Mallory")
    refused = client.get("/assess/local")
    assert refused.status_code == 403 and ASSESSORS_PAGE in refused.data.decode()
    assert client.post("/assess/local", data={
        "csrf_token": token, "username": "Lee", "skill": "facilitation",
        "evidence": "x"}).status_code == 403

    token = sign_in(client, "Ann")
    form = client.get("/assess/local").data.decode()
    assert 'name="csrf_token"' in form and "Workshop facilitation" in form
    assert "Public speaking" not in form  # Ann may award facilitation only
    good = {"csrf_token": token, "username": "Lee", "skill": "facilitation",
            "evidence": "Ran the <b>Saturday</b> editathon at the library for 12 people.",
            "url": "https://example.org/editathon-report"}
    assert client.post("/assess/local", data={**good, "csrf_token": ""}).status_code == 400
    for bad in ({"url": "javascript:alert(1)"}, {"username": "No such person here"},
                {"username": "Ann"}, {"skill": "public-speaking"}, {"evidence": ""},
                {"skill": "trainer"}):
        assert client.post("/assess/local", data={**good, **bad}).status_code == 400, bad
    assert rows(app, username="Lee") == []
    done = client.post("/assess/local", data=good)
    assert done.status_code == 303
    [row] = rows(app, username="Lee")
    assert (row.badge, row.kind, row.awarded_by) == ("facilitation", "attested", "local:Ann")

    fetch = fetcher(client)
    user_page = learning.Wiki("local", "", wiki.index).user_page_url("Lee")
    result = ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch,
                                 identity=user_page)
    assert result.ok, result.problems
    [evidence] = result.assertion["evidence"]
    assert evidence["id"] == good["url"] and "Saturday" in evidence["narrative"]
    assert "Assessors.json" in result.badge["criteria"]["narrative"]
    assert result.badge["name"] == "Workshop facilitation" and "attested" in result.badge["tags"]
    html = client.get(f"/assertions/{row.uuid}", headers={"Accept": "text/html"}).data.decode()
    assert "Awarded by Ann" in html and "<b>Saturday</b>" not in html
    feed = client.get("/api/v1/assertions", query_string={"wiki": "local"}).get_json()
    entry = next(a for a in feed["assertions"] if a["id"] == row.uuid)
    assert (entry["kind"], entry["awardedBy"], entry["name"]) == (
        "attested", "Ann", "Workshop facilitation")

    token = sign_in(client, "Mallory")
    assert client.post(f"/assertions/{row.uuid}/revoke",
                       data={"csrf_token": token, "reason": "x"}).status_code == 403
    token = sign_in(client, "Ann")
    assert client.post(f"/assertions/{row.uuid}/revoke", data={
        "csrf_token": token, "reason": "Awarded to the wrong account"}).status_code == 303
    result = ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch,
                                 identity=user_page)
    assert result.revoked and not result.ok
    status, doc = fetch(f"http://localhost/assertions/{row.uuid}")
    assert status == 410 and doc["revocationReason"] == "Awarded to the wrong account"
    assert urlsplit(fetch("http://localhost/issuer")[1]["revocationList"]).path == \
        "/issuer/revocations"


def test_an_affiliate_endorses_a_badge_class_in_its_own_name(app):
    client = app.test_client()
    token = sign_in(client, "Lee")  # no trainer badge, no affiliate: may not endorse
    assert client.post("/endorse", data={"csrf_token": token, "badge": "citation"}
                       ).status_code == 403
    token = sign_in(client, "Ann")  # a member of the affiliate, endorsing on its behalf only
    assert client.post("/endorse", data={"csrf_token": token, "badge": "citation"}
                       ).status_code == 403
    assert client.post("/endorse", data={"csrf_token": token, "badge": "citation",
                                         "issuer": "other"}).status_code == 403
    criteria = client.get("/badges/citation/criteria").data.decode()
    assert "Wikimedia Example &lt;Chapter&gt;" in criteria  # the form offers the affiliate
    done = client.post("/endorse", data={"csrf_token": token, "badge": "citation",
                                         "issuer": "wmxx", "comment": "We teach this."})
    assert done.status_code == 303
    fetch = fetcher(client)
    page = client.get("/badges/citation/criteria").data.decode()
    assert "Endorsed by Wikimedia Example &lt;Chapter&gt;" in page
    url = "http://localhost" + __import__("re").search(
        r'href="(?:http://localhost)?(/endorsements/[^"]+)"', page).group(1)
    status, endorsement = fetch(url)
    assert status == 200 and ob.check_document(endorsement, "Endorsement") == []
    assert endorsement["claim"]["id"].endswith("/badges/citation")
    status, issuer = fetch(endorsement["issuer"])
    assert status == 200 and ob.check_document(issuer, "Issuer") == []
    assert (issuer["name"], issuer["url"]) == ("Wikimedia Example <Chapter>",
                                               "https://wmxx.example.org")
    assert client.get("/issuers/nope").status_code == 404
    # withdrawn: the endorsement answers 410 and leaves the page
    uid = url.rsplit("/", 1)[1]
    assert client.post(f"/endorsements/{uid}/withdraw", data={"csrf_token": token}
                       ).status_code == 303
    assert fetch(url)[0] == 410
    assert "Endorsed by" not in client.get("/badges/citation/criteria").data.decode()


def test_an_affiliate_issues_a_skill_badge_in_its_own_name(app, wiki):
    """A chapter certifies in its own name (issue 15): an assessor who is a member of an
    affiliate awards on its behalf; the assertion's issuer is the affiliate's hosted profile,
    with its own revocation list, and it verifies like any other; a non-member cannot."""
    wiki.create_user("Kai")
    client = app.test_client()
    token = sign_in(client, "Mallory")  # not an assessor (her own entry) nor a member
    assert client.post("/assess/local", data={
        "csrf_token": token, "username": "Kai", "skill": "facilitation", "evidence": "x",
        "issuer": "wmxx"}).status_code == 403
    token = sign_in(client, "Ann")
    form = client.get("/assess/local").data.decode()
    assert 'name="issuer"' in form and "Wikimedia Example &lt;Chapter&gt;" in form
    good = {"csrf_token": token, "username": "Kai", "skill": "facilitation",
            "evidence": "Co-led the chapter's spring workshop.", "issuer": "wmxx"}
    assert client.post("/assess/local", data={**good, "issuer": "other"}).status_code == 403
    assert rows(app, username="Kai") == []
    assert client.post("/assess/local", data=good).status_code == 303
    [row] = rows(app, username="Kai")
    assert row.issuer == "wmxx"

    fetch = fetcher(client)
    user_page = learning.Wiki("local", "", wiki.index).user_page_url("Kai")
    result = ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch,
                                 identity=user_page)
    assert result.ok, result.problems
    assert urlsplit(result.assertion["badge"]).path == "/issuers/wmxx/badges/facilitation"
    assert urlsplit(result.badge["issuer"]).path == "/issuers/wmxx"
    assert (result.issuer["name"], result.issuer["url"], result.issuer["email"]) == (
        "Wikimedia Example <Chapter>", "https://wmxx.example.org", "info@wmxx.example.org")
    # baked, it verifies offline against the same documents
    png = client.get(f"/assertions/{row.uuid}/badge.png").data
    baked = json.loads(ob.read_png(png))
    assert baked["badge"] == result.assertion["badge"]
    assert client.get("/issuers/nope/badges/facilitation").status_code == 404
    certificate = client.get(f"/assertions/{row.uuid}/certificate?uselang=en").data.decode()
    assert "<bdi>Wikimedia Example &lt;Chapter&gt;</bdi>" in certificate
    assert client.get("/issuers/wmxx/badges/no-such-badge").status_code == 404

    # the affiliate's revocation list, not the app's, lists its revoked badges
    assert client.post(f"/assertions/{row.uuid}/revoke", data={
        "csrf_token": token, "reason": "Wrong person"}).status_code == 303
    result = ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch,
                                 identity=user_page)
    assert result.revoked
    _, profile = fetch("http://localhost/issuers/wmxx")
    _, ours = fetch(profile["revocationList"])
    assert ob.check_document(ours, "RevocationList") == []
    assert [r["id"].rsplit("/", 1)[1] for r in ours["revokedAssertions"]] == [row.uuid]
    _, apps = fetch("http://localhost/issuer/revocations")
    assert row.uuid not in json.dumps(apps)


def test_each_wiki_issues_in_its_own_name_when_it_has_a_profile(app, wiki, tmp_path):
    """Per-wiki issuer profiles (issue 15): a wiki configured with ``issuer`` (name, URL,
    contact) issues its learners' badges under its own profile and revocation list."""
    wiki.create_user("Wen")
    local = create_app({
        **{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "TOURS", "LIBRARY", "ISSUERS")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wikis.sqlite3'}",
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en",
                   "issuer": {"name": "Local <Wiki> community", "url": "https://local.example",
                              "email": "badges@local.example"}}]})
    db.upgrade(local)
    client = local.test_client()
    token = sign_in(client, "Ann")
    assert client.post("/assess/local", data={
        "csrf_token": token, "username": "Wen", "skill": "facilitation",
        "evidence": "Ran a workshop."}).status_code == 303
    [row] = rows(local, username="Wen")
    fetch = fetcher(client)
    user_page = learning.Wiki("local", "", wiki.index).user_page_url("Wen")
    result = ob.verify_assertion(f"http://localhost/assertions/{row.uuid}", fetch,
                                 identity=user_page)
    assert result.ok, result.problems
    assert urlsplit(result.assertion["badge"]).path == "/wikis/local/badges/facilitation"
    assert (result.issuer["name"], result.issuer["url"], result.issuer["email"]) == (
        "Local <Wiki> community", "https://local.example", "badges@local.example")
    assert client.get("/wikis/other/issuer").status_code == 404
    assert client.post(f"/assertions/{row.uuid}/revoke", data={
        "csrf_token": token, "reason": "Test"}).status_code == 303
    _, profile = fetch("http://localhost/wikis/local/issuer")
    _, listed = fetch(profile["revocationList"])
    assert ob.check_document(listed, "RevocationList") == []
    assert [r["id"].rsplit("/", 1)[1] for r in listed["revokedAssertions"]] == [row.uuid]
    _, apps = fetch("http://localhost/issuer/revocations")
    assert row.uuid not in json.dumps(apps)
    # a wiki without a profile keeps the app's issuer (the module's app)
    assert client.get("/badges/facilitation", headers={"Accept": "application/ld+json"}
                      ).get_json()["issuer"].endswith("/issuer")
