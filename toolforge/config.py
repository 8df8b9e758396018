"""Where the app's settings come from, in order of precedence.

1. Built-in defaults (:data:`DEFAULTS`), good for local development.
2. A private YAML file: ``$WIKITOURS_CONFIG``, else ``instance/config.yaml``, else
   ``toolforge/config.yaml`` (both ignored by git; keep it mode 600). ``config.yaml.example``
   in this folder lists every key.
3. Environment variables ``WIKITOURS_<KEY>`` (Toolforge's ``toolforge envvars``); values are
   parsed as YAML, so ``WIKITOURS_WIKIS='[{id: dewiki, ...}]'`` works.
4. ToolsDB credentials: when ``TOOLSDB_DATABASE`` is set (e.g. ``s12345__wikitours``) and no
   ``DATABASE_URL`` is, the URL is built from ``$HOME/replica.my.cnf`` or the
   ``TOOL_TOOLSDB_USER``/``TOOL_TOOLSDB_PASSWORD`` variables.

Tests pass a dict to ``create_app(test_config)`` instead of steps 2-4, so a developer's own
config can never leak into a test run.

Without any private configuration the app runs in *local development* mode: a random secret
key per process, cookies without the ``Secure`` flag (plain http on 127.0.0.1), SQLite in the
instance folder. With a configuration file or ``WIKITOURS_SECRET_KEY`` it is *production*.
"""

from __future__ import annotations

import configparser
import os
import secrets
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote_plus, urlsplit

import yaml

__all__ = ["DEFAULTS", "load", "toolsdb_url", "wiki_origins"]

ROOT = Path(__file__).resolve().parent.parent

#: Every setting with its default. Keys are documented in ``config.yaml.example``.
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # None: a random key per process (local development only)
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "TOOLSDB_DATABASE": None,
    "TOOLSDB_HOST": "tools.db.svc.wikimedia.cloud",
    "WIKIS": [],  # contracts §10: [{id, api, index, language, project, origins?}]
    "UNKNOWN_TOURS": "reject",  # or "count": events of tours the wiki does not publish
    "TOURS_REFRESH": 300,  # seconds: how often each wiki's published tours are read again
    "TOURS_MIN_REFRESH": 60,  # ... at most this often for an event naming an unknown tour
    "UNKNOWN_WIKIS": "reject",  # or "count" (the playground counts everything)
    "LANGUAGES_FILE": str(ROOT / "tours" / "data" / "languages.json"),
    "MESSAGES_DIR": str(ROOT / "i18n" / "app"),
    "TOUR_MESSAGES_DIR": str(ROOT / "i18n" / "tours"),  # translated tour and step titles
    "DEFAULT_LANGUAGE": "en",
    "EVENTS_MAX_BODY": 64 * 1024,  # bytes per request; more is 413
    "EVENTS_MAX_BATCH": 200,  # events per request; more is 413
    "EVENTS_FLUSH_INTERVAL": 1.0,  # seconds between counter writes; 0: write in the request
    "RATELIMIT_RATE": 2.0,  # event requests per second and client, sustained
    "RATELIMIT_BURST": 60,  # ... and in a burst
    "RATELIMIT_ENABLED": True,
    "PROXY_COUNT": 0,  # 1 on Toolforge: trust one X-Forwarded-For hop (the front proxy)
    "USER_AGENT": "wikitours/0.1.0 (https://toolsadmin.wikimedia.org/tools/id/wikitours)",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: True in production, False in local development
    "SESSION_LIFETIME_HOURS": 12,  # a sign-in ends this long after it began (server-side)
    "FUNNEL_MAX_DAYS": 3660,
    "OAUTH": {},  # {<wiki id>: {client_id, client_secret, index?, rest?}}: sign-in per wiki
    "ADMINS": [],  # ["<wiki id>:<user name>"]: may revoke any badge
    "ISSUER_NAME": "",  # the Open Badges issuer profile ("": the app's translated name)
    "ISSUER_EMAIL": "",
    "ISSUER_DESCRIPTION": "",
    "PROGRESS_CACHE_SECONDS": 60,  # learner pages reuse progress read this recently
    "MENTOR_CACHE_SECONDS": 60,  # who counts as a mentor is read again after this long
    "PRACTICE_RECHECK_SECONDS": 3600,  # a checked task edit is checked on the wiki again after this
    "LEADERBOARD_CACHE_SECONDS": 300,  # a wiki's leaderboard is built again after this long
}

ENV_PREFIX = "WIKITOURS_"


def load(instance_path: str, environ: Mapping[str, str] | None = None) -> tuple[dict, str]:
    """Read the private configuration; return ``(settings, source)``.

    *source* names where the settings came from (a file path, ``environment`` or
    ``local development``) so the app can say it in its log. Unknown keys are kept: other
    modules (OAuth, badges) read their own.
    """
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    sources: list[str] = []
    candidates = ([Path(env["WIKITOURS_CONFIG"])] if env.get("WIKITOURS_CONFIG") else
                  [Path(instance_path) / "config.yaml", Path(__file__).parent / "config.yaml"])
    path = next((p for p in candidates if p.is_file()), candidates[0])
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}:1:1: the configuration must be a mapping of KEY: value")
        settings.update({str(k).upper(): v for k, v in data.items()})
        sources.append(str(path))
    for name, value in env.items():
        if name.startswith(ENV_PREFIX) and name != "WIKITOURS_CONFIG":
            settings[name[len(ENV_PREFIX):]] = yaml.safe_load(value) if value else value
            if "environment" not in sources:
                sources.append("environment")
    if not settings.get("DATABASE_URL") and settings.get("TOOLSDB_DATABASE"):
        settings["DATABASE_URL"] = toolsdb_url(
            settings["TOOLSDB_DATABASE"],
            settings.get("TOOLSDB_HOST", DEFAULTS["TOOLSDB_HOST"]),
            env,
        )
    return settings, " + ".join(sources) or "local development"


def toolsdb_url(database: str, host: str, environ: Mapping[str, str]) -> str:
    """The SQLAlchemy URL of a ToolsDB database, from the tool's credentials.

    Toolforge puts them in ``$HOME/replica.my.cnf`` (``[client] user=… password=…``); tools on
    the Build Service get ``TOOL_TOOLSDB_USER``/``TOOL_TOOLSDB_PASSWORD`` instead.
    """
    user = environ.get("TOOL_TOOLSDB_USER")
    password = environ.get("TOOL_TOOLSDB_PASSWORD")
    if not user:
        cnf = Path(environ.get("HOME", "~")).expanduser() / "replica.my.cnf"
        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(cnf):
            raise ValueError(
                f"{cnf}:1:1: TOOLSDB_DATABASE is set but there are no ToolsDB credentials; "
                "run the app as the tool, or set TOOL_TOOLSDB_USER and TOOL_TOOLSDB_PASSWORD"
            )
        user = parser.get("client", "user").strip("'\"")
        password = parser.get("client", "password").strip("'\"")
    return (
        f"mysql+pymysql://{quote_plus(user)}:{quote_plus(password or '')}@{host}/"
        f"{quote_plus(database)}?charset=utf8mb4"
    )


def random_secret() -> str:
    """A per-process secret for local development: sessions end when the process does."""
    return secrets.token_urlsafe(32)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}".lower()
    return None


def wiki_origins(wikis: list[Mapping[str, Any]]) -> dict[str, str]:
    """Map each allowed browser origin to its wiki id (contracts §10).

    A wiki's origins are those of its ``index`` and ``api`` URLs plus any listed under
    ``origins`` (a mobile domain, say). Only these origins get CORS headers on the events API.
    """
    result: dict[str, str] = {}
    for wiki in wikis:
        urls = [wiki.get("index") or "", wiki.get("api") or "", *(wiki.get("origins") or [])]
        for url in urls:
            origin = _origin(url)
            if origin:
                result.setdefault(origin, str(wiki["id"]))
    return result


def wiki_aliases(wikis: list[Mapping[str, Any]]) -> dict[str, str]:
    """Names an event may use for a wiki → its id: the id itself and its host (``host:port``).

    The gadget sends ``location.host`` (contracts §6 shows ``127.0.0.1:8080``) or an id.
    """
    result: dict[str, str] = {}
    for wiki in wikis:
        wid = str(wiki["id"])
        result[wid] = wid
        for url in [wiki.get("index") or "", wiki.get("api") or "", *(wiki.get("origins") or [])]:
            host = urlsplit(url).netloc.lower()
            if host:
                result.setdefault(host, wid)
    return result
