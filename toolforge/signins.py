"""Server-side sign-in sessions: begin at sign-in, checked on every request, ended at logout.

The cookie carries a random token (``session["sid"]``) next to the user; the sign-in counts
only while :class:`~toolforge.models_sessions.SignInSession` has a row for the token's hash
that names the same wiki and user and has not expired. Expiry is absolute
(``SESSION_LIFETIME_HOURS`` after sign-in): a stolen cookie is good for hours at most, and for
nothing once its owner signs out. Expired rows are deleted whenever someone signs in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models_sessions import SignInSession

__all__ = ["begin", "is_valid", "end", "token_hash", "utcnow"]


def utcnow() -> dt.datetime:
    """Naive UTC, as the DateTime columns store it on SQLite and MariaDB alike."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def begin(db: Session, wiki: str, username: str, lifetime: dt.timedelta,
          now: dt.datetime | None = None) -> str:
    """Record a new sign-in and return its token (for the cookie); commits."""
    now = now or utcnow()
    db.execute(delete(SignInSession).where(SignInSession.expires <= now))
    token = secrets.token_urlsafe(32)
    db.add(SignInSession(id=token_hash(token), wiki=wiki, username=username, created=now,
                         expires=now + lifetime))
    db.commit()
    return token


def is_valid(db: Session, token: object, wiki: str, username: str,
             now: dt.datetime | None = None) -> bool:
    """Whether *token* is a live sign-in of *username* on *wiki*."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return False
    row = db.scalar(select(SignInSession).where(SignInSession.id == token_hash(token)))
    return (row is not None and row.wiki == wiki and row.username == username
            and row.expires > (now or utcnow()))


def end(db: Session, token: object) -> None:
    """Forget the sign-in of *token* (nothing happens for an unknown one); commits."""
    if isinstance(token, str) and token:
        db.execute(delete(SignInSession).where(SignInSession.id == token_hash(token)))
        db.commit()
