"""Sign-in with the wiki's OAuth 2.0: the app's real client against a stand-in provider."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from toolforge import create_app, db, signins
from toolforge.models_sessions import SignInSession
from tests.oauth_standin import StandInProvider


@pytest.fixture(scope="module")
def provider():
    with StandInProvider("wikitours-test", "s3cret-" + "x" * 20) as p:
        yield p


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    # the stand-in speaks plain http on loopback; oauthlib insists on https otherwise
    mp.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    path = tmp_path_factory.mktemp("auth") / "app.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}",
                      "WIKIS": [provider.wiki()],
                      "OAUTH": {"local": {"client_id": provider.client_id,
                                          "client_secret": provider.client_secret}},
                      "TOURS": {}})
    db.upgrade(app)
    yield app
    mp.undo()


@pytest.fixture()
def client(app, provider):
    provider.user, provider.deny, provider.profile_extra = "Trainer", False, {}
    return app.test_client()


def start(client, next_path="/"):
    response = client.get("/login", query_string={"next": next_path})
    assert response.status_code == 302
    return response.headers["Location"]


def through_provider(url: str) -> str:
    """What the browser does at the wiki: follow to the consent endpoint, get sent back."""
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/oauth/callback"
    return f"{back.path}?{back.query}"


def signed_in(client):
    with client.session_transaction() as s:
        return s.get("user")


def test_sign_in_runs_the_whole_authorization_code_flow(client, provider):
    url = start(client, "/cohorts?x=1")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == provider.url + "/index.php"
    assert query["title"] == ["Special:OAuth2/authorize"]
    assert query["client_id"] == [provider.client_id] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]
    response = client.get(through_provider(url))
    assert response.status_code == 303
    assert response.headers["Location"] == "/cohorts?x=1"
    assert signed_in(client) == {"wiki": "local", "name": "Trainer"}
    paths = [p for _, p in provider.log]
    assert any(p.startswith("/rest.php/oauth2/access_token") for p in paths)
    assert any(p.startswith("/rest.php/oauth2/resource/profile") for p in paths)


def test_a_wrong_or_missing_state_signs_nobody_in(client):
    callback = through_provider(start(client))
    forged = re.sub(r"state=[^&]*", "state=attacker", callback)
    assert client.get(forged).status_code == 400
    assert signed_in(client) is None
    # the pending login was used up: the genuine callback no longer works either
    assert client.get(callback).status_code == 400
    assert signed_in(client) is None
    fresh = client.application.test_client()
    assert fresh.get(callback).status_code == 400  # another browser: no pending login at all


def test_a_code_works_once(client, app):
    callback = through_provider(start(client))
    assert client.get(callback).status_code == 303
    other = app.test_client()
    url = start(other)
    with other.session_transaction() as s:
        state = s["oauth"]["state"]
    replay = re.sub(r"state=[^&]*", f"state={state}", callback)
    assert other.get(replay).status_code == 502  # the provider refuses the used code
    assert signed_in(other) is None
    assert url


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "/\t/evil.example",
])
def test_no_open_redirect_after_login(client, target):
    response = client.get(through_provider(start(client, target)))
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert signed_in(client)["name"] == "Trainer"


def test_denied_consent_and_unusable_profiles(client, provider):
    provider.deny = True
    assert client.get(through_provider(start(client))).status_code == 403
    assert signed_in(client) is None
    provider.deny = False
    for extra in ({"username": "<script>alert(1)</script>"}, {"blocked": True},
                  {"username": None}):
        provider.profile_extra = extra
        assert client.get(through_provider(start(client))).status_code == 502
        assert signed_in(client) is None


def test_session_is_renewed_and_logout_needs_csrf(client):
    client.get("/login")  # creates a session
    with client.session_transaction() as s:
        s["csrf_token"] = "before-login"
    client.get(through_provider(start(client)))
    with client.session_transaction() as s:
        assert s.get("csrf_token") != "before-login"
        assert "oauth" not in s
    assert client.post("/logout").status_code == 400
    assert signed_in(client) is not None
    with client.session_transaction() as s:
        token = s["csrf_token"] = "t0ken-as-rendered-in-a-form"
    assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 400
    response = client.post("/logout", data={"csrf_token": token, "next": "//evil.example"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in(client) is None

def test_unknown_wiki_and_no_consumer(client, app):
    assert client.get("/login", query_string={"wiki": "nowiki"}).status_code == 404
    bare = create_app({"TESTING": True, "SECRET_KEY": "t", "TOURS": {},
                       "DATABASE_URL": app.config["DATABASE_URL"], "WIKIS": []})
    page = bare.test_client().get("/login")
    assert page.status_code == 200 and b"Special:OAuth2" not in page.data


def cookie_of(client) -> str:
    """The session cookie exactly as the browser holds it (what an attacker would copy)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, cookie: str):
    """A different browser presenting a copied cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_cookie_copied_before_logout_signs_nobody_in_after_it(app, client, provider):
    client.get(through_provider(start(client, "/cohorts")))
    copied = cookie_of(client)
    assert replay(app, copied).get("/cohorts").status_code == 200  # the copy works... for now
    with client.session_transaction() as s:
        s["csrf_token"] = token = "token-as-in-the-logout-form"
        sid = s["sid"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    answer = replay(app, copied).get("/cohorts")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    with app.app_context():
        assert db.get_session().get(SignInSession, signins.token_hash(sid)) is None


def test_an_expired_sign_in_signs_nobody_in(app, client):
    client.get(through_provider(start(client, "/cohorts")))
    copied = cookie_of(client)
    assert client.get("/cohorts").status_code == 200
    with client.session_transaction() as s:
        sid = s["sid"]
    with app.app_context():
        session = db.get_session()
        row = session.get(SignInSession, signins.token_hash(sid))
        assert row.expires - row.created == dt.timedelta(hours=12)  # SESSION_LIFETIME_HOURS
        row.expires = row.created = dt.datetime(2020, 1, 1)
        session.commit()
    for browser in (client, replay(app, copied)):
        answer = browser.get("/cohorts")
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_forged_or_tampered_sign_in_is_refused(app, client):
    client.get(through_provider(start(client, "/cohorts")))
    with client.session_transaction() as s:  # someone else's name with my token
        s["user"] = {"wiki": "local", "name": "Admin"}
    assert client.get("/cohorts").status_code == 302
    other = app.test_client()
    with other.session_transaction() as s:  # a user without any token (the old cookie shape)
        s["user"] = {"wiki": "local", "name": "Trainer"}
    assert other.get("/cohorts").status_code == 302
    with other.session_transaction() as s:
        s["user"], s["sid"] = {"wiki": "local", "name": "Trainer"}, "x" * 43
    assert other.get("/cohorts").status_code == 302


def test_session_cookie_flags(app, client):
    response = client.get(through_provider(start(client, "/cohorts")))
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Expires=" in header
    secure = create_app({"TESTING": True, "SECRET_KEY": "t", "TOURS": {}, "PRODUCTION": True,
                         "DATABASE_URL": app.config["DATABASE_URL"]})
    assert secure.config["SESSION_COOKIE_SECURE"] is True
