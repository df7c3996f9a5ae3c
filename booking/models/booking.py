"""Bookings, and the occupancy cells that make double booking impossible.

A booking is the record people see (who, what, when, status). The cells are
how the database enforces the product's promise: every live booking owns one
row per desk day part (``desk_cells``) or per bed night (``bed_nights``).
Their primary keys make two live bookings of the same desk part or bed night
impossible; a unique key on (member, day, part) / (member, night) keeps a
member in one place at a time. Cancelling deletes the cells and keeps the
booking. Both engines enforce these the same way; no check-then-insert.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .capacity import Bed, Desk
    from .site import Site
    from .user import User


class BookingStatus(StrEnum):
    LIVE = "live"
    CANCELLED = "cancelled"
    # Released by the site's no-show rule: the record stays, its cells are freed.
    NO_SHOW = "no_show"


class StayKind(StrEnum):
    """How a hostel stay is booked and priced: by the night, or by the month."""

    NIGHTLY = "nightly"
    MONTHLY = "monthly"


class DayPart(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    FULL = "full"

    @property
    def cells(self) -> tuple[str, ...]:
        """The half-day cells a booking of this part holds."""
        if self is DayPart.FULL:
            return (DayPart.MORNING.value, DayPart.AFTERNOON.value)
        return (self.value,)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("status IN ('live', 'cancelled', 'no_show')", name="status"),
        CheckConstraint(
            "(desk_id IS NOT NULL AND bed_id IS NULL AND part IS NOT NULL)"
            " OR (desk_id IS NULL AND bed_id IS NOT NULL AND part IS NULL)",
            name="desk_or_bed",
        ),
        CheckConstraint(
            "part IS NULL OR part IN ('morning', 'afternoon', 'full')", name="part"
        ),
        CheckConstraint("ends_on > starts_on", name="date_order"),
        # Monthly stays (issue 17; migration 0016 adds these on SQLite with the columns).
        CheckConstraint("stay_kind IN ('nightly', 'monthly')", name="stay_kind"),
        CheckConstraint("stay_kind = 'nightly' OR bed_id IS NOT NULL", name="monthly_is_bed"),
        CheckConstraint("months IS NULL OR (months >= 1 AND stay_kind = 'monthly')",
                        name="months"),
        CheckConstraint("notice_given_on IS NULL OR stay_kind = 'monthly'", name="notice"),
        Index("ix_bookings_member_id_starts_on", "member_id", "starts_on"),
        Index("ix_bookings_site_id_starts_on", "site_id", "starts_on"),
        # The day-before reminders: every site's bookings starting tomorrow.
        Index("ix_bookings_starts_on", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the member deleted their account: the record stays, anonymised.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))
    bed_id: Mapped[int | None] = mapped_column(ForeignKey("beds.id"))
    # Desks: starts_on is the day, ends_on the next day. Beds: check-in and
    # check-out dates, check-out exclusive.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    part: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=BookingStatus.LIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # Set when a capacity change could not move this booking: an admin must act.
    conflict: Mapped[str | None] = mapped_column(String(200))
    # Ended early (services/bookings/ending.py): ends_on/part now say what was held,
    # these when the rest was given back and what had been booked. Who ended
    # it is the actor of the booking's "ended" event.
    ended_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_ends_on: Mapped[date | None] = mapped_column(Date)
    original_part: Mapped[str | None] = mapped_column(String(10))
    # An occurrence of a weekly series (models/series.py); otherwise an ordinary booking.
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking_series.id", ondelete="SET NULL"), index=True
    )
    # When the member showed up (QR at the entrance, or staff from the day sheet);
    # who did it is the actor of the booking's "checked_in" event.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How it was made: "member" (booked by the member) or "waitlist" (filled
    # automatically from their waitlist entry).
    source: Mapped[str] = mapped_column(String(10), default="member", server_default="member")
    # Hostel stays (issue 17). Desk bookings keep the default and ignore it.
    # A monthly stay runs from starts_on for ``months`` months; ``months`` NULL is
    # open-ended: it holds its bed nights up to the site's longest stay, renewing
    # month by month, until the resident gives notice. Either way ends_on is the
    # check-out date the cells are held to, as for nightly stays.
    stay_kind: Mapped[str] = mapped_column(String(10), default=StayKind.NIGHTLY,
                                           server_default=StayKind.NIGHTLY.value)
    months: Mapped[int | None] = mapped_column()
    # The day the resident gave notice; ends_on then moved to the end of the notice
    # (original_ends_on keeps what had been held, as for any stay ended early).
    notice_given_on: Mapped[date | None] = mapped_column(Date)
    # Arrival is ``checked_in_at`` (the warden marks it, as staff check in a desk);
    # departure is when the warden saw the resident out.
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    site: Mapped[Site] = relationship()
    desk: Mapped[Desk | None] = relationship()
    bed: Mapped[Bed | None] = relationship()
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_live(self) -> bool:
        return self.status == BookingStatus.LIVE

    @property
    def is_no_show(self) -> bool:
        return self.status == BookingStatus.NO_SHOW

    @property
    def is_checked_in(self) -> bool:
        return self.checked_in_at is not None

    @property
    def is_ended_early(self) -> bool:
        return self.ended_early_at is not None

    @property
    def is_monthly(self) -> bool:
        return self.stay_kind == StayKind.MONTHLY

    @property
    def is_open_ended(self) -> bool:
        return self.is_monthly and self.months is None

    @property
    def has_departed(self) -> bool:
        return self.departed_at is not None

    @property
    def is_desk(self) -> bool:
        return self.desk_id is not None

    @property
    def nights(self) -> int:
        return (self.ends_on - self.starts_on).days

    @property
    def last_day_on(self) -> date:
        return self.ends_on - timedelta(days=1)

    @property
    def resource_label(self) -> str:
        if self.desk is not None:
            return self.desk.label
        return self.bed.label if self.bed is not None else ""

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status} {self.starts_on}..{self.ends_on}>"


class BookingEvent(Base):
    """What happened to a booking, for the member and the audit trail."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # created, cancelled, moved, conflict, ended, checked_in, no_show; stays also
    # extended, notice, departed (a warden's move also writes a BookingMove row)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")

    booking: Mapped[Booking] = relationship(back_populates="events")


class DeskCell(Base):
    """One desk held for one half day by one live booking."""

    __tablename__ = "desk_cells"
    __table_args__ = (
        UniqueConstraint("member_id", "held_on", "part"),
        CheckConstraint("part IN ('morning', 'afternoon')", name="part"),
        # Availability counts by site and day without touching bookings.
        Index("ix_desk_cells_site_id_held_on", "site_id", "held_on", "part"),
    )

    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id"), primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, primary_key=True)
    part: Mapped[str] = mapped_column(String(10), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )


class BedNight(Base):
    """One bed held for one night (the night starting on ``night_on``)."""

    __tablename__ = "bed_nights"
    __table_args__ = (
        UniqueConstraint("member_id", "night_on"),
        Index("ix_bed_nights_site_id_night_on", "site_id", "night_on"),
    )

    bed_id: Mapped[int] = mapped_column(ForeignKey("beds.id"), primary_key=True)
    night_on: Mapped[date] = mapped_column(Date, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
