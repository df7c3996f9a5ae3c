"""Sites (WNH centres and IT-park hostels), their booking rules and closures."""
from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint, Date, Float, ForeignKey, Index, LargeBinary, String, Text, Time, and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .user import site_managers

if TYPE_CHECKING:
    from .capacity import Desk, Room
    from .user import User


class SiteKind(StrEnum):
    CENTRE = "centre"
    HOSTEL = "hostel"


class SiteStatus(StrEnum):
    PLANNED = "planned"  # listed, under construction, not bookable
    OPEN = "open"
    CLOSED = "closed"


# Rule defaults from the programme's brief.
DESK_ADVANCE_DAYS = 30
HOSTEL_ADVANCE_DAYS = 90
MAX_STAY_NIGHTS = 180
# Hostel stay rules (issue 17). Monthly stays are off until a site offers them.
STAY_KINDS = ("nightly", "monthly", "nightly,monthly")
MIN_MONTHS = 1
NOTICE_DAYS = 30
LONGEST_STAY_MONTHS = 12
REGISTER_RETENTION_DAYS = 180
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Kerala's 14 districts, south to north as the state lists them (and menus show
# them). Migration 0003 keeps its own copy: a migration must not change later.
KERALA_DISTRICTS = (
    "Thiruvananthapuram", "Kollam", "Pathanamthitta", "Alappuzha", "Kottayam", "Idukki",
    "Ernakulam", "Thrissur", "Palakkad", "Malappuram", "Kozhikode", "Wayanad", "Kannur",
    "Kasaragod",
)
DISTRICT_CHECK = "district IN (%s)" % ", ".join(f"'{d}'" for d in KERALA_DISTRICTS)
COORDINATES_CHECK = (
    "(latitude IS NULL) = (longitude IS NULL) AND (latitude IS NULL OR"
    " (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))"
)


class SiteCalendarMixin:
    """What a site's kind and weekly opening say, for the model and for plain views of it.

    Users provide ``kind`` and ``opening_days``.
    """

    @property
    def is_centre(self) -> bool:
        return self.kind == SiteKind.CENTRE

    @property
    def is_hostel(self) -> bool:
        return self.kind == SiteKind.HOSTEL

    def is_open_weekday(self, day: date) -> bool:
        """Centres open on their listed weekdays; hostels every night."""
        return self.is_hostel or str(day.weekday()) in self.opening_days


class Site(SiteCalendarMixin, Base):
    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("kind IN ('centre', 'hostel')", name="kind"),
        CheckConstraint("status IN ('planned', 'open', 'closed')", name="status"),
        CheckConstraint("advance_days >= 0", name="advance_days"),
        CheckConstraint("max_stay_nights >= 1", name="max_stay_nights"),
        CheckConstraint("cancel_cutoff_hours >= 0", name="cancel_cutoff_hours"),
        CheckConstraint("no_show_after_minutes IS NULL OR no_show_after_minutes >= 1",
                        name="no_show_after_minutes"),
        CheckConstraint("no_show_limit_days IS NULL OR no_show_limit_days >= 0",
                        name="no_show_limit_days"),
        # On SQLite migration 0003 enforces these two with triggers (see there).
        CheckConstraint(DISTRICT_CHECK, name="district"),
        CheckConstraint(COORDINATES_CHECK, name="coordinates"),
        CheckConstraint("stay_kinds IN ('nightly', 'monthly', 'nightly,monthly')",
                        name="stay_kinds"),
        CheckConstraint("min_months >= 1", name="min_months"),
        CheckConstraint("notice_days >= 0", name="notice_days"),
        CheckConstraint("longest_stay_months >= 1", name="longest_stay_months"),
        CheckConstraint("register_retention_days >= 0", name="register_retention_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=SiteStatus.OPEN)
    district: Mapped[str] = mapped_column(String(60), index=True)
    town: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    # Six digits (services/sites/pincodes.py); without coordinates given, the PIN's centroid.
    pin_code: Mapped[str | None] = mapped_column(String(6))
    # WGS84 degrees, both or neither; for directions links (no map tiles).
    latitude: Mapped[float | None] = mapped_column(Float())
    longitude: Mapped[float | None] = mapped_column(Float())
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    amenities: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    host_institution: Mapped[str | None] = mapped_column(String(160))  # centres
    it_park: Mapped[str | None] = mapped_column(String(60))  # hostels
    # Centres: weekday digits open (Mon=0), e.g. "012345" for Mon-Sat.
    opening_days: Mapped[str] = mapped_column(String(7), default="012345")
    opens_at: Mapped[time] = mapped_column(Time, default=time(8, 0))
    closes_at: Mapped[time] = mapped_column(Time, default=time(20, 0))
    # Hostels.
    check_in_time: Mapped[time] = mapped_column(Time, default=time(14, 0))
    check_out_time: Mapped[time] = mapped_column(Time, default=time(11, 0))
    # Booking rules.
    advance_days: Mapped[int] = mapped_column(default=DESK_ADVANCE_DAYS)
    max_stay_nights: Mapped[int] = mapped_column(default=MAX_STAY_NIGHTS)
    # 0 means a booking can be cancelled until it starts.
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=0)
    # Centres: a day part not checked in this many minutes after it starts is
    # released as a no-show (NULL: the rule is off).
    no_show_after_minutes: Mapped[int | None] = mapped_column()
    # Members with NO_SHOW_LIMIT_COUNT no-shows in NO_SHOW_LIMIT_WINDOW_DAYS may book
    # at most this many days ahead here (NULL: no limit).
    no_show_limit_days: Mapped[int | None] = mapped_column()
    # Hostels (issue 17): which stays are offered ("nightly", "monthly" or both,
    # comma-separated in that order), and the monthly rules: the fewest months
    # one may book, the notice a resident gives before leaving, the longest stay
    # (an open-ended stay holds its bed that long at most). That min_months is at
    # most longest_stay_months is checked by the service (sites/admin.py), not here:
    # SQLite cannot add a CHECK across columns to an existing table.
    stay_kinds: Mapped[str] = mapped_column(String(20), default="nightly",
                                            server_default="nightly")
    min_months: Mapped[int] = mapped_column(default=MIN_MONTHS, server_default=str(MIN_MONTHS))
    notice_days: Mapped[int] = mapped_column(default=NOTICE_DAYS,
                                             server_default=str(NOTICE_DAYS))
    longest_stay_months: Mapped[int] = mapped_column(
        default=LONGEST_STAY_MONTHS, server_default=str(LONGEST_STAY_MONTHS))
    # Days after departure the resident register details are kept (then erased).
    register_retention_days: Mapped[int] = mapped_column(
        default=REGISTER_RETENTION_DAYS, server_default=str(REGISTER_RETENTION_DAYS))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    desks: Mapped[list[Desk]] = relationship(back_populates="site", order_by="Desk.id")
    rooms: Mapped[list[Room]] = relationship(back_populates="site", order_by="Room.id")
    closures: Mapped[list[Closure]] = relationship(
        back_populates="site", order_by="Closure.starts_on"
    )
    managers: Mapped[list[User]] = relationship(
        secondary=site_managers, back_populates="managed_sites"
    )
    photos: Mapped[list[SitePhoto]] = relationship(
        back_populates="site", order_by="[SitePhoto.position, SitePhoto.id]",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def is_bookable(self) -> bool:
        return self.status == SiteStatus.OPEN

    @property
    def offers_nightly(self) -> bool:
        return self.is_hostel and "nightly" in self.stay_kinds.split(",")

    @property
    def offers_monthly(self) -> bool:
        return self.is_hostel and "monthly" in self.stay_kinds.split(",")

    @property
    def opening_days_label(self) -> str:
        return ", ".join(WEEKDAY_NAMES[int(d)] for d in sorted(self.opening_days))

    @property
    def amenity_list(self) -> list[str]:
        return [a.strip() for a in self.amenities.split(",") if a.strip()]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def __repr__(self) -> str:
        return f"<Site {self.slug} {self.kind} {self.status}>"


class SitePhoto(Base):
    """A photo of a site, stored re-encoded (JPEG, no EXIF) in two sizes.

    In the database rather than on disk: every gunicorn worker sees the same
    photos, a backup holds them, and a deleted site takes its photos along.
    """

    __tablename__ = "site_photos"
    __table_args__ = (
        CheckConstraint("length(alt_text) > 0", name="alt_text"),
        Index("ix_site_photos_site_id_position", "site_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(250))
    width: Mapped[int]
    height: Mapped[int]
    # Loaded only when served: a page listing photos needs none of the bytes.
    image: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    site: Mapped[Site] = relationship(back_populates="photos")


class Closure(Base):
    """Dates (inclusive) on which a site, or one hostel room, takes no bookings."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_order"),
        Index("ix_closures_site_id_starts_on", "site_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    site: Mapped[Site] = relationship(back_populates="closures")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @classmethod
    def overlapping(cls, first, last):
        """SQL: the closure touches some day from first to last (both inclusive)."""
        return and_(cls.ends_on >= first, cls.starts_on <= last)
