"""Waitlist entries: a member waiting for a full desk day part or a hostel stay.

An entry is filled automatically, first in line first, in the transaction
that frees a place (``services/bookings/waitlist.py``). Filling goes through
the booking service, so the cells' keys still decide who holds a place.
Two partial unique indexes keep a member to one *waiting* entry for the same
site, day and part (desks) or the same stay (beds); left, expired and filled
entries stay as the record.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .booking import Booking
    from .site import Site
    from .user import User


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    FILLED = "filled"
    LEFT = "left"
    EXPIRED = "expired"



class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'filled', 'left', 'expired')", name="status"),
        CheckConstraint("kind IN ('desk', 'bed')", name="kind"),
        CheckConstraint("(kind = 'desk' AND part IN ('morning', 'afternoon', 'full'))"
                        " OR (kind = 'bed' AND part IS NULL)", name="part"),
        CheckConstraint("ends_on > starts_on", name="date_order"),
        Index("uq_waitlist_entries_waiting_desk", "member_id", "site_id", "starts_on", "part",
              unique=True, sqlite_where=text("status = 'waiting' AND kind = 'desk'"),
              postgresql_where=text("status = 'waiting' AND kind = 'desk'")),
        Index("uq_waitlist_entries_waiting_bed", "member_id", "site_id", "starts_on", "ends_on",
              unique=True, sqlite_where=text("status = 'waiting' AND kind = 'bed'"),
              postgresql_where=text("status = 'waiting' AND kind = 'bed'")),
        # The fill's one query: a site's waiting entries over some days, oldest first.
        Index("ix_waitlist_entries_site_id_status_starts_on", "site_id", "status", "starts_on"),
        Index("ix_waitlist_entries_member_id_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    kind: Mapped[str] = mapped_column(String(4))
    # Desks: starts_on is the day, ends_on the next day. Beds: check-in and
    # check-out, check-out exclusive (as on bookings).
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    part: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=WaitlistStatus.WAITING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When it stopped waiting (filled, left or expired).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))

    member: Mapped[User] = relationship()
    site: Mapped[Site] = relationship()
    booking: Mapped[Booking | None] = relationship()

    @property
    def is_desk(self) -> bool:
        return self.kind == "desk"

    @property
    def is_waiting(self) -> bool:
        return self.status == WaitlistStatus.WAITING

    @property
    def nights(self) -> int:
        return (self.ends_on - self.starts_on).days

    @property
    def last_day_on(self) -> date:
        return self.ends_on - timedelta(days=1)

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} {self.status} {self.kind} {self.starts_on}>"
