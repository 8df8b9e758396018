"""The wikitours web app for Toolforge: funnels, dashboards and Open Badges.

``create_app(test_config=None)`` builds the app: defaults, then the private configuration
(see :mod:`toolforge.config`) or the *test_config* dict, then the database, i18n, security
headers and CSRF, and the blueprints. Run it locally with ``flask --app toolforge run``;
apply the schema first with ``flask --app toolforge db-upgrade``.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import db, http, i18n, publishedtours, ratelimit, security

__all__ = ["create_app", "BLUEPRINTS"]

log = logging.getLogger(__name__)

#: Blueprint modules, each exposing ``bp``. Modules that are not there yet are skipped, so
#: parts of the app can land independently; a module that exists but fails to import fails.
BLUEPRINTS = ("core", "events", "funnels", "learners", "mentors", "cohorts", "auth", "badges",
              "reports", "endorsements", "assessors", "leaderboard")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. With *test_config*, no private file or environment is read."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config_module.DEFAULTS)
    if test_config is None:
        settings, source = config_module.load(app.instance_path)
        app.config.update(settings)
    else:
        app.config.update(test_config)
        source = "test"
    production = source not in ("local development", "test") or bool(
        test_config and test_config.get("PRODUCTION"))
    app.config["PRODUCTION"] = production
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                f"{source}: SECRET_KEY is not set; add it to config.yaml or run "
                "`toolforge envvars create WIKITOURS_SECRET_KEY`")
        app.config["SECRET_KEY"] = config_module.random_secret()
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = production
    app.config["MAX_CONTENT_LENGTH"] = app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024
    log.info("wikitours app configured from %s", source)

    if int(app.config.get("PROXY_COUNT") or 0) > 0:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    publishedtours.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app)
    http.init_app(app)

    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"{__name__}.{name}":
                continue
            raise
        if hasattr(module, "bp"):  # a helper module of the same name is not a blueprint
            app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)
    return app
