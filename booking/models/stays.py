"""The history of a hostel stay's moves between beds.

A warden moves a resident mid-stay (or a resident extending takes another
bed): the stay's bed nights from ``from_on`` are re-pointed at the new bed in
one transaction, so the cells' keys still decide whether the bed is free.
The booking stays one booking: ``bookings.bed_id`` is the bed it holds now
(its latest nights), ``bed_nights`` says which bed each night was in, and
these rows say who moved it, when, from which bed to which, from which night.
A "moved" BookingEvent carries the same in words for the member's history.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .booking import Booking
    from .capacity import Bed


class BookingMove(Base):
    __tablename__ = "booking_moves"
    __table_args__ = (CheckConstraint("to_bed_id <> from_bed_id", name="other_bed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    from_bed_id: Mapped[int] = mapped_column(ForeignKey("beds.id"))
    to_bed_id: Mapped[int] = mapped_column(ForeignKey("beds.id"))
    # The first night in the new bed.
    from_on: Mapped[date] = mapped_column(Date)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")

    booking: Mapped[Booking] = relationship()
    from_bed: Mapped[Bed] = relationship(foreign_keys=[from_bed_id])
    to_bed: Mapped[Bed] = relationship(foreign_keys=[to_bed_id])
