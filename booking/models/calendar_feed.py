"""A member's private calendar feed: the address their calendar app subscribes to.

Like an API token, the secret in the address is never stored: only its SHA-256
(for the lookup) and a random nonce from which the app's secret key derives the
secret again (services/notices/feed.py), so the owner can see the address any
time while the database alone opens no one's feed.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class CalendarFeed(Base):
    __tablename__ = "calendar_feeds"

    # One feed per member: regenerating replaces the nonce and hash in place.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    nonce: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
