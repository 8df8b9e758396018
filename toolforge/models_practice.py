"""Checked task edits, remembered so that a page view does not ask the wiki again (issue 19).

One row per wiki, revision and claimant: the verdict :mod:`practice.verify` gave a task edit a learner's
progress page claims, the facts it rests on, and when it was made. The wiki stays the source of
truth: a row is reused only under the rules of :mod:`toolforge.practice_cache` (a kept edit is
checked again after ``PRACTICE_RECHECK_SECONDS``), and a changed claim or task type makes it
stale at once. User names and revision ids are public on the wiki; nothing else is stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

__all__ = ["TaskCheckRow"]


class TaskCheckRow(Base):
    __tablename__ = "task_checks"
    __table_args__ = (Index("ix_task_checks_wiki_user", "wiki", "username"),)

    wiki: Mapped[str] = mapped_column(String(64), primary_key=True)
    revid: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: the learner whose progress page claims the edit (the wiki's spelling of the name): part
    #: of the key, so someone claiming another's edit can never overwrite that one's verdict
    username: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: SHA-1 of what the verdict depends on besides the revision: the claim (type, title,
    #: learner) and the type's templates and checks. Another basis means: check again.
    basis: Mapped[str] = mapped_column(String(40), nullable=False)
    #: ``ok`` (held, and was older than the keep delay when checked) or ``failed``
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(String(32), default="", nullable=False)
    #: the revision's time as the wiki gave it (ISO), "" when unknown
    timestamp: Mapped[str] = mapped_column(String(32), default="", nullable=False)
    #: what the edit did, comma-separated (``template-removed,reference``)
    did: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    checked: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
