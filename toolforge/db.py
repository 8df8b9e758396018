"""Database access: one engine per app, one session per request, migrations by command.

``get_session()`` opens a session lazily and keeps it on ``g``; ``close_session`` ends it at
teardown (rolled back unless the view committed). The schema is owned by Alembic
(``toolforge/migrations``): ``flask --app toolforge db-upgrade`` applies it, and tests call
:func:`upgrade`. SQLite connections get WAL mode (readers never wait for the ingest writer)
and foreign keys; MariaDB connections use utf8mb4 and recycle before ToolsDB's idle timeout.
"""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["init_app", "get_engine", "get_session", "close_session", "upgrade", "make_engine"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for *url* with the per-dialect settings the app relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no branch - tiny hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # ToolsDB closes idle connections; recycle well before that and check on checkout.
    return create_engine(url, pool_pre_ping=True, pool_recycle=280, pool_size=5, max_overflow=5)


def default_url(app: Flask) -> str:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'wikitours.sqlite3'}"


def init_app(app: Flask) -> None:
    """Create the app's engine and register teardown and the ``db-upgrade`` command."""
    url = app.config.get("DATABASE_URL") or default_url(app)
    app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    app.extensions["wikitours.engine"] = engine
    app.extensions["wikitours.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)
    app.cli.add_command(db_upgrade_command)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["wikitours.engine"]


def get_session() -> Session:
    """The request's session (opened on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["wikitours.sessionmaker"]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(app: Flask, revision: str = "heads") -> None:
    """Bring the app's database to *revision* (all heads by default)."""
    command.upgrade(alembic_config(get_engine(app)), revision)


def downgrade(app: Flask, revision: str) -> None:
    command.downgrade(alembic_config(get_engine(app)), revision)


@click.command("db-upgrade")
@with_appcontext
@click.option("--revision", default="heads", show_default=True, help="Alembic revision")
def db_upgrade_command(revision: str) -> None:
    """Apply the database migrations (run after every deploy)."""
    upgrade(current_app, revision)
    click.echo(f"database at {revision}: {get_engine().url.render_as_string(hide_password=True)}")
