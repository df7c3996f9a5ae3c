"""The warden's day at a hostel: who arrives, who leaves, who is in, which beds are free;
marking arrival and departure, and moving a resident to another bed mid-stay (no Flask).

- Arrival sets ``checked_in_at`` once, from the check-in day until the stay's
  last night, with a conditional UPDATE (``WHERE checked_in_at IS NULL``) so
  two wardens tapping at once never both win.
- Departure sets ``departed_at`` once, after arrival. Leaving before the stay's
  end gives the remaining nights back through the end-early path
  (``ending.end_booking_early``: the waitlist is filled with them, the member
  told); leaving on the check-out day gives nothing back.
- A move re-points the stay's bed nights from a chosen night to another bed
  (``stays.move_nights``, one savepoint), so the cells' primary keys still
  decide a race between two wardens: one wins, the other is refused. The site's
  revision row is taken first on PostgreSQL (the booking path's lock order),
  so the loser waits for the winner and then sees the bed taken by name.

Every change writes a booking event (the member's history) and an audit entry.
Refusals carry ``field`` ("bed", "first_night") so a page can show the message
next to the field it is about.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from ...clock import now_in_kerala
from ...models import (
    Bed, BedNight, Booking, BookingEvent, BookingStatus, Closure, Room, Site, User,
)
from ..accounts.permissions import can_manage_site
from ..admin import audit
from ..dates import format_day
from ..errors import (
    AlreadyCancelled, AlreadyCheckedIn, InvalidRequest, NoLongerAvailable,
    NotEligible, NotFound, NothingToEnd, NotStartedYet, RuleViolation, SiteClosedOn,
)
from ..messages import _
from ..notices import bookings as notices
from . import rules
from .book import _hold_site_revision
from .ending import end_booking_early
from .stays import move_nights
from .waitlist import fill_waitlist

MOVE_REASON_MAX = 200


def _who(booking: Booking) -> str:
    return booking.member.name if booking.member is not None else "This resident"


def _check_stay(session: Session, actor: User, booking: Booking) -> None:
    """Staff of the stay's hostel only (others: 404); lock it, one change at a time."""
    if booking.bed_id is None or not can_manage_site(actor, booking.site):
        raise NotFound(_('No such stay.'))
    session.refresh(booking, with_for_update=True)
    if not booking.is_live:
        raise AlreadyCancelled(_('This stay is cancelled.'))


# ---------------------------------------------------------------- arrival

def mark_arrival(session: Session, actor: User, booking: Booking, *,
                 now: datetime | None = None) -> Booking:
    """The resident has arrived: record when, once, on or after the check-in day."""
    now = now or now_in_kerala()
    today = now.date()
    _check_stay(session, actor, booking)
    if booking.is_checked_in:
        raise AlreadyCheckedIn(_("%(resident)s arrived already, at %(time)s on %(day)s.",
                                 resident=_who(booking),
                                 time=_local(booking.checked_in_at, now).time(),
                                 day=_local(booking.checked_in_at, now).date()))
    if today < booking.starts_on:
        raise RuleViolation(_("This stay starts on %(starts_on)s: mark the arrival on that day "
                              "or later.", starts_on=booking.starts_on))
    if today >= booking.ends_on:
        raise NothingToEnd(_("This stay ended on %(ends_on)s; there is no arrival to mark.",
                             ends_on=booking.ends_on))
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == BookingStatus.LIVE,
                              Booking.checked_in_at.is_(None))
        .values(checked_in_at=now.astimezone(timezone.utc))
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(booking)
    if changed != 1:
        raise AlreadyCheckedIn(_('%(resident)s arrived already.', resident=_who(booking)))
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="checked_in",
                             detail=f"Arrived at {now:%H:%M} on {format_day(today)};"
                                    " marked by the warden"))
    audit.record(session, actor, "booking.arrive", site=booking.site,
                 target=f"booking:{booking.id}", before={"checked_in_at": None},
                 after={"checked_in_at": booking.checked_in_at.isoformat(),
                        "bed": booking.bed.label, "day": today.isoformat()})
    return booking


# ---------------------------------------------------------------- departure

def mark_departure(session: Session, actor: User, booking: Booking, *,
                   now: datetime | None = None) -> Booking:
    """The resident has left: record when, once; nights not yet begun go back (end early)."""
    now = now or now_in_kerala()
    today = now.date()
    _check_stay(session, actor, booking)
    if booking.has_departed:
        raise AlreadyCheckedIn(_("%(resident)s left already, at %(time)s on %(day)s.",
                                 resident=_who(booking),
                                 time=_local(booking.departed_at, now).time(),
                                 day=_local(booking.departed_at, now).date()))
    if not booking.is_checked_in:
        raise RuleViolation(_("%(resident)s has not arrived: mark the arrival first, or cancel "
                              "the "
                              "stay if they never came.", resident=_who(booking)))
    before = {"ends_on": booking.ends_on, "departed_at": None}
    freed = 0
    if today < booking.ends_on:
        old_ends_on = booking.ends_on
        try:
            end_booking_early(session, booking, actor, reason="Departed", now=now)
        except (NotStartedYet, NothingToEnd):
            pass  # the last night (or the first) is under way: nothing to give back
        freed = (old_ends_on - booking.ends_on).days
    booking.departed_at = now.astimezone(timezone.utc)
    nights = "" if not freed else (" 1 night given back" if freed == 1
                                   else f" {freed} nights given back")
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="departed",
                             at=booking.departed_at,
                             detail=f"Departed at {now:%H:%M} on {format_day(today)};"
                                    f" marked by the warden.{nights}".rstrip(".")))
    session.flush()
    audit.record(session, actor, "booking.depart", site=booking.site,
                 target=f"booking:{booking.id}", before=before,
                 after={"ends_on": booking.ends_on, "departed_at": booking.departed_at.isoformat(),
                        "nights_freed": freed})
    return booking


def _local(moment: datetime, now: datetime) -> datetime:
    return moment.astimezone(now.tzinfo)


# ---------------------------------------------------------------- moving

def earliest_move_night(booking: Booking, today: date) -> date:
    """Nights already slept stay where they were: a move starts tonight at the earliest."""
    return max(booking.starts_on, today)


def move_resident(session: Session, actor: User, booking: Booking, target: Bed,
                  first_night: date, *, reason: str = "", now: datetime | None = None) -> Booking:
    """Move the stay's nights from ``first_night`` to ``target``, all or nothing."""
    now = now or now_in_kerala()
    today = now.date()
    _check_stay(session, actor, booking)
    if booking.has_departed:
        raise RuleViolation(_("%(resident)s has left; a stay that is over cannot move.",
                              resident=_who(booking)))
    if target.site_id != booking.site_id:
        raise NotFound(_("No such bed at this hostel."), field="bed")
    if target.id == booking.bed_id:
        raise RuleViolation(_("%(resident)s is in bed %(bed)s already; choose another bed.",
                              resident=_who(booking), bed=target.label), field="bed")
    earliest = earliest_move_night(booking, today)
    if not earliest <= first_night < booking.ends_on:
        if earliest >= booking.ends_on:
            raise NothingToEnd(_("This stay ended on %(ends_on)s; there are no nights "
                                 "left to move.", ends_on=booking.ends_on),
                               field="first_night")
        raise InvalidRequest(_("Choose a first night in the new bed from %(earliest)s to "
                               "%(last_day_on)s: the nights of this stay not yet slept.",
                               earliest=earliest, last_day_on=booking.last_day_on),
                             field="first_night")
    _check_bed_suits(session, booking, target, first_night)
    # The booking path's lock order on PostgreSQL; a racer waits here, then sees our cells.
    _hold_site_revision(session, booking.site)
    clash = session.execute(
        select(BedNight.night_on, BedNight.booking_id)
        .where(BedNight.bed_id == target.id, BedNight.night_on >= first_night,
               BedNight.night_on < booking.ends_on, BedNight.booking_id != booking.id)
        .order_by(BedNight.night_on).limit(1)).first()
    if clash is not None:
        raise NoLongerAvailable(_("Bed %(bed)s is taken on the night of %(night)s (booking"
                                  " #%(booking)s); choose another bed or a later first night.",
                                  bed=target.label, night=clash[0], booking=clash[1]),
                                field="bed")
    old_bed = booking.bed
    why = reason.strip()[:MOVE_REASON_MAX] or "Moved by the warden"
    try:
        move_nights(session, booking, actor, target, first_night, booking.ends_on, reason=why)
    except NoLongerAvailable:
        raise NoLongerAvailable(_("Bed %(bed)s was taken a moment ago by another "
                                  "booking; choose another bed.", bed=target.label),
                                field="bed") from None
    notices.booking_moved(session, booking,
                          _("From the night of %(night)s you are in room %(room)s, bed %(bed)s"
                            " (was bed %(old_bed)s).", night=first_night, room=target.room.name,
                            bed=target.label, old_bed=old_bed.label))
    audit.record(session, actor, "booking.move", site=booking.site,
                 target=f"booking:{booking.id}", before={"bed": old_bed.label},
                 after={"bed": target.label, "room": target.room.name,
                        "from_on": first_night.isoformat(), "reason": why})
    # The old bed's nights are free now, perhaps in a room someone waiting may have.
    fill_waitlist(session, booking.site, first_night, booking.last_day_on, now=now)
    return booking


def _check_bed_suits(session: Session, booking: Booking, target: Bed, first: date) -> None:
    """Refuse a retired bed, a room closed then, or a room the resident may not have."""
    last = booking.last_day_on
    room = target.room
    if not (target.is_active_on(first) and target.is_active_on(last)
            and room.is_active_on(first) and room.is_active_on(last)):
        raise RuleViolation(_("Bed %(bed)s is retired before the end of this stay "
                              "(%(ends_on)s).", bed=target.label, ends_on=booking.ends_on),
                            field="bed")
    member = booking.member
    if not may_have(booking, room):
        may = (_("rooms for women or anyone") if member and member.hostel_eligibility == "women"
               else _("rooms for men or anyone") if member and member.hostel_eligibility == "men"
               else _("only rooms for anyone"))
        designation = rules.DESIGNATION_WORDS.get(room.designation, room.designation)
        raise NotEligible(_("Room %(room)s is for %(designation)s only; %(resident)s"
                            " may have %(may)s.", room=room.name,
                            designation=designation, resident=_who(booking), may=may),
                          field="bed")
    if session.scalar(select(Closure.id).where(Closure.room_id == room.id,
                                               Closure.overlapping(first, last)).limit(1)):
        raise SiteClosedOn(_("Room %(room)s is closed for some of those nights; "
                             "choose a bed in another room.", room=room.name), field="bed")


# ---------------------------------------------------------------- the day page

@dataclass
class BedState:
    bed: Bed
    booking: Booking | None  # who holds it that night (None: free)


@dataclass
class RoomState:
    room: Room
    beds: list[BedState]
    closed: bool = False

    @property
    def free(self) -> int:
        return 0 if self.closed else sum(1 for b in self.beds if b.booking is None)


@dataclass
class HostelDay:
    site: Site
    day: date
    arrivals: list[Booking] = field(default_factory=list)
    departures: list[Booking] = field(default_factory=list)
    in_house: list[Booking] = field(default_factory=list)  # staying on: not arriving or leaving
    rooms: list[RoomState] = field(default_factory=list)

    @property
    def free_beds(self) -> int:
        return sum(r.free for r in self.rooms)

    @property
    def beds(self) -> int:
        return sum(len(r.beds) for r in self.rooms if not r.closed)

    @property
    def people(self) -> list[Booking]:
        return self.arrivals + self.departures + self.in_house


def get_hostel_day(session: Session, site: Site, day: date) -> HostelDay:
    """Arrivals, departures, residents staying on, and each room's beds on the night of ``day``."""
    stays = list(session.scalars(
        select(Booking)
        .options(joinedload(Booking.member), joinedload(Booking.bed).joinedload(Bed.room))
        .where(Booking.site_id == site.id, Booking.bed_id.is_not(None),
               Booking.status == BookingStatus.LIVE, Booking.starts_on <= day,
               Booking.ends_on >= day)
        .order_by(Booking.starts_on, Booking.id)).unique())
    result = HostelDay(site, day)
    for stay in stays:
        if stay.ends_on == day:
            result.departures.append(stay)
        elif stay.starts_on == day:
            result.arrivals.append(stay)
        else:
            result.in_house.append(stay)
    by_id = {s.id: s for s in stays}
    held = dict(session.execute(select(BedNight.bed_id, BedNight.booking_id)
                                .where(BedNight.site_id == site.id,
                                       BedNight.night_on == day)).all())
    closed_rooms = set(session.scalars(select(Closure.room_id).where(
        Closure.site_id == site.id, Closure.room_id.is_not(None),
        Closure.overlapping(day, day))))
    rooms = session.scalars(select(Room).options(joinedload(Room.beds))
                            .where(Room.site_id == site.id).order_by(Room.name)).unique()
    for room in rooms:
        if not room.is_active_on(day):
            continue
        beds = [BedState(b, by_id.get(held.get(b.id)) if b.id in held else None)
                for b in room.beds if b.is_active_on(day)]
        result.rooms.append(RoomState(room, beds, closed=room.id in closed_rooms))
    return result


def bed_choices(session: Session, booking: Booking, first_night: date) -> list[tuple[Bed, bool]]:
    """Every bed at the hostel a stay could move to, and whether it is free from
    ``first_night`` to the stay's end (the page marks those; the service decides)."""
    beds = session.scalars(
        select(Bed).join(Room, Room.id == Bed.room_id).options(joinedload(Bed.room))
        .where(Bed.site_id == booking.site_id, Bed.id != booking.bed_id)
        .order_by(Room.name, Bed.id)).all()
    end = max(booking.ends_on, first_night + timedelta(days=1))
    taken = set(session.scalars(
        select(BedNight.bed_id).where(BedNight.site_id == booking.site_id,
                                      BedNight.night_on >= first_night,
                                      BedNight.night_on < end,
                                      BedNight.booking_id != booking.id)))
    return [(b, b.id not in taken) for b in beds
            if b.is_active_on(first_night) and b.room.is_active_on(first_night)]


def may_have(booking: Booking, room: Room) -> bool:
    """Whether the stay's resident may have a bed in ``room`` (its designation)."""
    if room.designation == "anyone":
        return True
    return booking.member is not None and rules.is_eligible_for_room(booking.member, room)


def can_arrive(booking: Booking, today: date) -> bool:
    return (booking.is_live and not booking.is_checked_in
            and booking.starts_on <= today < booking.ends_on)


def can_depart(booking: Booking, today: date) -> bool:
    return (booking.is_live and booking.is_checked_in and not booking.has_departed
            and booking.starts_on <= today)


def can_move(booking: Booking, today: date) -> bool:
    return booking.is_live and not booking.has_departed and booking.ends_on > today
