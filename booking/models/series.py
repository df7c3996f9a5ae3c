"""Weekly desk bookings: a series is the member's wish; each occurrence is an ordinary booking.

The series row only says what was asked (site, part, weekdays, from, until)
and what was refused when it was booked. Every occurrence is a plain
``Booking`` with ``series_id`` set, holding its cells like any other, so the
database keys that stop double booking apply to it unchanged.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .site import Site
    from .user import User


class BookingSeries(Base):
    __tablename__ = "booking_series"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_order"),
        CheckConstraint("part IN ('morning', 'afternoon', 'full')", name="part"),
        Index("ix_booking_series_member_id_starts_on", "member_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the member deleted their account, like their bookings.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    part: Mapped[str] = mapped_column(String(10))
    # Weekday digits, Monday = 0, as sites' opening_days: "13" is Tuesdays and Thursdays.
    weekdays: Mapped[str] = mapped_column(String(7))
    starts_on: Mapped[date] = mapped_column(Date)
    # Inclusive, unlike a booking's ends_on: the last date an occurrence may fall on.
    ends_on: Mapped[date] = mapped_column(Date)
    all_or_nothing: Mapped[bool] = mapped_column(Boolean, default=False)
    # What was refused when the series was booked: JSON [{"date", "reason", "code"}].
    refused_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the member cancelled the rest of the series.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[User | None] = relationship()
    site: Mapped[Site] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(d) for d in self.weekdays)

    @property
    def refused(self) -> list[dict]:
        return json.loads(self.refused_json or "[]")

    def __repr__(self) -> str:
        return f"<BookingSeries {self.id} {self.weekdays} {self.starts_on}..{self.ends_on}>"
