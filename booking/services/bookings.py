"""Booking a desk or a bed, cancelling, and listing a member's bookings.

A booking is decided here by reading only (``prepare_desk``/``prepare_bed``:
rules, closures, which desk or bed) and written by ``holds.place``, which
checks the decision still stands. The guarantee against double booking lives
in the database (see ``models/booking.py``); the checks here only exist to
give a friendlier message in the common case.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy import and_, bindparam, case, delete, exists, or_, select
from sqlalchemy.orm import Session, joinedload

from ..clock import now_in_kerala
from ..direct import Direct, as_loaded, connection_of
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
from .holds import Hold, place, site_revision
from .permissions import can_manage_site

# One statement each, built once: building a statement cost more than running
# it. The hottest run on the driver's cursor (``Direct``): see direct.py.
_SITE, _DAY, _MEMBER, _LABEL = (bindparam("site"), bindparam("day"), bindparam("member"),
                                bindparam("label"))
_FIRST, _LAST = bindparam("first"), bindparam("last")
# The half-day cells of a part: both halves, or the one half twice.
_HALVES = [bindparam("half_a"), bindparam("half_b")]

_SITE_CLOSURE = Direct(
    select(Closure.starts_on, Closure.ends_on, Closure.reason)
    .where(Closure.site_id == _SITE, Closure.room_id.is_(None), Closure.overlapping(_FIRST, _LAST))
    .order_by(Closure.starts_on)
    .limit(1)
)


def check_site_not_closed(session: Session, site: Site, first: date, last: date) -> None:
    """Refuse dates a site-wide closure covers, naming the first such closure."""
    closure = _SITE_CLOSURE.first(connection_of(session), site=site.id, first=first, last=last)
    if closure is not None:
        starts_on, ends_on, reason = closure
        reason = f" ({reason})" if reason else ""
        raise SiteClosedOn(
            f"{site.name} is closed from {format_day(starts_on)}"
            f" to {format_day(ends_on)}{reason}."
        )


# ---------------------------------------------------------------- desks

def _halves(part: DayPart) -> dict[str, str]:
    return {"half_a": part.cells[0], "half_b": part.cells[-1]}


# Desks in service that day and free for every half of the part.
_DESK_IS_FREE = and_(
    Desk.site_id == _SITE,
    or_(Desk.retired_on.is_(None), Desk.retired_on > _DAY),
    ~exists().where(DeskCell.desk_id == Desk.id, DeskCell.held_on == _DAY,
                    DeskCell.part.in_(_HALVES)),
)
_FREE_DESKS_BY_ZONE = select(Desk).where(_DESK_IS_FREE).order_by(Desk.zone, Desk.id)
_DESK_COLUMNS = tuple(Desk.__table__.c)
_FREE_DESK_ROWS = Direct(select(*_DESK_COLUMNS).where(_DESK_IS_FREE))
# People like their usual desk: the one they booked last here, else the
# first by zone and id. LIMIT 1: loading every free desk was a measurable
# share of a booking.
_USUAL_DESK = (
    select(Booking.desk_id)
    .where(Booking.member_id == _MEMBER, Booking.site_id == _SITE, Booking.desk_id.is_not(None))
    .order_by(Booking.id.desc())
    .limit(1)
    .scalar_subquery()
)
_BEST_FREE_DESK = Direct(select(*_DESK_COLUMNS).where(_DESK_IS_FREE).order_by(
    case((Desk.id == _USUAL_DESK, 0), else_=1), Desk.zone, Desk.id).limit(1))
_MEMBER_HOLDS_DESK = Direct(select(exists().where(
    DeskCell.member_id == _MEMBER, DeskCell.held_on == _DAY, DeskCell.part.in_(_HALVES))))
_DESK_BY_LABEL = Direct(select(*_DESK_COLUMNS).where(Desk.site_id == _SITE, Desk.label == _LABEL))


def _desk(session: Session, row: tuple | None) -> Desk | None:
    return None if row is None else as_loaded(session, Desk, row)


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
    return place(session, prepare_desk(session, member, site, day, part, desk_label, now=now))


def prepare_desk(
    session: Session,
    member: User,
    site: Site,
    day: date,
    part: DayPart,
    desk_label: str | None = None,
    *,
    now: datetime | None = None,
    spread: bool = False,
) -> Hold:
    """Decide a desk booking by reading only; ``holds.place`` writes it.

    With ``spread``, pick a random free desk: after a lost race the other
    losers would all pick the same next desk and queue behind each other.
    """
    now = now or now_in_kerala()
    rules.check_desk_request(site, day, part, now)
    revision = site_revision(session, site.id)
    check_site_not_closed(session, site, day, day)
    connection = connection_of(session)
    if desk_label is not None:
        # Checked first so that "you are already booked" wins over "that desk
        # is taken" when both are true. For any desk, the member's unique key
        # answers the same at insert time, a query cheaper.
        if _MEMBER_HOLDS_DESK.scalar(connection, member=member.id, day=day, **_halves(part)):
            raise MemberAlreadyBooked(_member_desk_clash_message(day, part))
        desk = _desk(session, _DESK_BY_LABEL.first(connection, site=site.id, label=desk_label))
        if desk is None or not desk.is_active_on(day):
            raise NotFound(f"{site.name} has no desk labelled {desk_label!r}.")
    elif spread:
        free = _FREE_DESK_ROWS.all(connection, site=site.id, day=day, **_halves(part))
        desk = _desk(session, random.choice(free) if free else None)
    else:
        desk = _desk(session, _BEST_FREE_DESK.first(
            connection, site=site.id, day=day, member=member.id, **_halves(part)))
    none_free = f"No desk is free at {site.name} on {format_day(day)} ({part.value})."
    if desk is None:
        raise NoLongerAvailable(none_free)
    return Hold(
        member=member, site=site, resource=desk, revision=revision,
        row={"desk_id": desk.id, "bed_id": None, "starts_on": day,
             "ends_on": day + timedelta(days=1), "part": part.value},
        cell_table=DeskCell.__table__,
        cells=[{"desk_id": desk.id, "held_on": day, "part": half, "site_id": site.id,
                "member_id": member.id} for half in part.cells],
        taken=f"Desk {desk.label} is no longer available on {format_day(day)} ({part.value}).",
        clash=_member_desk_clash_message(day, part),
        any_resource=desk_label is None,
        decide_again=partial(prepare_desk, member=member, site=site, day=day, part=part,
                             desk_label=desk_label, now=now),
        none_free=none_free,
    )


def _member_desk_clash_message(day: date, part: DayPart) -> str:
    when = "that day" if part is DayPart.FULL else f"that {part.value}"
    return f"You already have a desk booked {when} ({format_day(day)})."


def get_free_desks(session: Session, site: Site, day: date, part: DayPart) -> list[Desk]:
    """Desks in service and free for every half of the part, by zone then label."""
    return list(session.scalars(_FREE_DESKS_BY_ZONE, {"site": site.id, "day": day,
                                                       **_halves(part)}))


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
    return place(session, prepare_bed(session, member, site, check_in, check_out, bed_label,
                                      now=now))


def prepare_bed(
    session: Session,
    member: User,
    site: Site,
    check_in: date,
    check_out: date,
    bed_label: str | None = None,
    *,
    now: datetime | None = None,
    spread: bool = False,
) -> Hold:
    """Decide a stay by reading only; ``holds.place`` writes it (``spread``: see prepare_desk)."""
    now = now or now_in_kerala()
    rules.check_stay_request(site, check_in, check_out, now)
    revision = site_revision(session, site.id)
    last_night = check_out - timedelta(days=1)
    check_site_not_closed(session, site, check_in, last_night)
    clash = f"You already have a bed booked for a night between {format_day(check_in)} and {format_day(check_out)}."
    if session.scalar(select(exists().where(
        BedNight.member_id == member.id, BedNight.night_on >= check_in, BedNight.night_on < check_out
    ))):
        raise MemberAlreadyBooked(clash)
    none_free = (f"No suitable bed is free at {site.name} for every night from"
                 f" {format_day(check_in)} to {format_day(check_out)}.")
    if bed_label is not None:
        bed = session.scalar(
            select(Bed).options(joinedload(Bed.room))
            .where(Bed.site_id == site.id, Bed.label == bed_label)
        )
        if bed is None or not (bed.is_active_on(check_in) and bed.is_active_on(last_night)):
            raise NotFound(f"{site.name} has no bed labelled {bed_label!r}.")
        rules.check_room_eligibility(member, bed.room)
        _raise_if_room_closed(session, bed.room, check_in, last_night)
    else:
        free = get_free_beds(session, site, check_in, check_out, member=member)
        if not free:
            raise NoLongerAvailable(none_free)
        bed = random.choice(free) if spread else free[0]
    return Hold(
        member=member, site=site, resource=bed, revision=revision,
        row={"desk_id": None, "bed_id": bed.id, "starts_on": check_in, "ends_on": check_out,
             "part": None},
        cell_table=BedNight.__table__,
        cells=[{"bed_id": bed.id, "night_on": check_in + timedelta(days=i), "site_id": site.id,
                "member_id": member.id} for i in range((check_out - check_in).days)],
        taken=f"Bed {bed.label} is no longer free for all those nights.",
        clash=clash,
        any_resource=bed_label is None,
        decide_again=partial(prepare_bed, member=member, site=site, check_in=check_in,
                             check_out=check_out, bed_label=bed_label, now=now),
        none_free=none_free,
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
