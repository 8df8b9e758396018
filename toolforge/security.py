"""Security defaults every page and form of the app gets.

- Response headers: a strict Content-Security-Policy (only this site's own files: no inline
  scripts or styles, no external fonts or CDNs), ``X-Frame-Options: deny``, ``nosniff``,
  ``Referrer-Policy: same-origin``.
- CSRF: ``csrf_token()`` is a template global (put it in every form as
  ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``). Every POST, PUT,
  PATCH and DELETE is checked before the view runs and answered 400 when the token is missing
  or wrong, unless the view is marked :func:`csrf_exempt` (the events API, which takes no
  cookies and changes nothing that belongs to anyone). Views that want to re-render a form
  with the input kept can call :func:`check_csrf` themselves on an exempt view.
- :func:`safe_redirect`: redirects only to paths on this site, never to another host.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

__all__ = ["init_app", "csrf_token", "check_csrf", "csrf_exempt", "safe_redirect",
           "is_safe_target", "CSP"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")

F = TypeVar("F", bound=Callable)
_EXEMPT_ATTR = "_wikitours_csrf_exempt"


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get("csrf_token")
    if not token:
        token = session["csrf_token"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> bool:
    """Whether the request carries this session's token (form field or ``X-CSRF-Token``).

    Callers MUST NOT act on the request when this returns False.
    """
    expected = session.get("csrf_token")
    given = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    return bool(expected) and hmac.compare_digest(str(expected), str(given))


def csrf_exempt(view: F) -> F:
    """Mark a view that does its own protection (or needs none) as exempt from the check."""
    setattr(view, _EXEMPT_ATTR, True)
    return view


def is_safe_target(target: str | None) -> bool:
    """True for a path on this site (``/cohorts/3?x=1``); False for anything that could leave.

    Rejects schemes, hosts, protocol-relative ``//host``, backslash tricks (browsers read
    ``/\\host`` as ``//host``) and control characters.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(c) < 32 or c == "\\" for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_redirect(target: str | None, fallback: str = "core.index", code: int = 303) -> Response:
    """Redirect to *target* when it is a path on this site, else to the *fallback* endpoint."""
    return redirect(target if is_safe_target(target) else url_for(fallback), code=code)


def _check_request() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, _EXEMPT_ATTR, False):
        return
    if not check_csrf():
        abort(400, description="csrf")


_HEADERS = (("Content-Security-Policy", CSP), ("X-Frame-Options", "deny"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))


def _headers(response: Response) -> Response:
    """Add the security headers a view did not set itself."""
    headers = response.headers
    headers.extend([(k, v) for k, v in _HEADERS if k not in headers])
    return response


class LazySessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without the signing work for requests with no cookie.

    Most requests (the events API, first page views) carry no session cookie; building the
    signer for them is wasted time on the ingest's hot path. With a cookie, nothing changes.
    """

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = LazySessions()
    app.before_request(_check_request)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
