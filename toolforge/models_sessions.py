"""Sign-in sessions kept on the server, so that signing out and expiry really end them.

The browser's cookie stays a signed Flask cookie, but it only carries a random session token;
what makes it a sign-in is a row here. ``POST /logout`` deletes the row, and a row past
``expires`` counts for nothing, so a copy of the cookie taken before either is worthless.
Only a SHA-256 of the token is stored: a leaked database cannot be replayed as cookies.
The user name is public on the wiki; nothing else about the person is kept.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

__all__ = ["SignInSession"]


class SignInSession(Base):
    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_expires", "expires"),)

    #: hex SHA-256 of the token in the cookie
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    wiki: Mapped[str] = mapped_column(String(64), nullable=False)
    username: Mapped[str] = mapped_column(String(255), nullable=False)
    created: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    expires: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
