"""Sign-in with the wiki's own accounts (MediaWiki OAuth 2.0), for trainers and mentors.

The flow is the authorization-code grant with PKCE, run by requests-oauthlib:

1. ``GET /login?wiki=ID&next=/path`` keeps a random ``state``, a PKCE verifier and the
   (same-site) return path in the session and sends the browser to the wiki's
   ``index.php?title=Special:OAuth2/authorize``.
2. The wiki sends the browser back to ``/oauth/callback?code=…&state=…``. The state must
   match the session's (else nothing happens), the code is exchanged at
   ``rest.php/oauth2/access_token`` and the user name is read from
   ``rest.php/oauth2/resource/profile``. The session is then renewed (no session fixation)
   and holds only the wiki id, the user name and a random sign-in token: the access token is
   not kept, as the app never acts on the wiki for anyone.
3. ``POST /logout`` (with the CSRF token) ends the session.

The sign-in itself lives on the server (:mod:`toolforge.signins`): every request checks the
cookie's token against the database, so logout and expiry (``SESSION_LIFETIME_HOURS``) end
every copy of the cookie, not just the browser's.

Each wiki's OAuth consumer comes from the private configuration:
``OAUTH: {<wiki id>: {client_id: …, client_secret: …}}`` (on Toolforge through
``toolforge envvars create WIKITOURS_OAUTH``). A wiki without one offers no sign-in. Where
the consumer lives on another wiki (Wikimedia registers consumers on Meta-Wiki), its ``index``
and ``rest`` URLs may be given next to the client id.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flask import (Blueprint, abort, current_app, g, redirect, render_template, request,
                   session, url_for)
from requests_oauthlib import OAuth2Session

from . import signins
from .db import get_session
from .security import is_safe_target, safe_redirect
from .wikiclient import Wiki, valid_username

__all__ = ["bp", "SignedIn", "current_user", "login_required", "is_admin", "wikis", "wiki_by_id",
           "oauth_clients"]

bp = Blueprint("auth", __name__)


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in: a user name on one wiki (nothing else about them is kept)."""

    wiki: str
    name: str


def wikis() -> list[Wiki]:
    """The configured wikis (contracts §10)."""
    return [Wiki.from_config(w) for w in current_app.config.get("WIKIS") or []]


def wiki_by_id(wiki_id: str) -> Wiki | None:
    return next((w for w in wikis() if w.id == wiki_id), None)


def oauth_clients() -> Mapping[str, Mapping[str, str]]:
    return current_app.config.get("OAUTH") or {}


def lifetime() -> dt.timedelta:
    """How long a sign-in lasts, from ``SESSION_LIFETIME_HOURS``."""
    return dt.timedelta(hours=float(current_app.config.get("SESSION_LIFETIME_HOURS") or 12))


def current_user() -> SignedIn | None:
    """The signed-in user of this request, or None.

    The cookie names a user and a sign-in token; the user counts only while the server still
    holds that sign-in (not signed out, not expired). Checked once per request.
    """
    if "wikitours_user" in g:
        return g.wikitours_user
    user = None
    data = session.get("user")
    if isinstance(data, dict) and isinstance(data.get("wiki"), str) and isinstance(
            data.get("name"), str):
        if signins.is_valid(get_session(), session.get("sid"), data["wiki"], data["name"]):
            user = SignedIn(data["wiki"], data["name"])
        else:  # signed out elsewhere, expired or forged: this cookie signs nobody in
            session.pop("user", None)
            session.pop("sid", None)
    g.wikitours_user = user
    return user


def is_admin(user: SignedIn | None) -> bool:
    """Whether *user* is one of the app's administrators (``ADMINS: ["wiki:Name", …]``)."""
    return user is not None and f"{user.wiki}:{user.name}" in (current_app.config.get("ADMINS")
                                                               or [])


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to sign in, and back here afterwards."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def _oauth(wiki: Wiki, state: str | None = None) -> OAuth2Session:
    client = oauth_clients()[wiki.id]
    oauth = OAuth2Session(client["client_id"], state=state,
                          redirect_uri=url_for("auth.callback", _external=True))
    oauth.headers["User-Agent"] = current_app.config.get("USER_AGENT", "wikitours")
    return oauth


def _endpoints(wiki: Wiki) -> tuple[str, str]:
    """``(index.php, rest.php)`` of the wiki that runs the OAuth consumer."""
    client = oauth_clients()[wiki.id]
    return str(client.get("index") or wiki.index), str(client.get("rest") or wiki.rest)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@bp.get("/login")
def login():
    """Start signing in on the chosen wiki, or let the visitor choose one."""
    target = request.args.get("next", "")
    target = target if is_safe_target(target) else ""
    available = [w for w in wikis() if w.id in oauth_clients()]
    wiki = wiki_by_id(request.args.get("wiki", ""))
    if wiki is None and len(available) == 1 and not request.args.get("wiki"):
        wiki = available[0]
    if wiki is None or wiki.id not in oauth_clients():
        status = 404 if request.args.get("wiki") else 200
        return render_template("auth.html", wikis=available, next=target), status
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _ = _oauth(wiki, state).authorization_url(
        f"{_endpoints(wiki)[0]}?title=Special:OAuth2/authorize", state=state,
        code_challenge=_challenge(verifier), code_challenge_method="S256")
    session["oauth"] = {"state": state, "verifier": verifier, "wiki": wiki.id, "next": target}
    return redirect(url, code=302)


@bp.get("/oauth/callback")
def callback():
    """Finish signing in: check the state, swap the code for a token, read the user name."""
    pending = session.pop("oauth", None)
    state = request.args.get("state", "")
    if not isinstance(pending, dict) or not hmac.compare_digest(
            str(pending.get("state", "")), state) or not state:
        return render_template("auth.html", error="wikitours-app-auth-error-state",
                               wikis=[], next=""), 400
    wiki = wiki_by_id(str(pending.get("wiki", "")))
    if wiki is None or wiki.id not in oauth_clients():
        abort(404)
    if request.args.get("error") or not request.args.get("code"):
        return render_template("auth.html", error="wikitours-app-auth-error-denied",
                               wikis=[], next=""), 403
    oauth = _oauth(wiki, state)
    rest = _endpoints(wiki)[1]
    try:
        oauth.fetch_token(f"{rest}/oauth2/access_token", code=request.args["code"],
                          client_secret=oauth_clients()[wiki.id]["client_secret"],
                          code_verifier=pending.get("verifier", ""), timeout=20)
        response = oauth.get(f"{rest}/oauth2/resource/profile", timeout=20)
        profile = response.json() if response.status_code == 200 else {}
    except Exception:  # requests, oauthlib and JSON errors all mean: no sign-in
        current_app.logger.exception("OAuth sign-in on %s failed", wiki.id)
        profile = {}
    name = profile.get("username") if isinstance(profile, dict) else None
    if not isinstance(name, str) or not valid_username(name) or profile.get("blocked") is True:
        return render_template("auth.html", error="wikitours-app-auth-error-failed",
                               wikis=[], next=""), 502
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session["user"] = {"wiki": wiki.id, "name": name}
    session["sid"] = signins.begin(get_session(), wiki.id, name, lifetime())
    session.permanent = True  # the cookie expires with the sign-in, not 31 days later
    g.pop("wikitours_user", None)
    return safe_redirect(pending.get("next") or None)


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign anyone out).

    The server forgets the sign-in, so a copy of the cookie signs nobody in afterwards.
    """
    signins.end(get_session(), session.get("sid"))
    session.clear()
    g.pop("wikitours_user", None)
    return safe_redirect(request.form.get("next") or None)


def init_app(app) -> None:
    app.jinja_env.globals.update(current_user=current_user)
    # the signed cookie itself stops being accepted when the sign-in ends
    app.permanent_session_lifetime = dt.timedelta(
        hours=float(app.config.get("SESSION_LIFETIME_HOURS") or 12))
