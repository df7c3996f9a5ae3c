"""What is booked: desks in centres; rooms and beds in hostels.

Nothing is deleted: a desk, room or bed is retired from a date, so history
keeps pointing at it.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .site import Site


class RoomType(StrEnum):
    DORMITORY = "dormitory"
    TWIN = "twin"
    SINGLE = "single"


class Designation(StrEnum):
    ANYONE = "anyone"
    WOMEN = "women"
    MEN = "men"


class _Retirable:
    retired_on: Mapped[date | None]

    def is_active_on(self, day: date) -> bool:
        return self.retired_on is None or day < self.retired_on


class Desk(_Retirable, Base):
    __tablename__ = "desks"
    __table_args__ = (UniqueConstraint("site_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    zone: Mapped[str] = mapped_column(String(40), default="A")
    retired_on: Mapped[date | None] = mapped_column(Date)  # first day no longer bookable
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    site: Mapped[Site] = relationship(back_populates="desks")

    def __repr__(self) -> str:
        return f"<Desk {self.label}>"


class Room(_Retirable, Base):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint("room_type IN ('dormitory', 'twin', 'single')", name="room_type"),
        CheckConstraint("designation IN ('anyone', 'women', 'men')", name="designation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    room_type: Mapped[str] = mapped_column(String(10), default=RoomType.DORMITORY)
    designation: Mapped[str] = mapped_column(String(10), default=Designation.ANYONE)
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    site: Mapped[Site] = relationship(back_populates="rooms")
    beds: Mapped[list[Bed]] = relationship(back_populates="room", order_by="Bed.id")

    def __repr__(self) -> str:
        return f"<Room {self.name}>"


class Bed(_Retirable, Base):
    """A bed; retiring its room retires the bed too (the capacity service sees to it)."""

    __tablename__ = "beds"
    # Labels are unique per site so an API client can name a bed by label alone.
    __table_args__ = (UniqueConstraint("site_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    room: Mapped[Room] = relationship(back_populates="beds")

    def __repr__(self) -> str:
        return f"<Bed {self.label}>"
