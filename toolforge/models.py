"""The app's own tables (SQLAlchemy 2 declarative models).

The wiki is the source of truth; these tables only count. ``Base`` is shared by every model
module of the app (``models_*.py`` add their tables to the same metadata, and Alembic's
``env.py`` imports them all), so there is one schema and one migration history.

Funnel events are never stored one by one: :class:`EventCount` holds one row per
(wiki, tour, version, step, action, language, skin, day) with a counter, so reading a funnel
costs the same for a thousand events or a billion, and there is nothing about a person to
leak. The dimensions are the primary key, which is what the upsert in ``events.py`` relies on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, MetaData, SmallInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "EventCount", "NAMING_CONVENTION"]

#: Constraint names that are the same on SQLite and MariaDB, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of the app. Strings are ``utf8mb4`` on MariaDB."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EventCount(Base):
    """How many funnel events of one kind arrived on one day (UTC).

    Sizes keep the primary key inside InnoDB's 3072-byte limit in utf8mb4. ``step`` is ``""``
    for events that name no step. ``step_index`` is the position the gadget last reported,
    used to order steps a tour file does not list (wiki variants).
    """

    __tablename__ = "event_counts"

    wiki: Mapped[str] = mapped_column(String(64), primary_key=True)
    tour: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    step: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    skin: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    step_index: Mapped[int] = mapped_column(SmallInteger, default=0, nullable=False)
    count: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
