"""The app's front page, health check and error pages."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from . import publishedtours
from .i18n import msg

__all__ = ["bp", "init_app"]

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    """Front page: the configured wikis and their tours' funnels."""
    wikis = current_app.config.get("WIKIS") or []
    tours = {str(w.get("id")): sorted(publishedtours.known_tours(str(w.get("id"))))
             for w in wikis}  # each wiki's own tours, as published there
    links = "funnels.funnel" in current_app.view_functions
    return render_template("index.html", wikis=wikis, tours=tours, links=links,
                           any_tours=any(tours.values()))


@bp.get("/healthz")
def healthz():
    """Toolforge's health check: an empty 200 while the process answers."""
    return "", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/favicon.ico")
def favicon():
    """No icon, said without an error: browsers ask for it on every page that names none."""
    return "", 204, {"Cache-Control": "public, max-age=86400"}


def _error(error: HTTPException):
    """Errors as JSON for the API and as a translated page elsewhere."""
    code = error.code or 500
    key = f"wikitours-app-error-{code}"
    text = msg(key)
    if text.startswith("⧼"):
        text = msg("wikitours-app-error-generic", code)
    if request.path.startswith("/api/"):
        return jsonify({"error": code, "message": text}), code
    return render_template("error.html", code=code, text=text), code


def init_app(app) -> None:
    app.register_error_handler(HTTPException, _error)
