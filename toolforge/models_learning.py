"""Tables of the learning side: issued badges (Open Badges assertions) and cohorts.

An assertion row is the app's promise that a badge was earned; the wiki stays the source of
the progress behind it. Rows are unique per (wiki, user, badge), so however often a dashboard,
a cohort refresh or the ``issue-badges`` job sees the same progress, a badge is issued once.
``seq`` orders assertions for the feed the bot reads (contracts §9); ``uuid`` names the hosted
assertion publicly, so the feed's cursor reveals nothing. A revoked assertion keeps its row
(verifiers must be told it is revoked, and it must not be issued again).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base
import json

__all__ = ["Assertion", "Endorsement", "Cohort", "CohortMember"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Assertion(Base):
    """One issued badge. Times are naive UTC (the same on SQLite and MariaDB)."""

    __tablename__ = "badge_assertions"
    __table_args__ = (
        UniqueConstraint("wiki", "username", "badge", name="uq_badge_assertions_recipient"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    wiki: Mapped[str] = mapped_column(String(64), nullable=False)
    username: Mapped[str] = mapped_column(String(255), nullable=False)
    badge: Mapped[str] = mapped_column(String(64), nullable=False)
    salt: Mapped[str] = mapped_column(String(64), nullable=False)
    issued_on: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    revocation_reason: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    revoked_by: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    revoked_on: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    #: ``evidence`` (edits checked on the wiki) or ``completion`` (the progress record only).
    kind: Mapped[str] = mapped_column(String(16), default="completion", nullable=False)
    #: The checked edits as JSON: ``[{"tour", "step", "revid", "title", "timestamp"}]``; for an
    #: attested badge ``[{"narrative", "url"}]`` as the assessor gave them.
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The assessor (``wiki:Name``) who awarded an attested badge; empty for issued ones.
    awarded_by: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    #: The affiliate (``ISSUERS`` id) that issued the badge in its own name; empty: the app.
    issuer: Mapped[str] = mapped_column(String(64), default="", nullable=False)

    def edits(self) -> list[dict]:
        """The checked edits (an empty list for a completion badge or unreadable JSON)."""
        try:
            data = json.loads(self.evidence or "[]")
        except ValueError:
            return []
        return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


class Endorsement(Base):
    """Someone vouching for a badge: the class (*username* empty) or one learner's badge.

    *endorser* is ``wiki:Name``; *issuer* is an affiliate's profile id when they endorse on
    its behalf. An endorsement of a learner may come before the badge is issued (the trainer
    certificate waits for one); it then attaches to the assertion once there is one.
    """

    __tablename__ = "endorsements"
    __table_args__ = (
        UniqueConstraint("wiki", "endorser", "badge", "username", name="uq_endorsements_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    wiki: Mapped[str] = mapped_column(String(64), nullable=False)
    endorser: Mapped[str] = mapped_column(String(255), nullable=False)
    issuer: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    badge: Mapped[str] = mapped_column(String(64), nullable=False)
    username: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class Cohort(Base):
    """A group a trainer follows: a workshop, a wiki club, a course."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    wiki: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    owner: Mapped[str] = mapped_column(String(255), nullable=False)
    join_token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    members: Mapped[list["CohortMember"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortMember.username")


class CohortMember(Base):
    """A learner in a cohort: joined through the link, or listed by the trainer."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(255), primary_key=True)
    added: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, nullable=False)
    added_by: Mapped[str] = mapped_column(String(255), default="", nullable=False)
    cohort: Mapped[Cohort] = relationship(back_populates="members")
