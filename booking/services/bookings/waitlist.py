"""Waitlists: wait for a full desk day part or hostel stay, and be booked when one frees.

``fill_waitlist`` is called in the transaction that frees places (a
cancellation, an early ending, a no-show release, capacity added, a closure
removed). It books waiting entries oldest first through ``book()``, each in
a SAVEPOINT, so a refused fill (the member is booked elsewhere by now, no
longer eligible) rolls back alone and the freeing change stands. Nobody can
take the freed place in between: it is booked before the freeing commits.

Joins and fills at a site queue on the site's revision row (the row the
cells' triggers bump): on PostgreSQL a join either sees the place a
concurrent cancellation freed (and is told to book it) or is seen by that
cancellation's fill. SQLite has one writer at a time already.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ...clock import now_in_kerala
from ...models import (
    Bed,
    BedNight,
    Booking,
    DayPart,
    DeskCell,
    Room,
    Site,
    SiteRevision,
    User,
    WaitlistEntry,
    WaitlistStatus,
)
from ..dates import part_name
from ..errors import (
    AlreadyBookedThen,
    AlreadyWaiting,
    BookingError,
    InPast,
    NotEligible,
    NotFound,
    NotPermitted,
    PlaceIsFree,
    RuleViolation,
)
from ..notices.notify import notify
from . import rules
from .book import (
    DeskRequest,
    StayRequest,
    book,
    check_site_not_closed,
    get_free_beds,
    get_free_desks,
)
from ..messages import _

# An entry's status as a sentence names it ("it is filled").
STATUS_WORDS = {"waiting": _("waiting"), "filled": _("filled"), "left": _("left"),
                "expired": _("expired")}


@dataclass(frozen=True)
class WaitlistPlace:
    """A member's waiting entry and their place in line (1 = next)."""

    entry: WaitlistEntry
    position: int


# ---------------------------------------------------------------- joining and leaving

def join_waitlist(session: Session, member: User, request: DeskRequest | StayRequest,
                  now: datetime | None = None) -> WaitlistEntry:
    """Wait for a full desk day part or stay; refused when a suitable place is free."""
    now = now or now_in_kerala()
    if member.is_deleted:
        raise NotPermitted(_("This account has been deleted."))
    site = request.site
    _queue_behind_changes(session, site)
    if isinstance(request, DeskRequest):
        entry = _check_desk_join(session, member, request, now)
    else:
        entry = _check_stay_join(session, member, request, now)
    entry.created_at = now.astimezone(timezone.utc)
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        raise AlreadyWaiting(_("You are already on the waitlist for that.")) from None
    return entry


def _check_desk_join(session: Session, member: User, request: DeskRequest,
                     now: datetime) -> WaitlistEntry:
    site, day, part = request.site, request.day, request.part
    rules.check_desk_request(site, day, part, now)
    check_site_not_closed(session, site, day, day)
    if session.scalar(select(exists().where(DeskCell.member_id == member.id,
                                            DeskCell.held_on == day,
                                            DeskCell.part.in_(part.cells)))):
        raise AlreadyBookedThen(_("You already have a desk booked then (%(day)s, %(part)s).",
                                  day=day, part=part_name(part)))
    if get_free_desks(session, site, day, part):
        raise PlaceIsFree(_("A desk is free at %(site)s on %(day)s (%(part)s): book it instead.",
                            site=site.name, day=day, part=part_name(part)))
    _check_not_waiting(session, member, site, day, day + timedelta(days=1), part.value)
    return WaitlistEntry(member_id=member.id, site_id=site.id, kind="desk", starts_on=day,
                         ends_on=day + timedelta(days=1), part=part.value,
                         status=WaitlistStatus.WAITING)


def _check_stay_join(session: Session, member: User, request: StayRequest,
                     now: datetime) -> WaitlistEntry:
    site, check_in, check_out = request.site, request.check_in, request.check_out
    rules.check_stay_request(site, check_in, check_out, now)
    check_site_not_closed(session, site, check_in, check_out - timedelta(days=1))
    if session.scalar(select(exists().where(BedNight.member_id == member.id,
                                            BedNight.night_on >= check_in,
                                            BedNight.night_on < check_out))):
        raise AlreadyBookedThen(_("You already have a bed booked for a night between %(check_in)s"
                                  " and %(check_out)s.",
                                  check_in=check_in, check_out=check_out))
    if not _has_eligible_bed(session, member, site, check_in, check_out):
        raise NotEligible(_("No room at %(site)s is designated for you. Hostel staff grant"
                            " women's or men's rooms: ask on your account page.",
                            site=site.name))
    if get_free_beds(session, site, check_in, check_out, member=member):
        raise PlaceIsFree(_("A bed is free at %(site)s for every night from %(check_in)s to"
                            " %(check_out)s: book it instead.",
                            site=site.name, check_in=check_in, check_out=check_out))
    _check_not_waiting(session, member, site, check_in, check_out, None)
    return WaitlistEntry(member_id=member.id, site_id=site.id, kind="bed", starts_on=check_in,
                         ends_on=check_out, part=None, status=WaitlistStatus.WAITING)


def _has_eligible_bed(session: Session, member: User, site: Site, check_in: date,
                      check_out: date) -> bool:
    """Is any bed in service for the stay in a room the member may use (free or not)?"""
    return bool(session.scalar(select(exists().where(
        Bed.site_id == site.id, Bed.room_id == Room.id, rules.rooms_eligible_for(member),
        or_(Bed.retired_on.is_(None), Bed.retired_on >= check_out)))))


def _check_not_waiting(session: Session, member: User, site: Site, starts_on: date,
                       ends_on: date, part: str | None) -> None:
    # The partial unique indexes decide; this only makes the usual case read well.
    if session.scalar(select(exists().where(
            WaitlistEntry.member_id == member.id, WaitlistEntry.site_id == site.id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
            WaitlistEntry.starts_on == starts_on, WaitlistEntry.ends_on == ends_on,
            WaitlistEntry.part.is_(None) if part is None else WaitlistEntry.part == part))):
        raise AlreadyWaiting(_("You are already on the waitlist for that."))


def leave_waitlist(session: Session, member: User, entry: WaitlistEntry, *,
                   now: datetime | None = None) -> WaitlistEntry:
    """Stop waiting (the entry stays as the record)."""
    if entry.member_id != member.id:
        raise NotFound(_("No such waitlist entry."))
    if not entry.is_waiting:
        raise RuleViolation(_("This entry is no longer waiting (it is %(status)s).",
                              status=STATUS_WORDS.get(entry.status, entry.status)))
    _close(entry, WaitlistStatus.LEFT, now or now_in_kerala())
    session.flush()
    return entry


def get_entry(session: Session, member: User, entry_id: int) -> WaitlistEntry:
    """The member's own entry; anyone else's is not found."""
    entry = session.get(WaitlistEntry, entry_id) if 0 < entry_id < 2**31 else None
    if entry is None or entry.member_id != member.id:
        raise NotFound(_("You have no waitlist entry with id %(entry_id)s.", entry_id=entry_id))
    return entry


# ---------------------------------------------------------------- what members and staff see

def _competes_with(entry: WaitlistEntry):
    """Waiting entries that want some of the same place and time as ``entry``."""
    same = and_(WaitlistEntry.site_id == entry.site_id, WaitlistEntry.kind == entry.kind,
                WaitlistEntry.status == WaitlistStatus.WAITING)
    if entry.is_desk:
        parts = {p.value for p in DayPart if set(p.cells) & set(DayPart(entry.part).cells)}
        return and_(same, WaitlistEntry.starts_on == entry.starts_on,
                    WaitlistEntry.part.in_(sorted(parts)))
    return and_(same, WaitlistEntry.starts_on < entry.ends_on,
                WaitlistEntry.ends_on > entry.starts_on)


def get_position(session: Session, entry: WaitlistEntry) -> int:
    """1 + the waiting entries before this one for some of the same place and time."""
    earlier = or_(WaitlistEntry.created_at < entry.created_at,
                  and_(WaitlistEntry.created_at == entry.created_at,
                       WaitlistEntry.id < entry.id))
    return 1 + (session.scalar(select(func.count()).where(
        _competes_with(entry), earlier)) or 0)


def get_member_entries(session: Session, member: User, *,
                       today: date | None = None) -> list[WaitlistPlace]:
    """A member's waiting entries still ahead, soonest first, with their positions."""
    today = today or now_in_kerala().date()
    entries = session.scalars(
        select(WaitlistEntry).options(joinedload(WaitlistEntry.site))
        .where(WaitlistEntry.member_id == member.id,
               WaitlistEntry.status == WaitlistStatus.WAITING,
               WaitlistEntry.starts_on >= today)
        .order_by(WaitlistEntry.starts_on, WaitlistEntry.id))
    return [WaitlistPlace(e, get_position(session, e)) for e in entries]


def get_waiting_counts(session: Session, site: Site, day: date) -> dict[str, int]:
    """How many wait at a site on a day: by part for a centre, 'nights' for a hostel."""
    query = select(WaitlistEntry.part, func.count()).where(
        WaitlistEntry.site_id == site.id, WaitlistEntry.status == WaitlistStatus.WAITING,
        WaitlistEntry.starts_on <= day, WaitlistEntry.ends_on > day
    ).group_by(WaitlistEntry.part)
    counts: Counter[str] = Counter()
    for part, count in session.execute(query):
        counts[part or "nights"] += count
    return dict(counts)


def get_waiting_by_site(session: Session, first: date, last: date,
                        site_ids: list[int] | None = None) -> dict[int, int]:
    """Waiting entries touching first..last, per site id: the demand signal for staff."""
    query = select(WaitlistEntry.site_id, func.count()).where(
        WaitlistEntry.status == WaitlistStatus.WAITING,
        WaitlistEntry.starts_on <= last, WaitlistEntry.ends_on > first
    ).group_by(WaitlistEntry.site_id)
    if site_ids is not None:
        query = query.where(WaitlistEntry.site_id.in_(site_ids))
    return {site_id: count for site_id, count in session.execute(query)}


# ---------------------------------------------------------------- filling

def fill_waitlist(session: Session, site: Site, first_day: date, last_day: date, *,
                  now: datetime) -> list[Booking]:
    """Book the waiting entries at a site that touch first_day..last_day, oldest first.

    Call it in the transaction that freed places there. Each fill goes through
    ``book()`` in a SAVEPOINT; a refused one rolls back alone and the entry
    keeps waiting. Entries whose time has passed expire. Returns the bookings made.
    """
    _queue_behind_changes(session, site)
    query = (select(WaitlistEntry).options(joinedload(WaitlistEntry.member))
             .where(WaitlistEntry.site_id == site.id,
                    WaitlistEntry.status == WaitlistStatus.WAITING,
                    WaitlistEntry.starts_on <= last_day, WaitlistEntry.ends_on > first_day)
             .order_by(WaitlistEntry.created_at, WaitlistEntry.id))
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(of=WaitlistEntry)
    made = []
    for entry in session.scalars(query).unique().all():
        booking = _try_fill(session, site, entry, now)
        if booking is not None:
            made.append(booking)
    return made


def _try_fill(session: Session, site: Site, entry: WaitlistEntry, now: datetime) -> Booking | None:
    if entry.starts_on < now.date():
        _close(entry, WaitlistStatus.EXPIRED, now)
        return None
    request = (DeskRequest(site, entry.starts_on, DayPart(entry.part)) if entry.is_desk
               else StayRequest(site, entry.starts_on, entry.ends_on))
    try:
        with session.begin_nested():
            # One mail for it: "a place came free" (below), not a plain confirmation too.
            booking = book(session, entry.member, request, now=now, confirm=False)
            booking.source = "waitlist"
            session.flush()
    except InPast:
        _close(entry, WaitlistStatus.EXPIRED, now)
        return None
    except BookingError:
        return None  # nothing fits this member now: they keep their place in line
    _close(entry, WaitlistStatus.FILLED, now)
    entry.booking_id = booking.id
    session.flush()
    _notify_filled(session, entry, booking)
    return booking


def _notify_filled(session: Session, entry: WaitlistEntry, booking: Booking) -> None:
    site = booking.site
    notify(session, entry.member, kind="waitlist_filled", template="waitlist_filled",
           subject=_("You are booked at %(site)s: a place came free", site=site.name),
           context={"booking": booking, "site": site,
                    "place": (_("Desk %(label)s", label=booking.desk.label) if booking.is_desk
                              else _("Bed %(label)s", label=booking.bed.label)),
                    "booking_path": f"/bookings/{booking.id}"},
           dedupe_key=f"waitlist_filled:{entry.id}")


def fill_after_freeing(session: Session, booking: Booking, first_day: date, last_day: date, *,
                       now: datetime) -> list[Booking]:
    """After a booking gave places back: fill its site, then the member's own entries elsewhere.

    The member's entries at other sites may have been refused while this
    booking held them (one place at a time); now they may fit.
    """
    made = fill_waitlist(session, booking.site, first_day, last_day, now=now)
    if booking.member_id is None:
        return made
    other_sites = session.scalars(
        select(Site).where(Site.id != booking.site_id, Site.id.in_(
            select(WaitlistEntry.site_id).where(
                WaitlistEntry.member_id == booking.member_id,
                WaitlistEntry.status == WaitlistStatus.WAITING,
                WaitlistEntry.starts_on <= last_day, WaitlistEntry.ends_on > first_day)))
        .order_by(Site.id)).all()
    for site in other_sites:
        made += fill_waitlist(session, site, first_day, last_day, now=now)
    return made


def fill_site_ahead(session: Session, site: Site, *, now: datetime) -> list[Booking]:
    """After capacity was added or dates reopened at a site: fill every entry still ahead."""
    today = now.date()
    return fill_waitlist(session, site, today, today + timedelta(days=site.advance_days + 366),
                         now=now)


def expire_passed_entries(session: Session, now: datetime | None = None) -> int:
    """Entries still waiting for a day that has passed expire (the worker's periodic task)."""
    now = now or now_in_kerala()
    result = session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.status == WaitlistStatus.WAITING,
               WaitlistEntry.starts_on < now.date())
        .values(status=WaitlistStatus.EXPIRED, closed_at=now.astimezone(timezone.utc))
        .execution_options(synchronize_session=False))
    return result.rowcount


def _close(entry: WaitlistEntry, status: WaitlistStatus, now: datetime) -> None:
    entry.status = status
    entry.closed_at = now.astimezone(timezone.utc)


def _queue_behind_changes(session: Session, site: Site) -> None:
    """Take the site's revision row (PostgreSQL): joins and fills here go one at a time."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(SiteRevision.site_id).where(SiteRevision.site_id == site.id)
                        .with_for_update())
