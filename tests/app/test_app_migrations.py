"""Alembic migrations on SQLite and MariaDB: they build exactly the models' schema and undo it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import toolforge
from toolforge import create_app, db
from toolforge.models import Base, EventCount

MINE = {"event_counts", "sign_in_sessions"}


@pytest.fixture(scope="module")
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t"})
    yield app
    db.get_engine(app).dispose()


def tables(app):
    return set(inspect(db.get_engine(app)).get_table_names())


def test_history_is_linear_and_starts_with_event_counts():
    scripts = ScriptDirectory.from_config(db.alembic_config(None))  # type: ignore[arg-type]
    assert len(scripts.get_heads()) == 1, "two migration heads: set down_revision to the head"
    base = scripts.get_base()
    assert base == "0001_event_counts"


def test_upgrade_builds_the_models_schema(app):
    db.upgrade(app)
    assert MINE | {"alembic_version"} <= tables(app)
    for info in pkgutil.iter_modules(toolforge.__path__):  # every models*.py, as env.py does
        if info.name.startswith("models"):
            importlib.import_module(f"toolforge.{info.name}")
    with db.get_engine(app).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], "a model and the migrations disagree: add a revision for it"
    pk = inspect(db.get_engine(app)).get_pk_constraint("event_counts")["constrained_columns"]
    assert pk == ["wiki", "tour", "version", "step", "action", "lang", "skin", "day"]
    assert [c.name for c in EventCount.__table__.primary_key.columns] == pk


def test_upgrade_is_idempotent_and_downgrade_undoes_it(app):
    db.upgrade(app)
    db.upgrade(app)  # nothing to do the second time
    db.downgrade(app, "base")
    assert not (tables(app) & MINE)
    db.upgrade(app)
    assert MINE <= tables(app)
