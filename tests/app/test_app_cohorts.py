"""Cohorts on a real wiki: trainers sign in (OAuth stand-in), list learners or share a join link,
and see verified progress and badges. Hostile names are escaped; every form needs CSRF."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.oauth_standin import StandInProvider, consumer, sign_in
from tests.realedits import progress, really_do
from toolforge import create_app, db, learning

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert('x')</script> Club & \"friends\""


@pytest.fixture(scope="module")
def provider():
    with StandInProvider("wikitours-cohorts", "cohort-secret-" + "y" * 16) as p:
        yield p


@pytest.fixture(scope="module")
def app(wiki, provider, tmp_path_factory):
    for name in ("Trainer", "Ada", "Bea", "Cy", "Mallory"):
        wiki.create_user(name)
    wiki.edit("User:Ada/wikitours.json",
              progress("first-edit", edits=really_do(wiki, "Ada", "first-edit")), user="Ada")
    wiki.edit("User:Bea/wikitours.json", progress("first-edit", "add-citation"))  # forged
    mp = pytest.MonkeyPatch()
    mp.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    path = tmp_path_factory.mktemp("cohorts") / "app.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}", "TOURS": {},
        "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"},
                  {"id": "otherwiki", "api": wiki.api, "index": wiki.index, "language": "de"}],
        "OAUTH": {"local": consumer(provider), "otherwiki": consumer(provider)},
        "ADMINS": ["local:Admin"],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"),
    })
    db.upgrade(app)
    yield app
    mp.undo()


def token_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def member_names(page: bytes) -> list[str]:
    return [unescape(n) for n in re.findall(r'data-learner="([^"]*)"', page.decode())]


@pytest.fixture(scope="module")
def trainer(app, provider):
    client = app.test_client()
    signed = sign_in(client, provider, "Trainer", "/cohorts", "local")
    assert signed.headers["Location"] == "/cohorts"
    return client


@pytest.fixture(scope="module")
def cohort_url(trainer):
    page = trainer.get("/cohorts")
    assert page.status_code == 200
    response = trainer.post("/cohorts", data={
        "csrf_token": token_of(page.data), "name": HOSTILE,
        "usernames": "Ada\nUser:bea, Nobody Here\nBad|name\n<img src=x>"})
    assert response.status_code == 303
    return response.headers["Location"]


def test_anonymous_visitors_are_sent_to_sign_in(app):
    client = app.test_client()
    for path in ("/cohorts", "/cohorts/1", "/join/abc", "/mentor"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_trainer_creates_a_cohort_from_user_names(trainer, cohort_url):
    page = trainer.get(cohort_url)
    text = page.data.decode()
    assert page.status_code == 200
    assert member_names(page.data) == ["Ada", "Bea"]
    # hostile cohort name and rejected names are shown escaped, never as markup
    assert "<script>alert" not in text and "<img src=x>" not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Club &amp; &#34;friends&#34;" in text
    assert "Nobody Here" in text and "Bad|name" in text and "&lt;img src=x&gt;" in text
    # verified progress per tour, and the badge Ada's own edit earned
    ada = re.search(r'<tr data-learner="Ada">(.*?)</tr>', text, re.S).group(1)
    assert re.search(r'data-tour="first-edit"><span class="status status-completed">', ada)
    assert "/assertions/" in ada
    bea = re.search(r'<tr data-learner="Bea">(.*?)</tr>', text, re.S).group(1)
    assert "status-completed" not in bea and "/assertions/" not in bea
    assert "not made by the learner" in bea
    assert trainer.get("/cohorts").data.decode().count("Club &amp;") == 1
    assert "⧼" not in text and "⧼" not in trainer.get("/cohorts").data.decode()


def test_every_form_needs_the_csrf_token(trainer, cohort_url, app):
    page = trainer.get(cohort_url).data.decode()
    forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert len(forms) >= 4  # sign out, refresh, remove (per learner), add learners
    for action, body in forms:
        assert 'name="csrf_token"' in body, action
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', body))
        fields.pop("csrf_token")
        fields.setdefault("usernames", "Cy")
        assert trainer.post(unescape(action), data=fields).status_code == 400, action
        fields["csrf_token"] = "forged"
        assert trainer.post(unescape(action), data=fields).status_code == 400, action
    assert member_names(trainer.get(cohort_url).data) == ["Ada", "Bea"]  # nothing changed
    assert trainer.post("/cohorts", data={"name": "no token"}).status_code == 400


def test_learners_join_through_the_link(app, provider, trainer, cohort_url, wiki):
    join_url = unescape(re.search(r'class="url join-link">([^<]+)<',
                                  trainer.get(cohort_url).data.decode()).group(1))
    path = join_url.split("localhost", 1)[1]
    learner = app.test_client()
    first = learner.get(path)
    assert first.status_code == 302  # sign in first, then come back here
    assert sign_in(learner, provider, "Cy", path, "local").headers["Location"] == path
    page = learner.get(path)
    assert b"Club &amp;" in page.data
    assert learner.post(path).status_code == 400  # no CSRF token
    joined = learner.post(path, data={"csrf_token": token_of(page.data)})
    assert joined.status_code == 303 and joined.headers["Location"] == "/learners/local/Cy"
    assert member_names(trainer.get(cohort_url).data) == ["Ada", "Bea", "Cy"]
    assert b"already" in learner.get(path).data
    # Cy completes a tour by their own edit; the trainer's refresh issues the badge
    wiki.edit("User:Cy/wikitours.json",
              progress("ask-mentor", edits=really_do(wiki, "Cy", "ask-mentor")), user="Cy")
    page = trainer.get(cohort_url)
    refreshed = trainer.post(cohort_url + "/refresh", data={"csrf_token": token_of(page.data)},
                             follow_redirects=True).data.decode()
    cy = re.search(r'<tr data-learner="Cy">(.*?)</tr>', refreshed, re.S).group(1)
    assert "/assertions/" in cy and "Communicator" in cy
    assert learner.get("/join/not-a-real-token").status_code == 404


def test_a_learner_of_another_wiki_cannot_join(app, provider, trainer, cohort_url):
    join_url = unescape(re.search(r'class="url join-link">([^<]+)<',
                                  trainer.get(cohort_url).data.decode()).group(1))
    path = join_url.split("localhost", 1)[1]
    outsider = app.test_client()
    assert sign_in(outsider, provider, "Mallory", path, wiki="otherwiki").status_code == 303
    page = outsider.get(path)
    assert b"another wiki" in page.data
    assert outsider.post(path, data={"csrf_token": token_of(page.data)}).status_code == 403


def test_only_the_owner_and_admins_see_a_cohort(app, provider, cohort_url):
    mallory = app.test_client()
    sign_in(mallory, provider, "Mallory", wiki="local")
    assert mallory.get(cohort_url).status_code == 403
    page = mallory.get("/cohorts")
    assert b"Club &amp;" not in page.data
    token = token_of(page.data)
    assert mallory.post(cohort_url + "/members", data={
        "csrf_token": token, "usernames": "Mallory"}).status_code == 403
    assert mallory.post(cohort_url + "/members/remove", data={
        "csrf_token": token, "username": "Ada"}).status_code == 403
    admin = app.test_client()
    sign_in(admin, provider, "Admin", wiki="local")
    assert admin.get(cohort_url).status_code == 200
    assert app.test_client().get("/cohorts/999").status_code == 302
    assert admin.get("/cohorts/999").status_code == 404


def test_trainer_adds_and_removes_learners(trainer, cohort_url):
    page = trainer.get(cohort_url)
    added = trainer.post(cohort_url + "/members", data={
        "csrf_token": token_of(page.data), "usernames": "mallory\nAda"}, follow_redirects=True)
    assert "Mallory" in member_names(added.data)
    assert member_names(added.data).count("Ada") == 1
    removed = trainer.post(cohort_url + "/members/remove", data={
        "csrf_token": token_of(added.data), "username": "Mallory"}, follow_redirects=True)
    assert "Mallory" not in member_names(removed.data)
    too_many = "\n".join(f"Learner {i}" for i in range(201))
    big = trainer.post(cohort_url + "/members", data={
        "csrf_token": token_of(removed.data), "usernames": too_many}, follow_redirects=True)
    assert b"at most 200" in big.data
    empty = trainer.post("/cohorts", data={"csrf_token": token_of(big.data), "name": "  "},
                         follow_redirects=True)
    assert b"at most 200 characters" in empty.data
