"""Which optional notices a member has turned off.

A row means "do not send me these"; no row means the notice is sent, so every
member gets every notice until they say otherwise (and a new kind of optional
notice is on for everyone). Notices about what staff or a capacity change did
to a booking are not optional and have no row here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class NoticeOptOut(Base):
    __tablename__ = "notice_opt_outs"
    __table_args__ = (
        CheckConstraint("topic IN ('own_bookings', 'reminders')", name="topic"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    # own_bookings: confirmations and cancellations of what the member did themselves;
    # reminders: the day-before reminder.
    topic: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
