"""Booking a desk or a bed: check the rules, pick a free place, insert, let the keys decide.

``book`` is the one way a booking is made, from the web pages, the API and
the CLI alike. It runs in the caller's transaction (the request's, which
begins with ``BEGIN IMMEDIATE`` on SQLite, so writers queue instead of
racing) and never commits.

The promise against double booking is not the free-place query: it is the
primary keys of the cells (``models/booking.py``). Each try inserts the
booking and its cells in a SAVEPOINT; when a racing transaction got there
first the savepoint is rolled back and, if the member asked for *any* desk
or bed, another free one is tried. The friendly checks before the insert
only make the common refusals read well.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ...clock import now_in_kerala
from .no_shows import check_no_show_limit
from ...models import (
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
    SiteRevision,
    StayKind,
    User,
)
from . import rules
from ..accounts.policies import check_policies_accepted
from ..accounts.verification import RESEND_PATH as VERIFY_RESEND_PATH
from ..notices.settings import mail_settings
from ..notices import bookings as notices
from ..dates import part_name
from ..errors import MemberAlreadyBooked, NoLongerAvailable, NotFound, NotPermitted, SiteClosedOn
from ..messages import Text, _

# Each lost race means someone else took a place; we try again while any is
# free. The cap only stops a pathological storm from looping for ever.
MAX_ATTEMPTS = 32


@dataclass(frozen=True)
class DeskRequest:
    """A desk for one part of one day; ``desk_label`` None means any free desk."""

    site: Site
    day: date
    part: DayPart
    desk_label: str | None = None


@dataclass(frozen=True)
class StayRequest:
    """A bed from check-in to check-out (exclusive); ``bed_label`` None means any suitable bed.

    A monthly stay (``monthly``) is the same request with its months (None:
    open-ended); ``services/bookings/stays.py`` works out its check-out.
    """

    site: Site
    check_in: date
    check_out: date
    bed_label: str | None = None
    monthly: bool = False
    months: int | None = None


def book(session: Session, member: User, request: DeskRequest | StayRequest, *,
         now: datetime | None = None, confirm: bool = True) -> Booking:
    """Book what the request asks for, or raise the typed refusal a person can act on.

    The member's confirmation (``confirm``; demo seeding says no) goes into the
    outbox in the same transaction.
    """
    now = now or now_in_kerala()
    if member.is_deleted:
        raise NotPermitted(_("This account has been deleted."))
    rules.check_email_verified(member, mail_settings(session).link(VERIFY_RESEND_PATH))
    plan = _plan_desk(session, member, request, now) if isinstance(request, DeskRequest) \
        else _plan_stay(session, member, request, now)
    for attempt in range(MAX_ATTEMPTS):
        # After a lost race every loser would pick the same next place, so spread out.
        place = plan.pick(session, spread=attempt > 0)
        if place is None:
            raise NoLongerAvailable(plan.none_free)
        try:
            booking = _insert(session, member, plan, place)
        except NoLongerAvailable:
            if plan.named:
                raise
            continue
        if confirm:
            notices.booking_confirmed(session, booking, member)
        return booking
    raise NoLongerAvailable(plan.none_free)


def book_desk(session: Session, member: User, site: Site, day: date, part: DayPart,
              desk_label: str | None = None, *, now: datetime | None = None,
              confirm: bool = True) -> Booking:
    """Book a named desk, or the best free one, for a day part."""
    return book(session, member, DeskRequest(site, day, part, desk_label), now=now,
                confirm=confirm)


def book_bed(session: Session, member: User, site: Site, check_in: date, check_out: date,
             bed_label: str | None = None, *, now: datetime | None = None,
             confirm: bool = True) -> Booking:
    """Book a named bed, or a suitable free one, from check-in to check-out (exclusive)."""
    return book(session, member, StayRequest(site, check_in, check_out, bed_label), now=now,
                confirm=confirm)


# ---------------------------------------------------------------- plans

@dataclass(frozen=True)
class _Plan:
    """A checked request: how to pick a place, the cells it holds, and the refusals."""

    site: Site
    starts_on: date
    ends_on: date
    part: DayPart | None
    named: Desk | Bed | None  # the place the member asked for by label
    pick_free: Callable[[Session, bool], Desk | Bed | None]
    none_free: Text
    clash: Text
    stay_kind: StayKind = StayKind.NIGHTLY
    months: int | None = None

    def pick(self, session: Session, *, spread: bool) -> Desk | Bed | None:
        return self.named if self.named is not None else self.pick_free(session, spread)


def _plan_desk(session: Session, member: User, request: DeskRequest, now: datetime) -> _Plan:
    site, day, part = request.site, request.day, request.part
    rules.check_desk_request(site, day, part, now)
    check_no_show_limit(session, member, site, day, now)
    check_site_not_closed(session, site, day, day)
    clash = _desk_clash_message(day, part)
    named = None
    if request.desk_label is not None:
        # Checked first so that "you are already booked" wins over "that desk is taken".
        if session.scalar(select(exists().where(
                DeskCell.member_id == member.id, DeskCell.held_on == day,
                DeskCell.part.in_(part.cells)))):
            raise MemberAlreadyBooked(clash)
        named = session.scalar(select(Desk).where(Desk.site_id == site.id,
                                                  Desk.label == request.desk_label))
        if named is None or not named.is_active_on(day):
            raise NotFound(_("%(site)s has no desk labelled %(desk_label)s.",
                             site=site.name, desk_label=repr(request.desk_label)))

    def pick_free(session: Session, spread: bool) -> Desk | None:
        if spread:
            free = get_free_desks(session, site, day, part)
            return random.choice(free) if free else None
        return _usual_or_first_free_desk(session, member, site, day, part)

    return _Plan(site, day, day + timedelta(days=1), part, named, pick_free,
                 none_free=_("No desk is free at %(site)s on %(day)s (%(part)s).",
                             site=site.name, day=day, part=part_name(part)),
                 clash=clash)


def _plan_stay(session: Session, member: User, request: StayRequest, now: datetime) -> _Plan:
    site, check_in, check_out = request.site, request.check_in, request.check_out
    if request.monthly:
        rules.check_monthly_request(site, request.months)
        check_policies_accepted(session, member)  # consent before the first monthly stay
    rules.check_stay_request(site, check_in, check_out, now, monthly=request.monthly)
    last_night = check_out - timedelta(days=1)
    check_site_not_closed(session, site, check_in, last_night)
    clash = _("You already have a bed booked for a night between %(check_in)s"
              " and %(check_out)s.", check_in=check_in, check_out=check_out)
    if session.scalar(select(exists().where(
            BedNight.member_id == member.id, BedNight.night_on >= check_in,
            BedNight.night_on < check_out))):
        raise MemberAlreadyBooked(clash)
    named = None
    if request.bed_label is not None:
        named = session.scalar(select(Bed).options(joinedload(Bed.room))
                               .where(Bed.site_id == site.id, Bed.label == request.bed_label))
        if named is None or not (named.is_active_on(check_in) and named.is_active_on(last_night)):
            raise NotFound(_("%(site)s has no bed labelled %(bed_label)s.",
                             site=site.name, bed_label=repr(request.bed_label)))
        rules.check_room_eligibility(member, named.room)
        _check_room_open(session, named.room, check_in, last_night)

    def pick_free(session: Session, spread: bool) -> Bed | None:
        return _first_free_bed(session, member, site, check_in, check_out, spread=spread)

    return _Plan(site, check_in, check_out, None, named, pick_free,
                 none_free=_("No suitable bed is free at %(site)s for every night from"
                             " %(check_in)s to %(check_out)s.",
                             site=site.name, check_in=check_in, check_out=check_out),
                 clash=clash,
                 stay_kind=StayKind.MONTHLY if request.monthly else StayKind.NIGHTLY,
                 months=request.months)


def _desk_clash_message(day: date, part: DayPart) -> Text:
    if part is DayPart.FULL:
        return _("You already have a desk booked that day (%(day)s).", day=day)
    return _("You already have a desk booked that %(part)s (%(day)s).",
             day=day, part=part_name(part))


# ---------------------------------------------------------------- the insert

def _insert(session: Session, member: User, plan: _Plan, place: Desk | Bed) -> Booking:
    """Insert the booking, its cells and its history line; the cells' keys decide."""
    is_desk = isinstance(place, Desk)
    # Ids, not relationships: a rolled-back savepoint must leave nothing
    # attached to objects that outlive it.
    booking = Booking(member_id=member.id, created_by_id=member.id, site_id=plan.site.id,
                      desk_id=place.id if is_desk else None,
                      bed_id=None if is_desk else place.id,
                      starts_on=plan.starts_on, ends_on=plan.ends_on,
                      part=plan.part.value if plan.part else None, status=BookingStatus.LIVE,
                      stay_kind=plan.stay_kind.value, months=plan.months)
    try:
        with session.begin_nested():
            session.add(booking)
            session.flush()
            _hold_site_revision(session, plan.site)
            # The cells and the history line are only written, never read back
            # here: ORM bulk INSERTs (one multi-row statement), no unit of work.
            table, rows = _cells(booking, plan, place)
            session.execute(insert(table), rows)
            session.execute(insert(BookingEvent), [
                {"booking_id": booking.id, "actor_id": member.id, "kind": "created"}])
            _check_still_open(session, plan, place)
    except IntegrityError as error:
        if _is_member_clash(error):
            raise MemberAlreadyBooked(plan.clash) from None
        what = (_("Desk %(label)s", label=place.label) if is_desk
                else _("Bed %(label)s", label=place.label))
        raise NoLongerAvailable(_("%(what)s is no longer available for %(starts_on)s.",
                                  what=what, starts_on=plan.starts_on)) from None
    # The booking stands: hand it its loaded site, member and place (SQLAlchemy's
    # public set_committed_value), so whoever shows it does not load them again.
    for name, value in (("site", plan.site), ("member", member),
                        ("desk" if is_desk else "bed", place)):
        set_committed_value(booking, name, value)
    return booking


def _hold_site_revision(session: Session, site: Site) -> None:
    """PostgreSQL: take the site's revision row before inserting cells, not after.

    The cells' insert trigger updates that row (models/revision.py), so a
    transaction holds it from its first cells to its commit anyway. Taking it
    first puts every booking at a site in the same lock order: without this a
    transaction booking several days (a weekly series) could wait on a racer's
    uncommitted cell while the racer waits on the row it holds: a deadlock.
    SQLite already runs one writer at a time.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(SiteRevision.site_id)
                        .where(SiteRevision.site_id == site.id).with_for_update())


def _check_still_open(session: Session, plan: _Plan, place: Desk | Bed) -> None:
    """Check the site and the place again, now that the cells hold the site's revision row.

    A closure or a retirement bumps that row too (database triggers). On
    PostgreSQL one committed while we decided is visible from here on, and one
    not yet committed must wait for us and then sees this booking; on SQLite
    the write lock already kept them out. A retired place is lost like a taken one.
    """
    last_day = plan.ends_on - timedelta(days=1)
    check_site_not_closed(session, plan.site, plan.starts_on, last_day)
    session.refresh(place, ["retired_on"])
    if not (place.is_active_on(plan.starts_on) and place.is_active_on(last_day)):
        raise NoLongerAvailable(_("%(place_label)s is no longer in service then.",
                                  place_label=place.label))
    if isinstance(place, Bed):
        _check_room_open(session, place.room, plan.starts_on, last_day)


def _cells(booking: Booking, plan: _Plan, place: Desk | Bed) -> tuple[type, list[dict]]:
    """The cells the booking holds: desk half-days or bed nights, as rows."""
    common = {"site_id": booking.site_id, "member_id": booking.member_id,
              "booking_id": booking.id}
    if plan.part is not None:
        return DeskCell, [dict(desk_id=place.id, held_on=plan.starts_on, part=half, **common)
                          for half in plan.part.cells]
    nights = (plan.ends_on - plan.starts_on).days
    return BedNight, [dict(bed_id=place.id, night_on=plan.starts_on + timedelta(days=n),
                           **common) for n in range(nights)]


def _is_member_clash(error: IntegrityError) -> bool:
    """Did the member's one-place-at-a-time key fail (rather than the place's own)?"""
    diag = getattr(error.orig, "diag", None)
    text = getattr(diag, "constraint_name", None) or str(error.orig)
    return "member_id" in text


# ---------------------------------------------------------------- what is free

def check_site_not_closed(session: Session, site: Site, first: date, last: date) -> None:
    """Refuse dates a site-wide closure covers, naming the first such closure."""
    closure = session.scalars(
        select(Closure)
        .where(Closure.site_id == site.id, Closure.room_id.is_(None),
               Closure.overlapping(first, last))
        .order_by(Closure.starts_on).limit(1)
    ).first()
    if closure is not None:
        if closure.reason:
            raise SiteClosedOn(_("%(site)s is closed from %(starts_on)s to %(ends_on)s"
                                 " (%(reason)s).", site=site.name, starts_on=closure.starts_on,
                                 ends_on=closure.ends_on, reason=closure.reason))
        raise SiteClosedOn(_("%(site)s is closed from %(starts_on)s to %(ends_on)s.",
                             site=site.name, starts_on=closure.starts_on,
                             ends_on=closure.ends_on))


def _free_desks_query(site: Site, day: date, part: DayPart):
    """Desks in service that day and free for every half of the part."""
    held = exists().where(DeskCell.desk_id == Desk.id, DeskCell.held_on == day,
                          DeskCell.part.in_(part.cells))
    return select(Desk).where(Desk.site_id == site.id,
                              or_(Desk.retired_on.is_(None), Desk.retired_on > day), ~held)


def get_free_desks(session: Session, site: Site, day: date, part: DayPart) -> list[Desk]:
    """Desks free for the whole part, by zone then id."""
    return list(session.scalars(_free_desks_query(site, day, part).order_by(Desk.zone, Desk.id)))


def _usual_or_first_free_desk(session: Session, member: User, site: Site, day: date,
                              part: DayPart) -> Desk | None:
    """People like their usual desk: the one they booked here last, else the first free."""
    usual = (select(Booking.desk_id)
             .where(Booking.member_id == member.id, Booking.site_id == site.id,
                    Booking.desk_id.is_not(None))
             .order_by(Booking.id.desc()).limit(1).scalar_subquery())
    return _first_unclaimed(session, _free_desks_query(site, day, part).order_by(
        case((Desk.id == usual, 0), else_=1), Desk.zone, Desk.id).limit(1), Desk)


def _check_room_open(session: Session, room: Room, first: date, last: date) -> None:
    if session.scalar(select(exists().where(Closure.room_id == room.id,
                                            Closure.overlapping(first, last)))):
        raise SiteClosedOn(_("Room %(room)s is closed for some of those nights.", room=room.name))


def _free_beds_query(site: Site, check_in: date, check_out: date, member: User | None):
    """Beds free every night of the stay, in rooms open then (and suitable for the member)."""
    last_night = check_out - timedelta(days=1)
    taken = exists().where(BedNight.bed_id == Bed.id, BedNight.night_on >= check_in,
                           BedNight.night_on < check_out)
    room_closed = exists().where(Closure.room_id == Bed.room_id,
                                 Closure.overlapping(check_in, last_night))
    query = (select(Bed).join(Room, Room.id == Bed.room_id).options(contains_eager(Bed.room))
             .where(Bed.site_id == site.id,
                    or_(Bed.retired_on.is_(None), Bed.retired_on >= check_out),
                    ~taken, ~room_closed))
    if member is not None:
        query = query.where(rules.rooms_eligible_for(member))
    return query


# Fill single-gender rooms before shared ones, keeping "anyone" beds for
# those who need them; then in order of rooms.
_BED_ORDER = (Room.designation == "anyone", Room.id, Bed.id)


def get_free_beds(session: Session, site: Site, check_in: date, check_out: date, *,
                  member: User | None = None) -> list[Bed]:
    """Beds free every night of the stay, in rooms open then and suitable for the member."""
    return list(session.scalars(
        _free_beds_query(site, check_in, check_out, member).order_by(*_BED_ORDER)))


def _first_free_bed(session: Session, member: User, site: Site, check_in: date,
                    check_out: date, *, spread: bool) -> Bed | None:
    """The bed "any bed" gets: the first in order, or (after a lost race) any at random."""
    query = _free_beds_query(site, check_in, check_out, member)
    if spread:
        return session.scalars(query.order_by(func.random()).limit(1)).first()
    return _first_unclaimed(session, query.order_by(*_BED_ORDER).limit(1), Bed)


def _first_unclaimed(session: Session, first_free, model):
    """The first free place that no racing transaction is booking right now.

    On PostgreSQL, ``FOR UPDATE SKIP LOCKED`` lets concurrent "any" requests
    each take a different place instead of all queueing for the first one and
    losing it. If every free place is being booked by someone, the plain query
    (without the lock) lets the cells' keys decide as usual. SQLite has one
    writer at a time, ignores the clause and so needs the query only once.
    """
    if session.get_bind().dialect.name == "sqlite":
        return session.scalars(first_free).first()
    unclaimed = session.scalars(first_free.with_for_update(skip_locked=True, of=model)).first()
    return unclaimed if unclaimed is not None else session.scalars(first_free).first()
