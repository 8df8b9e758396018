"""Sign-in on the playground (issue 17): the playground's own OAuth 2.0 provider
(playground/oauth.py) signs mentors and trainers in to the app with their real accounts on the
playground's real MediaWiki, through the app's real OAuth client (toolforge/auth.py).

Before it, ``/mentor`` and ``/cohorts`` sent everyone to ``/login``, which said "Signing in is
not set up on this app". The whole stack (gunicorn, the browser) is in test_journeys.py.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from localwiki.client import call, token
from playground import oauth, services
from toolforge import create_app, db

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = re.compile(r"import playground|from playground")
CALLBACK = "http://localhost/oauth/callback"  # the Flask test client's own address


@pytest.fixture(scope="module")
def provider(wiki):
    p = oauth.Provider(wiki.api, "playground-secret-" + "z" * 16, CALLBACK)
    server = make_server("127.0.0.1", 0, oauth.create_app(p), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    p.url = f"http://127.0.0.1:{server.server_port}"
    yield p
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def app(wiki, provider, tmp_path_factory):
    """The app with the very settings the playground writes (playground.services)."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("pg")
    (folder / "oauth-secret").write_text(provider.client_secret)
    ctx = services.Context(wiki=wiki, directory=folder, app_port=1,
                           oauth_port=int(provider.url.rsplit(":", 1)[1]))
    settings = json.loads(services._app_config(ctx).read_text())
    for key, value in services._app_env(ctx).items():
        mp.setenv(key, value)
    settings.update({"TESTING": True, "TOURS": {}})
    app = create_app(settings)
    db.upgrade(app)
    yield app
    mp.undo()


def form_of(html: str) -> str:
    found = re.search(r'name="request" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def to_provider(client, path: str) -> str:
    """Ask the app for *path* as an anonymous visitor: the provider's sign-in URL it sends to."""
    first = client.get(path)
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    login = client.get(first.headers["Location"].replace("http://localhost", ""))
    assert login.status_code == 302, login.data
    return login.headers["Location"]


def test_a_mentor_signs_in_with_their_wiki_account_and_sees_the_dashboard(wiki, provider, app):
    wiki.create_user("Mentor Mo", "mentor-password-1234")
    # the playground's mentor minimums (playground.cli.ensure_mentor_list), and its list
    wiki.edit("Project:Wikitours/Mentors/Settings.json", json.dumps({"min-edits": 0,
                                                                    "min-age-days": 0}),
              contentmodel="json")
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [
        {"username": "Mentor Mo", "languages": ["en"], "weight": 1, "capacity": 5}]}),
        contentmodel="json")
    client = app.test_client()
    url = to_provider(client, "/mentor")
    assert url.startswith(provider.url + "/index.php?title=Special%3AOAuth2%2Fauthorize") or \
        url.startswith(provider.url + "/index.php?title=Special:OAuth2/authorize"), url
    page = requests.get(url, timeout=20, headers={"Accept-Language": "de"})
    assert page.status_code == 200 and page.headers["X-Frame-Options"] == "DENY"
    assert "Playground-Wiki" in page.text and 'lang="de"' in page.text
    request_id = form_of(page.text)
    # a wrong password: the wiki refuses it, nobody is signed in, the form comes back
    wrong = requests.post(url, data={"request": request_id, "choice": "allow",
                                     "username": "Mentor Mo", "password": "nope"},
                          allow_redirects=False, timeout=20)
    assert wrong.status_code == 403 and "did not accept" in wrong.text
    right = requests.post(url, data={"request": request_id, "choice": "allow",
                                     "username": "mentor Mo", "password": "mentor-password-1234"},
                          allow_redirects=False, timeout=20)
    assert right.status_code == 302, right.text
    back = urlsplit(right.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code in (302, 303) and done.headers["Location"].endswith("/mentor")
    with client.session_transaction() as s:
        # the wiki's spelling of the name (first letter upper case), on the playground's wiki
        assert s["user"] == {"wiki": "local", "name": "Mentor Mo"}
    dashboard = client.get("/mentor")
    assert dashboard.status_code == 200 and "Mentor Mo" in dashboard.get_data(as_text=True)
    # the code was for one use only: replaying the callback signs nobody in
    replay = app.test_client().get(f"{back.path}?{back.query}")
    assert replay.status_code == 400


def test_cancel_and_blocked_accounts_sign_nobody_in(wiki, provider, app):
    client = app.test_client()
    url = to_provider(client, "/cohorts")
    request_id = form_of(requests.get(url, timeout=20).text)
    cancel = requests.post(url, data={"request": request_id, "choice": "cancel"},
                           allow_redirects=False, timeout=20)
    back = urlsplit(cancel.headers["Location"])
    assert parse_qs(back.query)["error"] == ["access_denied"]
    assert client.get(f"{back.path}?{back.query}").status_code == 403

    wiki.create_user("Blocked Bo", "blocked-password-1234")
    session = wiki.session(wiki.admin.name)
    call(session, wiki.api, "POST", action="block", user="Blocked Bo", reason="test",
         token=token(session, wiki.api, "csrf"))
    client = app.test_client()
    url = to_provider(client, "/cohorts")
    request_id = form_of(requests.get(url, timeout=20).text)
    blocked = requests.post(url, data={"request": request_id, "choice": "allow",
                                       "username": "Blocked Bo",
                                       "password": "blocked-password-1234"},
                            allow_redirects=False, timeout=20)
    assert blocked.status_code == 403 and "blocked" in blocked.text


def test_the_provider_refuses_forged_requests(wiki, provider):
    base = provider.url + "/index.php"
    good = {"title": "Special:OAuth2/authorize", "client_id": oauth.CLIENT_ID,
            "response_type": "code", "redirect_uri": CALLBACK, "state": "s",
            "code_challenge": "a" * 43, "code_challenge_method": "S256"}
    # another redirect address or client: an error page, never a redirect (no open redirect)
    for bad in ({"redirect_uri": "http://evil.example/cb"}, {"client_id": "other"},
                {"redirect_uri": CALLBACK + "x"}):
        answer = requests.get(base, params={**good, **bad}, allow_redirects=False, timeout=20)
        assert answer.status_code == 400 and "Location" not in answer.headers
    # no PKCE: back to the app with an error
    answer = requests.get(base, params={**good, "code_challenge_method": "plain"},
                          allow_redirects=False, timeout=20)
    assert "error=invalid_request" in answer.headers["Location"]
    # a made-up form id, and markup in the user name is shown as text
    forged = requests.post(base, data={"request": "made-up", "choice": "allow",
                                       "username": "x", "password": "y"}, timeout=20)
    assert forged.status_code == 400
    request_id = form_of(requests.get(base, params=good, timeout=20).text)
    hostile = requests.post(base, data={"request": request_id, "choice": "allow",
                                        "username": '"><script>alert(1)</script>',
                                        "password": "y"}, timeout=20)
    assert "<script>alert(1)" not in hostile.text and "&lt;script&gt;" in hostile.text
    # the token endpoint: wrong secret, unknown code
    answer = requests.post(provider.url + "/rest.php/oauth2/access_token", data={
        "grant_type": "authorization_code", "code": "x", "client_id": oauth.CLIENT_ID,
        "client_secret": "wrong", "redirect_uri": CALLBACK, "code_verifier": "v"}, timeout=20)
    assert answer.status_code == 401
    answer = requests.post(provider.url + "/rest.php/oauth2/access_token", data={
        "grant_type": "authorization_code", "code": "x", "client_id": oauth.CLIENT_ID,
        "client_secret": provider.client_secret, "redirect_uri": CALLBACK,
        "code_verifier": "v"}, timeout=20)
    assert answer.status_code == 400
    assert requests.get(provider.url + "/rest.php/oauth2/resource/profile",
                        headers={"Authorization": "Bearer forged"}, timeout=20).status_code == 401


def test_the_provider_is_for_the_playground_only(tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.write_text("s")
    for api, back in (("https://de.wikipedia.org/w/api.php", "http://127.0.0.1:1/oauth/callback"),
                      ("http://127.0.0.1:1/api.php", "https://wikitours.toolforge.org/cb")):
        assert oauth.main(["--port", "0", "--wiki-api", api, "--redirect-uri", back,
                           "--secret-file", str(secret)]) == 2
    assert "127.0.0.1" in capsys.readouterr().out
    # the app never imports the playground: production cannot switch the provider on
    for path in (ROOT / "toolforge").rglob("*.py"):
        assert not IMPORTS.search(path.read_text(encoding="utf-8")), path
    assert not IMPORTS.search((ROOT / "app.py").read_text())
    example = (ROOT / "toolforge" / "config.yaml.example").read_text()
    assert "127.0.0.1" not in example.split("OAUTH", 1)[-1].split("\n\n", 1)[0]
