"""The outcome cache: one row per welcomed newcomer and wiki, refreshed from the wiki.

The wiki is the source of truth (registration, edits, revert tags, progress pages, mentee and
experiment records); this table only remembers the last computation so that report pages
cost one query instead of a few hundred API requests. ``outcomes-refresh`` replaces a wiki's
rows in one transaction. A yes/no column is NULL while that outcome is not known yet.
User names are public on the wiki; nothing else about a person is stored.

``outcome_settings`` remembers, per wiki, what the same refresh read from the wiki's
configuration page: its ``"report-threshold"`` (NULL when the wiki sets none).
``experiment_design`` remembers each experiment's design from the same page and its record
(JSON, see :func:`toolforge.outcomes_fetch.design_entry`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

__all__ = ["OutcomeRow", "OutcomeSetting", "ExperimentDesignRow"]


class OutcomeRow(Base):
    __tablename__ = "outcome_cache"

    wiki: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(255), primary_key=True)
    registration: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    week: Mapped[str] = mapped_column(String(10), default="", nullable=False)
    mentor: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    experiment: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    variant: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    first_tour: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    edits: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    activated_24h: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    activated_7d: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    constructive: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    retained: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    started_tour: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    completed_tour: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    earned_badge: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    wrote_to_mentor: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    practised: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    tours_started: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    tours_completed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    badges: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    computed: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class OutcomeSetting(Base):
    """Per wiki: the report settings read from ``Project:Wikitours/Experiments.json``."""

    __tablename__ = "outcome_settings"

    wiki: Mapped[str] = mapped_column(String(64), primary_key=True)
    report_threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    computed: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


class ExperimentDesignRow(Base):
    """Per wiki and experiment: its arms, weights and declared design (JSON text)."""

    __tablename__ = "experiment_design"

    wiki: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    design: Mapped[str] = mapped_column(Text, nullable=False)
    computed: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
