"""The playground's own OAuth 2.0 provider: so that mentors and trainers can sign in to the app.

A real wiki signs people in to the app with MediaWiki's OAuth extension (``toolforge/auth.py``,
authorization code with PKCE). Debian does not package that extension, so the playground runs
this small provider on 127.0.0.1 in its place. It speaks the same three endpoints as the
extension, at the same paths, so the app runs its real sign-in code unchanged:

- ``index.php?title=Special:OAuth2/authorize``: a form asking for the user name and password of
  an account **on the playground wiki**; the provider checks them with the wiki's own
  ``action=clientlogin`` (a fresh session, then forgotten: no password is kept), refuses blocked
  accounts, and sends the browser back to the app with a one-time code;
- ``rest.php/oauth2/access_token``: the code for a token (client secret, redirect URI and PKCE
  verifier checked, as the extension does);
- ``rest.php/oauth2/resource/profile``: the user name for a token.

This is a playground-only component: it lives in ``playground/``, which the app never imports,
it binds to loopback only and refuses a wiki that is not on loopback, and only the playground
writes the app settings (``OAUTH``) that point at it. Production keeps the wiki's OAuth.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
from flask import Flask, Response, jsonify, redirect, render_template_string, request

from playground.messages import I18N, msg

__all__ = ["Provider", "create_app", "is_loopback", "main", "CLIENT_ID"]

#: The app's client id at the playground's provider (the secret is made per playground).
CLIENT_ID = "wikitours-playground"
#: How long a sign-in form, a code and a token stay valid, in seconds.
FORM_SECONDS, CODE_SECONDS, TOKEN_SECONDS = 600, 120, 3600
#: At most this many pending forms, codes or tokens are kept (the oldest go first).
MAX_PENDING = 500


def is_loopback(url: str) -> bool:
    """Whether *url* names this machine only (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Provider:
    """What the provider knows: its one client and what it has handed out (all in memory)."""

    wiki_api: str
    client_secret: str
    redirect_uri: str
    client_id: str = CLIENT_ID
    forms: dict[str, tuple[float, dict]] = field(default_factory=dict)
    codes: dict[str, tuple[float, dict]] = field(default_factory=dict)
    tokens: dict[str, tuple[float, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keep(self, store: dict, value, seconds: int) -> str:
        """Store *value* under a new random key valid for *seconds*; the key."""
        key = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self.lock:
            for old in [k for k, (until, _) in store.items() if until < now]:
                del store[old]
            while len(store) >= MAX_PENDING:
                del store[next(iter(store))]
            store[key] = (now + seconds, value)
        return key

    def take(self, store: dict, key: str, once: bool = True):
        """The value under *key* if still valid (removed when *once*), else None."""
        with self.lock:
            found = store.pop(key, None) if once else store.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def check_password(self, username: str, password: str) -> str | None:
        """The wiki's spelling of the user name when the wiki accepts the password, else None.

        ``action=clientlogin`` in a session of its own, which is then dropped: the provider
        never keeps a wiki session or a password.
        """
        if not username or not password or len(username) > 255 or len(password) > 4096:
            return None
        with requests.Session() as wiki:
            wiki.headers["User-Agent"] = "wikitours-playground-oauth"
            try:
                token = wiki.get(self.wiki_api, params={
                    "action": "query", "meta": "tokens", "type": "login", "format": "json",
                    "formatversion": "2"}, timeout=20).json()["query"]["tokens"]["logintoken"]
                answer = wiki.post(self.wiki_api, data={
                    "action": "clientlogin", "username": username, "password": password,
                    "logintoken": token, "loginreturnurl": self.redirect_uri, "format": "json",
                    "formatversion": "2"}, timeout=20).json().get("clientlogin", {})
            except (requests.RequestException, ValueError, KeyError, TypeError):
                return None
        name = answer.get("username")
        return name if answer.get("status") == "PASS" and isinstance(name, str) else None

    def blocked(self, username: str) -> bool:
        """Whether the wiki says the account is blocked (a blocked account is not signed in)."""
        try:
            users = requests.get(self.wiki_api, params={
                "action": "query", "list": "users", "ususers": username, "usprop": "blockinfo",
                "format": "json", "formatversion": "2"}, timeout=20).json()["query"]["users"]
        except (requests.RequestException, ValueError, KeyError, TypeError):
            return True  # unknown: not signed in
        return any("blockid" in u for u in users)


PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ dir }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('wikitours-playground-oauth-title') }}</title>
<style>
body { font-family: sans-serif; max-width: 32em; margin: 2em auto; padding: 0 1em; color: #202122; }
.note { background: #fef6e7; border: 1px solid #edab00; padding: .75em; }
.error { background: #fee7e6; border: 1px solid #d73333; padding: .75em; }
label { display: block; margin-top: 1em; font-weight: bold; }
input[type=text], input[type=password] { width: 100%; padding: .4em; box-sizing: border-box; }
.buttons { margin-top: 1.5em; display: flex; gap: 1em; }
button { padding: .5em 1em; }
button.primary { background: #36c; color: #fff; border: 1px solid #36c; }
</style></head>
<body>
<h1>{{ t('wikitours-playground-oauth-title') }}</h1>
<p class="note">{{ t('wikitours-playground-oauth-playground-only') }}</p>
{% if error %}<p class="error" role="alert">{{ t(error) }}</p>{% endif %}
{% if form %}
<p>{{ t('wikitours-playground-oauth-intro', wiki) }}</p>
<form method="post" action="">
<input type="hidden" name="request" value="{{ form }}">
<label for="username">{{ t('wikitours-playground-oauth-username') }}</label>
<input type="text" id="username" name="username" autocomplete="username" value="{{ username }}" required>
<label for="password">{{ t('wikitours-playground-oauth-password') }}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="buttons">
<button type="submit" class="primary" name="choice" value="allow">{{ t('wikitours-playground-oauth-allow') }}</button>
<button type="submit" name="choice" value="cancel" formnovalidate>{{ t('wikitours-playground-oauth-cancel') }}</button>
</div>
</form>
{% endif %}
</body></html>
"""
RTL = ("ar", "he")


def _languages() -> list[str]:
    return sorted(p.stem for p in I18N.glob("*.json") if p.stem != "qqq")


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def create_app(provider: Provider) -> Flask:
    """The provider's web app (tested with Flask's client, served by :func:`main`)."""
    app = Flask("wikitours-playground-oauth")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    def page(status: int = 200, **values) -> Response:
        lang = request.accept_languages.best_match(_languages()) or "en"

        def t(key: str, *params) -> str:
            return msg(key, *params, language=lang)

        body = render_template_string(PAGE, t=t, lang=lang, dir="rtl" if lang in RTL else "ltr",
                                      error=values.get("error"), form=values.get("form"),
                                      username=values.get("username", ""),
                                      wiki=urlsplit(provider.wiki_api).netloc)
        response = Response(body, status, content_type="text/html; charset=utf-8")
        return response

    @app.after_request
    def _headers(response: Response) -> Response:
        # a sign-in form must not be framed, cached or leak where it came from
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def back(pending: dict, **params: str):
        params["state"] = pending.get("state", "")
        return redirect(pending["redirect_uri"] + "?" + urlencode(params), code=302)

    @app.get("/index.php")
    def authorize():
        args = request.args
        if args.get("title") != "Special:OAuth2/authorize":
            return page(404, error="wikitours-playground-oauth-bad-request")
        # never send a browser anywhere but the one registered address
        if (args.get("client_id") != provider.client_id
                or args.get("redirect_uri") != provider.redirect_uri):
            return page(400, error="wikitours-playground-oauth-bad-request")
        pending = {"redirect_uri": provider.redirect_uri, "state": args.get("state", "")[:200]}
        if (args.get("response_type") != "code" or args.get("code_challenge_method") != "S256"
                or not 43 <= len(args.get("code_challenge", "")) <= 128):
            return back(pending, error="invalid_request")
        pending["challenge"] = args["code_challenge"]
        return page(form=provider.keep(provider.forms, pending, FORM_SECONDS))

    @app.post("/index.php")
    def decide():
        key = request.form.get("request", "")
        pending = provider.take(provider.forms, key, once=False)
        if pending is None:
            return page(400, error="wikitours-playground-oauth-bad-request")
        if request.form.get("choice") != "allow":
            provider.take(provider.forms, key)
            return back(pending, error="access_denied")
        username = request.form.get("username", "").strip()
        name = provider.check_password(username, request.form.get("password", ""))
        if name is None:
            return page(403, error="wikitours-playground-oauth-wrong", form=key,
                        username=username[:255])
        if provider.blocked(name):
            return page(403, error="wikitours-playground-oauth-blocked", form=key,
                        username=username[:255])
        provider.take(provider.forms, key)
        code = provider.keep(provider.codes, {**pending, "user": name}, CODE_SECONDS)
        return back(pending, code=code)

    @app.post("/rest.php/oauth2/access_token")
    def token():
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if request.authorization:
            client_id = request.authorization.username or ""
            secret = request.authorization.password or ""
        if client_id != provider.client_id or not hmac.compare_digest(
                secret.encode(), provider.client_secret.encode()):
            return jsonify(error="invalid_client"), 401
        grant = provider.take(provider.codes, form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None:
            return jsonify(error="invalid_grant"), 400
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return jsonify(error="invalid_grant"), 400
        if not hmac.compare_digest(_challenge(form.get("code_verifier", "")),
                                   grant["challenge"]):
            return jsonify(error="invalid_grant"), 400
        access = provider.keep(provider.tokens, grant["user"], TOKEN_SECONDS)
        return jsonify(access_token=access, token_type="Bearer", expires_in=TOKEN_SECONDS)

    @app.get("/rest.php/oauth2/resource/profile")
    def profile():
        auth = request.headers.get("Authorization", "")
        user = (provider.take(provider.tokens, auth.removeprefix("Bearer ").strip(), once=False)
                if auth.startswith("Bearer ") else None)
        if user is None:
            return jsonify(error="invalid_token"), 401
        # only what the app reads; the wiki's public facts, nothing else about the person
        return jsonify(username=user, blocked=provider.blocked(user))

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.oauth", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wiki-api", required=True, help="the playground wiki's api.php")
    parser.add_argument("--redirect-uri", required=True, help="the app's /oauth/callback")
    parser.add_argument("--secret-file", type=Path, required=True,
                        help="file holding the client secret (mode 600)")
    args = parser.parse_args(argv)
    if not (is_loopback(args.wiki_api) and is_loopback(args.redirect_uri)):
        print(msg("wikitours-playground-oauth-loopback-only"), flush=True)
        return 2
    provider = Provider(args.wiki_api, args.secret_file.read_text().strip(), args.redirect_uri)
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", args.port, create_app(provider), threaded=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
