"""Sites and their capacity: create, add desks/rooms/beds, retire, close.

Capacity never silently drops a booking: retiring a desk or bed moves each
live booking it holds to an equivalent free one, and where none is free the
booking is kept and flagged as a conflict for an admin to resolve.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import (
    Bed,
    BedNight,
    Booking,
    BookingEvent,
    BookingStatus,
    Closure,
    DayPart,
    Designation,
    Desk,
    DeskCell,
    Room,
    RoomType,
    Site,
    SiteKind,
    SiteStatus,
    User,
)
from ..models.site import DESK_ADVANCE_DAYS, HOSTEL_ADVANCE_DAYS
from .dates import format_day
from .errors import InvalidRequest
from . import bookings as booking_service


@dataclass
class CapacityChange:
    """What a capacity change did to the live bookings it touched."""

    moved: list[Booking] = field(default_factory=list)
    conflicts: list[Booking] = field(default_factory=list)


def create_site(session: Session, slug: str, *, kind: str, name: str, district: str,
                status: str = SiteStatus.OPEN, **fields) -> Site:
    """A new site with the programme's default rules for its kind."""
    if kind not in set(SiteKind):
        raise InvalidRequest(f"Unknown kind {kind!r}; use centre or hostel.")
    if status not in set(SiteStatus):
        raise InvalidRequest(f"Unknown status {status!r}; use planned, open or closed.")
    if not slug or not slug.replace("-", "").isalnum() or slug != slug.lower():
        raise InvalidRequest(f"{slug!r} is not a valid slug (lower-case letters, digits, hyphens).")
    if session.scalar(select(Site.id).where(Site.slug == slug)) is not None:
        raise InvalidRequest(f"A site with slug {slug!r} already exists.")
    fields.setdefault(
        "advance_days", HOSTEL_ADVANCE_DAYS if kind == SiteKind.HOSTEL else DESK_ADVANCE_DAYS
    )
    site = Site(slug=slug, kind=kind, name=name, district=district, status=status, **fields)
    session.add(site)
    session.flush()
    return site


def add_desks(session: Session, site: Site, count: int, *, zone: str = "A",
              prefix: str | None = None) -> list[Desk]:
    """Add `count` desks to a centre's zone, labelled after the ones already there."""
    if not site.is_centre:
        raise InvalidRequest("Desks can only be added to a coworking centre.")
    if not 1 <= count <= 500:
        raise InvalidRequest("Add between 1 and 500 desks at a time.")
    prefix = prefix if prefix is not None else zone
    existing = set(session.scalars(select(Desk.label).where(Desk.site_id == site.id)))
    desks, number = [], 1
    while len(desks) < count:
        label = f"{prefix}{number:02d}"
        if label not in existing:
            desks.append(Desk(site_id=site.id, label=label, zone=zone))
        number += 1
    session.add_all(desks)
    session.flush()
    return desks


def add_room(session: Session, site: Site, name: str, *, beds: int,
             room_type: str = RoomType.DORMITORY,
             designation: str = Designation.ANYONE) -> Room:
    """Add a hostel room with `beds` beds labelled ROOM-1, ROOM-2, ..."""
    if not site.is_hostel:
        raise InvalidRequest("Rooms can only be added to a hostel.")
    if room_type not in set(RoomType) or designation not in set(Designation):
        raise InvalidRequest("Unknown room type or designation.")
    if not 1 <= beds <= 100:
        raise InvalidRequest("A room has between 1 and 100 beds.")
    room = Room(site_id=site.id, name=name, room_type=room_type, designation=designation)
    session.add(room)
    session.flush()
    session.add_all(
        Bed(site_id=site.id, room_id=room.id, label=f"{name}-{i}") for i in range(1, beds + 1)
    )
    session.flush()
    return room


def _live_bookings_from(session: Session, column, resource_id: int, from_on: date):
    return session.scalars(
        select(Booking)
        .where(column == resource_id, Booking.status == BookingStatus.LIVE,
               Booking.ends_on > from_on)
        .order_by(Booking.starts_on, Booking.id)
    ).all()


def retire_desk(session: Session, desk: Desk, from_on: date, actor: User | None) -> CapacityChange:
    """Take a desk out of service from a date, moving its live bookings elsewhere."""
    desk.retired_on = from_on
    session.flush()
    change = CapacityChange()
    for booking in _live_bookings_from(session, Booking.desk_id, desk.id, from_on):
        part = DayPart(booking.part)
        for target in booking_service.get_free_desks(session, desk.site, booking.starts_on, part):
            if _move_cells(session, booking, DeskCell, DeskCell.desk_id, desk.id, target.id):
                booking.desk_id = target.id
                _record(session, booking, actor, "moved",
                        f"Desk {desk.label} was retired; moved to desk {target.label}.")
                change.moved.append(booking)
                break
        else:
            _flag_conflict(session, booking, actor,
                           f"Desk {desk.label} retired from {format_day(from_on)}; no free desk to move to.")
            change.conflicts.append(booking)
    return change


def retire_bed(session: Session, bed: Bed, from_on: date, actor: User | None) -> CapacityChange:
    """Take a bed out of service from a date, moving its live stays to suitable free beds."""
    bed.retired_on = from_on if bed.retired_on is None else min(bed.retired_on, from_on)
    session.flush()
    change = CapacityChange()
    for booking in _live_bookings_from(session, Booking.bed_id, bed.id, from_on):
        member = booking.member
        candidates = booking_service.get_free_beds(
            session, booking.site, booking.starts_on, booking.ends_on, member=member
        ) if member is not None else []
        # An equivalent bed: same room type and designation.
        candidates = [b for b in candidates if b.room.room_type == bed.room.room_type
                      and b.room.designation == bed.room.designation]
        for target in candidates:
            if _move_cells(session, booking, BedNight, BedNight.bed_id, bed.id, target.id):
                booking.bed_id = target.id
                _record(session, booking, actor, "moved",
                        f"Bed {bed.label} was retired; moved to bed {target.label}.")
                change.moved.append(booking)
                break
        else:
            _flag_conflict(session, booking, actor,
                           f"Bed {bed.label} retired from {format_day(from_on)}; no equivalent bed free.")
            change.conflicts.append(booking)
    return change


def retire_room(session: Session, room: Room, from_on: date, actor: User | None) -> CapacityChange:
    room.retired_on = from_on
    change = CapacityChange()
    for bed in room.beds:
        part = retire_bed(session, bed, from_on, actor)
        change.moved += part.moved
        change.conflicts += part.conflicts
    return change


def _move_cells(session, booking, cell_model, column, old_id: int, new_id: int) -> bool:
    """Re-point a booking's cells at another resource; False if it was taken meanwhile."""
    cells = session.scalars(select(cell_model).where(cell_model.booking_id == booking.id)).all()
    keys = [{c.key: getattr(cell, c.key) for c in cell_model.__table__.columns} for cell in cells]
    try:
        with session.begin_nested():
            session.execute(delete(cell_model).where(cell_model.booking_id == booking.id))
            for values in keys:
                values[column.key] = new_id
                session.add(cell_model(**values))
            session.flush()
    except IntegrityError:
        return False
    return True


def _flag_conflict(session, booking, actor, note: str) -> None:
    booking.conflict = note[:200]
    _record(session, booking, actor, "conflict", note)


def _record(session, booking, actor, kind: str, detail: str) -> None:
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id if actor else None,
                             kind=kind, detail=detail))
    session.flush()


def add_closure(session: Session, site: Site, starts_on: date, ends_on: date, *,
                reason: str = "", room: Room | None = None,
                actor: User | None = None) -> tuple[Closure, CapacityChange]:
    """Close a site (or one hostel room) on dates, flagging the live bookings it hits."""
    if ends_on < starts_on:
        raise InvalidRequest("A closure must end on or after the day it starts.")
    if (ends_on - starts_on).days > 366:
        raise InvalidRequest("Close a site for at most a year at a time; change its status instead.")
    closure = Closure(site_id=site.id, room_id=room.id if room else None, starts_on=starts_on,
                      ends_on=ends_on, reason=reason, created_by_id=actor.id if actor else None)
    session.add(closure)
    session.flush()
    query = select(Booking).where(
        Booking.site_id == site.id, Booking.status == BookingStatus.LIVE,
        Booking.starts_on <= ends_on, Booking.ends_on > starts_on,
    )
    if room is not None:
        query = query.join(Bed, Bed.id == Booking.bed_id).where(Bed.room_id == room.id)
    change = CapacityChange()
    span = f"{format_day(starts_on)} to {format_day(ends_on)}"
    for booking in session.scalars(query.order_by(Booking.starts_on)):
        where = f"Room {room.name}" if room else site.name
        _flag_conflict(session, booking, actor, f"{where} closed {span}: {reason or 'closure'}.")
        change.conflicts.append(booking)
    return closure, change
