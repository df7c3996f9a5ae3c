"""Booking a desk or a bed, cancelling, and listing a member's bookings.

The guarantee against double booking lives in the database (see
``models/booking.py``). This module inserts the cells inside a SAVEPOINT and
turns the unique-key violation of a lost race into a typed refusal; the
pre-checks only exist to give a friendlier message in the common case.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import case, delete, exists, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..clock import now_in_kerala
from ..models import (
    Bed,
    BedNight,
    Booking,
    BookingEvent,
    BookingStatus,
    Closure,
    DayPart,
    Desk,
    DeskCell,
    Room,
    Site,
    User,
    utcnow,
)
from . import rules
from .dates import format_day
from .errors import (
    AlreadyCancelled,
    MemberAlreadyBooked,
    NoLongerAvailable,
    NotFound,
    NotPermitted,
    SiteClosedOn,
)
from .permissions import can_manage_site

# Racing requests can take our pick between our look and our insert. We keep
# trying while anything is free; this caps the loop in a pathological storm.
MAX_ATTEMPTS = 64


def is_member_clash(error: IntegrityError) -> bool:
    """Did the member's own one-place-at-a-time key fail (rather than the resource's)?"""
    diag = getattr(error.orig, "diag", None)
    text = getattr(diag, "constraint_name", None) or str(error.orig)
    return "member_id" in text


def check_site_not_closed(session: Session, site: Site, first: date, last: date) -> None:
    """Refuse dates a site-wide closure covers, naming the first such closure."""
    closure = session.scalars(
        select(Closure)
        .where(Closure.site_id == site.id, Closure.room_id.is_(None),
               Closure.overlapping(first, last))
        .order_by(Closure.starts_on)
        .limit(1)
    ).first()
    if closure is not None:
        reason = f" ({closure.reason})" if closure.reason else ""
        raise SiteClosedOn(
            f"{site.name} is closed from {format_day(closure.starts_on)}"
            f" to {format_day(closure.ends_on)}{reason}."
        )


# ---------------------------------------------------------------- desks

def book_desk(
    session: Session,
    member: User,
    site: Site,
    day: date,
    part: DayPart,
    desk_label: str | None = None,
    *,
    now: datetime | None = None,
) -> Booking:
    """Book a named desk, or the best free one, for a day part."""
    now = now or now_in_kerala()
    rules.check_desk_request(site, day, part, now)
    check_site_not_closed(session, site, day, day)
    if desk_label is not None:
        # Checked first so that "you are already booked" wins over "that desk
        # is taken" when both are true. For any desk, the member's unique key
        # answers the same at insert time, a query cheaper.
        if session.scalar(select(exists().where(
            DeskCell.member_id == member.id,
            DeskCell.held_on == day,
            DeskCell.part.in_(part.cells),
        ))):
            raise MemberAlreadyBooked(_member_desk_clash_message(day, part))
        desk = session.scalar(select(Desk).where(Desk.site_id == site.id, Desk.label == desk_label))
        if desk is None or not desk.is_active_on(day):
            raise NotFound(f"{site.name} has no desk labelled {desk_label!r}.")
        return _hold_desk(session, member, site, desk, day, part)
    for attempt in range(MAX_ATTEMPTS):
        desk = _pick_free_desk(session, member, site, day, part, spread=attempt > 0)
        if desk is None:
            break
        try:
            return _hold_desk(session, member, site, desk, day, part)
        except NoLongerAvailable:
            continue  # someone took it between our look and our insert
    raise NoLongerAvailable(
        f"No desk is free at {site.name} on {format_day(day)} ({part.value})."
    )


def _member_desk_clash_message(day: date, part: DayPart) -> str:
    when = "that day" if part is DayPart.FULL else f"that {part.value}"
    return f"You already have a desk booked {when} ({format_day(day)})."


def get_free_desks(session: Session, site: Site, day: date, part: DayPart) -> list[Desk]:
    """Desks in service and free for every half of the part, by zone then label."""
    return list(session.scalars(_free_desks_query(site, day, part).order_by(Desk.zone, Desk.id)))


def _free_desks_query(site: Site, day: date, part: DayPart):
    taken = exists().where(
        DeskCell.desk_id == Desk.id, DeskCell.held_on == day, DeskCell.part.in_(part.cells)
    )
    return select(Desk).where(
        Desk.site_id == site.id, or_(Desk.retired_on.is_(None), Desk.retired_on > day), ~taken
    )


def _pick_free_desk(session: Session, member: User, site: Site, day: date, part: DayPart,
                    *, spread: bool = False) -> Desk | None:
    """The desk to try, in one query; None if none is free."""
    free = _free_desks_query(site, day, part)
    if spread:
        # We lost a race: the others who lost it too would all pick the same
        # next desk, so spread out instead of queueing behind each other.
        desks = session.scalars(free).all()
        return random.choice(desks) if desks else None
    # People like their usual desk: prefer the one they booked last here,
    # then the first by zone and id. LIMIT 1: loading every free desk as an
    # ORM object was a measurable share of a booking.
    usual = (
        select(Booking.desk_id)
        .where(Booking.member_id == member.id, Booking.site_id == site.id,
               Booking.desk_id.is_not(None))
        .order_by(Booking.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return session.scalars(
        free.order_by(case((Desk.id == usual, 0), else_=1), Desk.zone, Desk.id).limit(1)
    ).first()


def _hold_desk(session, member, site, desk, day, part) -> Booking:
    # Relationships set from objects in hand, so nothing lazy-loads them later.
    booking = Booking(
        member=member, created_by_id=member.id, site=site, desk=desk,
        starts_on=day, ends_on=day + timedelta(days=1), part=part.value,
    )
    cells = [
        {"desk_id": desk.id, "held_on": day, "part": half, "site_id": site.id,
         "member_id": member.id}
        for half in part.cells
    ]
    return _insert_with_cells(
        session, booking, DeskCell, cells,
        taken=f"Desk {desk.label} is no longer available on {format_day(day)} ({part.value}).",
        clash=_member_desk_clash_message(day, part),
    )


def _insert_with_cells(session: Session, booking: Booking, cell_model, cells: list[dict], *,
                       taken: str, clash: str):
    """Insert a booking and its cells in a SAVEPOINT; a lost race becomes a typed refusal."""
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
            # Cells and the history line are plain rows nobody reads back in
            # this request: Core inserts skip the unit of work's bookkeeping.
            for cell in cells:
                cell["booking_id"] = booking.id
            session.execute(insert(cell_model.__table__), cells)
            session.execute(insert(BookingEvent.__table__), {
                "booking_id": booking.id, "actor_id": booking.created_by_id,
                "kind": "created", "detail": "", "at": utcnow()})
    except IntegrityError as error:
        if is_member_clash(error):
            raise MemberAlreadyBooked(clash) from None
        raise NoLongerAvailable(taken) from None
    return booking


# ---------------------------------------------------------------- beds

def book_bed(
    session: Session,
    member: User,
    site: Site,
    check_in: date,
    check_out: date,
    bed_label: str | None = None,
    *,
    now: datetime | None = None,
) -> Booking:
    """Book a named bed, or a suitable free one, from check-in to check-out (exclusive)."""
    now = now or now_in_kerala()
    rules.check_stay_request(site, check_in, check_out, now)
    last_night = check_out - timedelta(days=1)
    check_site_not_closed(session, site, check_in, last_night)
    clash = f"You already have a bed booked for a night between {format_day(check_in)} and {format_day(check_out)}."
    if session.scalar(select(exists().where(
        BedNight.member_id == member.id, BedNight.night_on >= check_in, BedNight.night_on < check_out
    ))):
        raise MemberAlreadyBooked(clash)
    if bed_label is not None:
        bed = session.scalar(
            select(Bed).options(joinedload(Bed.room))
            .where(Bed.site_id == site.id, Bed.label == bed_label)
        )
        if bed is None or not (bed.is_active_on(check_in) and bed.is_active_on(last_night)):
            raise NotFound(f"{site.name} has no bed labelled {bed_label!r}.")
        rules.check_room_eligibility(member, bed.room)
        _raise_if_room_closed(session, bed.room, check_in, last_night)
        return _hold_bed(session, member, site, bed, check_in, check_out, clash)
    for attempt in range(MAX_ATTEMPTS):
        free = get_free_beds(session, site, check_in, check_out, member=member)
        if not free:
            break
        bed = random.choice(free) if attempt else free[0]  # spread out after a lost race
        try:
            return _hold_bed(session, member, site, bed, check_in, check_out, clash)
        except NoLongerAvailable:
            continue
    raise NoLongerAvailable(
        f"No suitable bed is free at {site.name} for every night from"
        f" {format_day(check_in)} to {format_day(check_out)}."
    )


def _raise_if_room_closed(session: Session, room: Room, first: date, last: date) -> None:
    closed = session.scalar(select(exists().where(
        Closure.room_id == room.id, Closure.overlapping(first, last)
    )))
    if closed:
        raise SiteClosedOn(f"Room {room.name} is closed for some of those nights.")


def get_free_beds(
    session: Session, site: Site, check_in: date, check_out: date, *, member: User | None = None
) -> list[Bed]:
    """Beds free every night of the stay, in rooms open then and suitable for the member."""
    last_night = check_out - timedelta(days=1)
    taken = exists().where(
        BedNight.bed_id == Bed.id, BedNight.night_on >= check_in, BedNight.night_on < check_out
    )
    room_closed = exists().where(
        Closure.room_id == Bed.room_id, Closure.overlapping(check_in, last_night)
    )
    beds = session.scalars(
        select(Bed)
        .join(Room, Room.id == Bed.room_id)
        .options(joinedload(Bed.room))
        .where(
            Bed.site_id == site.id,
            or_(Bed.retired_on.is_(None), Bed.retired_on >= check_out),
            ~taken,
            ~room_closed,
        )
        # Fill single-gender rooms before shared ones, keeping "anyone" beds
        # for those who need them; then in order of rooms.
        .order_by(Room.designation == "anyone", Room.id, Bed.id)
    ).all()
    if member is not None:
        beds = [b for b in beds if rules.is_eligible_for_room(member, b.room)]
    return list(beds)


def _hold_bed(session, member, site, bed, check_in, check_out, clash) -> Booking:
    booking = Booking(
        member=member, created_by_id=member.id, site=site, bed=bed,
        starts_on=check_in, ends_on=check_out,
    )
    nights = [
        {"bed_id": bed.id, "night_on": check_in + timedelta(days=i), "site_id": site.id,
         "member_id": member.id}
        for i in range((check_out - check_in).days)
    ]
    return _insert_with_cells(
        session, booking, BedNight, nights,
        taken=f"Bed {bed.label} is no longer free for all those nights.",
        clash=clash,
    )


# ---------------------------------------------------------------- cancel and list

def cancel_booking(
    session: Session,
    booking: Booking,
    actor: User,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel a live booking: free its cells, keep the record (who, when, why)."""
    now = now or now_in_kerala()
    is_owner = booking.member_id == actor.id
    is_staff = can_manage_site(actor, booking.site)
    if not (is_owner or is_staff):
        raise NotFound("No such booking.")
    if not booking.is_live:
        raise AlreadyCancelled("This booking is already cancelled.")
    if not is_staff:
        rules.check_member_may_cancel(booking, now)
    elif booking.ends_on <= now.date():
        raise NotPermitted("This booking is in the past and cannot be cancelled.")
    session.execute(delete(DeskCell).where(DeskCell.booking_id == booking.id))
    session.execute(delete(BedNight).where(BedNight.booking_id == booking.id))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    booking.cancelled_by_id = actor.id
    booking.cancel_reason = reason or ("Cancelled by the member" if is_owner else "Cancelled by staff")
    booking.conflict = None
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="cancelled",
                             detail=booking.cancel_reason))
    session.flush()
    return booking


def get_booking_for(session: Session, booking_id: int, user: User) -> Booking:
    """A booking its owner (or a manager of its site) may see; NotFound otherwise."""
    booking = session.get(Booking, booking_id)
    if booking is None or not (booking.member_id == user.id or can_manage_site(user, booking.site)):
        raise NotFound("No such booking.")
    return booking


def get_member_bookings(
    session: Session, member: User, *, upcoming: bool | None = None, today: date | None = None
) -> list[Booking]:
    """A member's bookings: upcoming soonest first, or past most recent first."""
    query = select(Booking).options(
        joinedload(Booking.site), joinedload(Booking.desk), joinedload(Booking.bed)
    ).where(Booking.member_id == member.id)
    today = today or now_in_kerala().date()
    if upcoming is True:
        query = query.where(Booking.ends_on > today).order_by(Booking.starts_on, Booking.id)
    elif upcoming is False:
        query = query.where(Booking.ends_on <= today).order_by(Booking.starts_on.desc(), Booking.id)
    else:
        query = query.order_by(Booking.starts_on.desc(), Booking.id)
    return list(session.scalars(query).unique())
