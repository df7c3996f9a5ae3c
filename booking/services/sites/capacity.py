"""Sites and their capacity: create, add desks/rooms/beds, retire, close.

Capacity never silently drops a booking: retiring a desk or bed moves each
live booking it holds to an equivalent free one, and where none is free the
booking is kept and flagged as a conflict for an admin to resolve.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import (
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
from ...models.site import DESK_ADVANCE_DAYS, HOSTEL_ADVANCE_DAYS
from ..dates import format_day, format_span
from .details import clean_site_details
from ..errors import InvalidRequest
from ..bookings import book as booking_service
from ..messages import Text, _


@dataclass
class CapacityChange:
    """What a capacity change did to the live bookings it touched."""

    moved: list[Booking] = field(default_factory=list)
    conflicts: list[Booking] = field(default_factory=list)


def create_site(session: Session, slug: str, *, kind: str, name: str, district: str,
                status: str = SiteStatus.OPEN, **fields) -> Site:
    """A new site with the programme's default rules for its kind."""
    if kind not in set(SiteKind):
        raise InvalidRequest(_("Unknown kind %(kind)s; use centre or hostel.", kind=repr(kind)))
    if status not in set(SiteStatus):
        raise InvalidRequest(_("Unknown status %(status)s; use planned, open or closed.",
                               status=repr(status)))
    if not slug or not slug.replace("-", "").isalnum() or slug != slug.lower():
        raise InvalidRequest(_("%(slug)s is not a valid slug (lower-case letters, digits,"
                               " hyphens).",
                               slug=repr(slug)))
    if session.scalar(select(Site.id).where(Site.slug == slug)) is not None:
        raise InvalidRequest(_("A site with slug %(slug)s already exists.", slug=repr(slug)))
    fields = clean_site_details(fields | {"district": district})
    fields.setdefault(
        "advance_days", HOSTEL_ADVANCE_DAYS if kind == SiteKind.HOSTEL else DESK_ADVANCE_DAYS
    )
    site = Site(slug=slug, kind=kind, name=name, status=status, **fields)
    session.add(site)
    session.flush()
    return site


def add_desks(session: Session, site: Site, count: int, *, zone: str = "A",
              prefix: str | None = None) -> list[Desk]:
    """Add `count` desks to a centre's zone, labelled after the ones already there."""
    if not site.is_centre:
        raise InvalidRequest(_("Desks can only be added to a coworking centre."))
    if not 1 <= count <= 500:
        raise InvalidRequest(_("Add between 1 and 500 desks at a time."))
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
        raise InvalidRequest(_("Rooms can only be added to a hostel."))
    if room_type not in set(RoomType) or designation not in set(Designation):
        raise InvalidRequest(_("Unknown room type or designation."))
    if not 1 <= beds <= 100:
        raise InvalidRequest(_("A room has between 1 and 100 beds."))
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
                booking.desk = target
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
                booking.bed = target
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
    """Take a room and all its beds out of service, moving stays to other rooms."""
    room.retired_on = from_on
    # Retire every bed first, so no stay is moved into a sibling bed that
    # retires a moment later.
    for bed in room.beds:
        bed.retired_on = from_on if bed.retired_on is None else min(bed.retired_on, from_on)
    session.flush()
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
        raise InvalidRequest(_("A closure must end on or after the day it starts."))
    if (ends_on - starts_on).days > 366:
        raise InvalidRequest(_("Close a site for at most a year at a time; change its status"
                               " instead."))
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
    span = format_span(starts_on, ends_on)
    for booking in session.scalars(query.order_by(Booking.starts_on)).all():
        where = f"Room {room.name}" if room else site.name
        # A closed room's guests can sleep in an equivalent room that is open.
        if room is not None and _move_stay(session, booking, room, actor,
                                           f"Room {room.name} closed {span}"):
            change.moved.append(booking)
            continue
        _flag_conflict(session, booking, actor, f"{where} closed {span}: {reason or 'closure'}.")
        change.conflicts.append(booking)
    return closure, change


def _move_stay(session: Session, booking: Booking, room: Room, actor: User | None,
               why: str, *, leave_room: bool = True) -> bool:
    """Move a stay to a free bed of the same type and designation (outside `room`)."""
    if booking.member is None:
        return False
    candidates = booking_service.get_free_beds(session, booking.site, booking.starts_on,
                                               booking.ends_on, member=booking.member)
    old = booking.bed
    for target in candidates:
        if (leave_room and target.room_id == room.id) or target.room.room_type != room.room_type \
                or target.room.designation != room.designation:
            continue
        if _move_cells(session, booking, BedNight, BedNight.bed_id, old.id, target.id):
            booking.bed = target
            _record(session, booking, actor, "moved", f"{why}; moved to bed {target.label}.")
            return True
    return False


# ---------------------------------------------------------------- previews and renames

@dataclass(frozen=True)
class PlannedMove:
    """A live booking a capacity change would touch, and where it could go."""

    booking: Booking
    target_label: str | None  # None: nothing equivalent is free, it becomes a conflict


def plan_desk_retirement(session: Session, desk: Desk, from_on: date) -> list[PlannedMove]:
    """What retiring a desk would do, read-only: the shown-first half of a retirement."""
    used: set[tuple[int, date, str]] = set()
    plan = []
    for booking in _live_bookings_from(session, Booking.desk_id, desk.id, from_on):
        part = DayPart(booking.part)
        target = next((d for d in booking_service.get_free_desks(
            session, desk.site, booking.starts_on, part)
            if d.id != desk.id and not any((d.id, booking.starts_on, c) in used
                                           for c in part.cells)), None)
        if target is not None:
            used.update((target.id, booking.starts_on, c) for c in part.cells)
        plan.append(PlannedMove(booking, target.label if target else None))
    return plan


def plan_bed_retirement(session: Session, beds: list[Bed], from_on: date) -> list[PlannedMove]:
    """What retiring these beds (one bed, or a room's) would do, read-only."""
    retiring = {b.id for b in beds}
    used: set[tuple[int, date]] = set()
    plan = []
    for bed in beds:
        for booking in _live_bookings_from(session, Booking.bed_id, bed.id, from_on):
            nights = {booking.starts_on + timedelta(days=i) for i in range(booking.nights)}
            candidates = booking_service.get_free_beds(
                session, booking.site, booking.starts_on, booking.ends_on, member=booking.member
            ) if booking.member is not None else []
            target = next((b for b in candidates if b.id not in retiring
                           and b.room.room_type == bed.room.room_type
                           and b.room.designation == bed.room.designation
                           and not any((b.id, n) in used for n in nights)), None)
            if target is not None:
                used.update((target.id, n) for n in nights)
            plan.append(PlannedMove(booking, target.label if target else None))
    return plan


def get_bookings_in_closure(session: Session, site: Site, starts_on: date, ends_on: date,
                            room: Room | None = None) -> list[Booking]:
    """Live bookings a closure of the site (or one room) on these dates would hit."""
    query = select(Booking).where(
        Booking.site_id == site.id, Booking.status == BookingStatus.LIVE,
        Booking.starts_on <= ends_on, Booking.ends_on > starts_on,
    )
    if room is not None:
        query = query.join(Bed, Bed.id == Booking.bed_id).where(Bed.room_id == room.id)
    return list(session.scalars(query.order_by(Booking.starts_on, Booking.id)))


def rename_desk(session: Session, desk: Desk, label: str) -> Desk:
    """Give a desk a new label, unique within its centre."""
    return _rename(session, desk, Desk.label, label,
                   lambda taken: _("This centre already has a desk labelled %(name)s.", name=taken))


def rename_bed(session: Session, bed: Bed, label: str) -> Bed:
    """Give a bed a new label, unique within its hostel."""
    return _rename(session, bed, Bed.label, label,
                   lambda taken: _("This hostel already has a bed labelled %(name)s.", name=taken))


def rename_room(session: Session, room: Room, name: str) -> Room:
    """Give a room a new name, unique within its hostel (bed labels stay as they are)."""
    return _rename(session, room, Room.name, name,
                   lambda taken: _("This hostel already has a room named %(name)s.", name=taken))


def _rename(session: Session, thing, column, text: str, taken: Callable[[str], Text]):
    """Set a desk's, bed's or room's name column, refusing one already used at its site."""
    text = clean_label(text)
    model = type(thing)
    clash = select(model.id).where(model.site_id == thing.site_id, column == text,
                                   model.id != thing.id)
    if session.scalar(clash) is not None:
        raise InvalidRequest(taken(text))
    setattr(thing, column.key, text)
    session.flush()
    return thing


def clean_label(text: str) -> str:
    """A desk, bed or room name: single-spaced, 1 to 40 characters."""
    text = " ".join(text.split())
    if not 1 <= len(text) <= 40:
        raise InvalidRequest(_("A label needs 1 to 40 characters."))
    return text


def _site_closed_during(session: Session, booking: Booking) -> bool:
    return session.scalar(select(Closure.id).where(
        Closure.site_id == booking.site_id, Closure.room_id.is_(None),
        Closure.overlapping(booking.starts_on, booking.last_day_on)
    ).limit(1)) is not None


def retry_conflict(session: Session, booking: Booking, actor: User | None) -> bool:
    """Try again to move a conflicted booking off its retired desk or bed (or closed room)."""
    if not booking.is_live or booking.conflict is None:
        raise InvalidRequest(_("This booking has no conflict to resolve."))
    if _site_closed_during(session, booking):
        raise InvalidRequest(_("The site is closed then: moving cannot help; cancel it instead."))
    if booking.desk is not None:
        part = DayPart(booking.part)
        for target in booking_service.get_free_desks(session, booking.site, booking.starts_on, part):
            if target.id != booking.desk_id and _move_cells(
                    session, booking, DeskCell, DeskCell.desk_id, booking.desk_id, target.id):
                booking.desk = target
                booking.conflict = None
                _record(session, booking, actor, "moved", f"Moved to desk {target.label}.")
                return True
        return False
    bed = booking.bed
    room_closed = session.scalar(select(Closure.id).where(
        Closure.room_id == bed.room_id,
        Closure.overlapping(booking.starts_on, booking.last_day_on)).limit(1)) is not None
    if _move_stay(session, booking, bed.room, actor, "Conflict resolved", leave_room=room_closed):
        booking.conflict = None
        session.flush()
        return True
    return False


def clear_conflict(session: Session, booking: Booking, actor: User | None, note: str) -> Booking:
    """Mark a conflict as dealt with (e.g. the member agreed another arrangement)."""
    if booking.conflict is None:
        raise InvalidRequest(_("This booking has no conflict to resolve."))
    booking.conflict = None
    _record(session, booking, actor, "resolved", note or "Conflict marked as resolved.")
    return booking
