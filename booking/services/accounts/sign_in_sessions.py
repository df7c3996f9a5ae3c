"""Sign-in sessions: each signed-in browser holds a key to one row, so sessions end on the server.

A browser's cookies (Flask's session cookie, and the remember-me cookie when
asked for) carry ``"user id:key"``; the row keeps only the key's SHA-256, the
user's ``session_version`` when it began, and when it expires. A request is
signed in only while its row exists, has not expired and carries the user's
current version, so:

- signing out deletes the row: copies of the cookies stop working, while the
  user's other browsers stay signed in;
- a new password (a change or, later, a reset) or "sign out of all other
  devices" moves the version on (``users.end_all_sessions``), ending every row
  at once; the browser that asked then gets a fresh session.

A key is 192 random bits, so a fast unsalted hash finds its row by one
indexed lookup (as for API tokens).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ...models import SignInSession, User, utcnow
from .users import end_all_sessions

# Also the remember-me cookie's life (config.py): neither outlives the other.
SESSION_LIFETIME = timedelta(days=30)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(session: Session, user: User, *, remember: bool = False,
                  now: datetime | None = None) -> str:
    """Begin a sign-in session for the user; returns its key (the only copy)."""
    now = now or utcnow()
    session.flush()  # a version bump in this transaction lands before it is read
    # Ended rows of this user go now: the table holds live sessions, not history.
    session.execute(delete(SignInSession).where(
        SignInSession.user_id == user.id,
        or_(SignInSession.expires_at <= now, SignInSession.version != user.session_version)))
    key = secrets.token_urlsafe(24)
    session.add(SignInSession(user_id=user.id, key_hash=_hash(key), version=user.session_version,
                              remember=remember, created_at=now,
                              expires_at=now + SESSION_LIFETIME))
    session.flush()
    return key


def get_signed_in_user(session: Session, user_id: int, key: str, *,
                       now: datetime | None = None) -> User | None:
    """The user of this live session (not ended, expired, outdated or deleted), else None."""
    return session.scalar(
        select(User).join(SignInSession, SignInSession.user_id == User.id)
        .where(User.id == user_id, User.deleted_at.is_(None),
               SignInSession.key_hash == _hash(key),
               SignInSession.version == User.session_version,
               SignInSession.expires_at > (now or utcnow())))


def is_remembered(session: Session, key: str) -> bool:
    """True when this session was begun with "keep me signed in"."""
    return bool(session.scalar(select(SignInSession.remember)
                               .where(SignInSession.key_hash == _hash(key))))


def end_session(session: Session, user: User, key: str) -> None:
    """Sign out one browser: its session (and any copy of its cookies) stops working."""
    session.execute(delete(SignInSession).where(SignInSession.user_id == user.id,
                                                SignInSession.key_hash == _hash(key)))


def renew_session(session: Session, user: User, key: str) -> str:
    """A new session for this browser, kept as its old one was (remembered or not); its key."""
    remember = is_remembered(session, key)
    end_session(session, user, key)
    return start_session(session, user, remember=remember)


def sign_out_other_devices(session: Session, user: User, key: str) -> str:
    """End every session of the user but this browser's, which gets a new key; the key."""
    end_all_sessions(user)
    return renew_session(session, user, key)
