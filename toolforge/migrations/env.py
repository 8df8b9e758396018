"""Alembic environment: runs migrations on the engine the app hands over.

``toolforge.db.upgrade`` puts the app's engine in ``config.attributes["engine"]``; there is no
``alembic.ini`` and no URL here, so migrations always run against what the app uses.
Every ``toolforge/models*.py`` module is imported so autogenerate sees all tables.
"""

import importlib
import pkgutil

from alembic import context

import toolforge
from toolforge.models import Base

for info in pkgutil.iter_modules(toolforge.__path__):
    if info.name.startswith("models"):
        importlib.import_module(f"toolforge.{info.name}")

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
