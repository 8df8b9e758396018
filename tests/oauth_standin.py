"""A stand-in for the wiki's OAuth 2.0 provider (MediaWiki's OAuth extension is not packaged
here), served on loopback so the app's real requests-oauthlib client talks HTTP to it.

It implements the three endpoints the app uses, with the checks a real provider makes:
``index.php?title=Special:OAuth2/authorize`` (approves at once as :attr:`user`, or denies when
:attr:`deny` is set), ``rest.php/oauth2/access_token`` (one-time code bound to client, redirect
URI and PKCE challenge; client secret by Basic auth or form) and
``rest.php/oauth2/resource/profile`` (Bearer token). Every request is logged in :attr:`log`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server


class StandInProvider:
    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = "Trainer"
        self.deny = False
        self.profile_extra: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}
        self.log: list[tuple[str, str]] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wiki(self, wiki_id: str = "local") -> dict:
        return {"id": wiki_id, "api": f"{self.url}/api.php", "index": f"{self.url}/index.php",
                "language": "en", "project": "Project"}

    def __enter__(self) -> "StandInProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)

    def _build(self) -> Flask:
        app = Flask("standin-oauth")

        @app.before_request
        def _log():
            self.log.append((request.method, request.full_path))

        @app.get("/index.php")
        def authorize():
            args = request.args
            if args.get("title") != "Special:OAuth2/authorize":
                return "not found", 404
            if args.get("client_id") != self.client_id or args.get("response_type") != "code":
                return "invalid client", 400
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                return "PKCE required", 400
            target = args["redirect_uri"]
            if self.deny:
                return redirect(target + "?" + urlencode(
                    {"error": "access_denied", "state": args.get("state", "")}))
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"redirect_uri": target, "challenge": args["code_challenge"],
                                "user": self.user}
            return redirect(target + "?" + urlencode({"code": code,
                                                      "state": args.get("state", "")}))

        @app.post("/rest.php/oauth2/access_token")
        def token():
            form = request.form
            client_id, secret = form.get("client_id"), form.get("client_secret")
            if request.authorization:
                client_id = request.authorization.username
                secret = request.authorization.password
            if client_id != self.client_id or secret != self.client_secret:
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(form.get("code", ""), None)
            if form.get("grant_type") != "authorization_code" or grant is None:
                return jsonify(error="invalid_grant"), 400
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant", hint="redirect_uri"), 400
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return jsonify(error="invalid_grant", hint="code_verifier"), 400
            access = secrets.token_urlsafe(24)
            self.tokens[access] = grant["user"]
            return jsonify(access_token=access, token_type="Bearer", expires_in=3600,
                           refresh_token=secrets.token_urlsafe(24))

        @app.get("/rest.php/oauth2/resource/profile")
        def profile():
            auth = request.headers.get("Authorization", "")
            user = self.tokens.get(auth.removeprefix("Bearer ").strip())
            if not auth.startswith("Bearer ") or user is None:
                return jsonify(error="invalid_token"), 401
            return jsonify({"sub": "42", "username": user, "editcount": 3,
                            "confirmed_email": False, "blocked": False,
                            "registered": "20261125000000", "groups": ["*", "user"],
                            "rights": ["read", "edit"], **self.profile_extra})

        return app


def consumer(provider: StandInProvider, with_endpoints: bool = True) -> dict:
    """The app's ``OAUTH`` entry for a wiki whose consumer is this stand-in."""
    entry = {"client_id": provider.client_id, "client_secret": provider.client_secret}
    if with_endpoints:
        entry.update(index=f"{provider.url}/index.php", rest=f"{provider.url}/rest.php")
    return entry


def sign_in(client, provider: StandInProvider, name: str, next_path: str = "/",
            wiki: str | None = None):
    """Sign *client* (a Flask test client) in as *name* through the whole OAuth flow."""
    import requests
    from urllib.parse import urlsplit

    provider.user = name
    query = {"next": next_path, **({"wiki": wiki} if wiki else {})}
    start = client.get("/login", query_string=query)
    assert start.status_code == 302, start.data
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    location = urlsplit(back.headers["Location"])
    return client.get(f"{location.path}?{location.query}")


def signed_in_session(app, client, name: str, wiki: str = "local") -> str:
    """Sign *client* in as *name* without the OAuth dance: a real server-side sign-in row
    (``toolforge.signins``) and the cookie that names it. Returns the sign-in token."""
    import datetime as dt

    from toolforge import db, signins

    with app.app_context():
        token = signins.begin(db.get_session(), wiki, name, dt.timedelta(hours=1))
    with client.session_transaction() as s:
        s["user"] = {"wiki": wiki, "name": name}
        s["sid"] = token
    return token
