"""Writing a booking that has been decided: the short part, done under the write lock.

Deciding a booking (rules, closures, which desk or bed) only reads, so it can
happen on any snapshot, even before the write transaction: the API decides
before it queues for SQLite's single write lock, and profiling showed that
lock's hold time capping bookings per second for the whole database.

``place`` then checks that the decision still stands: the site's revision
(bumped by database triggers, in the same transaction, on any change to its
desks, beds, rooms, closures or held cells; see ``models/revision.py``) must
be the one the decision read before its facts, and the member's account must
still exist. If the revision moved on, the booking is decided again on the
current data. The guarantee against double booking stays where it always
was, in the cells' unique keys: losing a race there is a typed refusal or,
for "any desk/bed", another try somewhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from ..direct import Direct, connection_of, savepoint
from ..models import (
    Bed,
    BedNight,
    Booking,
    BookingEvent,
    BookingStatus,
    Desk,
    DeskCell,
    Site,
    SiteRevision,
    User,
    utcnow,
)
from .errors import MemberAlreadyBooked, NoLongerAvailable, NotPermitted

# Racing requests can take our pick between our look and our insert. We keep
# trying while anything is free; this caps the loop in a pathological storm.
MAX_ATTEMPTS = 64

_REVISION_OF_SITE = func.coalesce(  # no row yet: nothing has changed there
    select(SiteRevision.revision).where(SiteRevision.site_id == bindparam("site"))
    .scalar_subquery(), 0)
_REVISION = Direct(select(_REVISION_OF_SITE))
_FRESHNESS = Direct(select(
    _REVISION_OF_SITE,
    select(User.deleted_at).where(User.id == bindparam("member")).scalar_subquery(),
))


def _insert(table: Table, *columns: str, returning=None) -> Direct:
    """An INSERT of exactly these columns (a Direct statement applies no column defaults)."""
    statement = insert(table).values({name: bindparam(name) for name in columns})
    return Direct(statement if returning is None else statement.returning(returning))


_BOOKING_COLUMNS = ("member_id", "created_by_id", "site_id", "desk_id", "bed_id", "starts_on",
                    "ends_on", "part", "status", "created_at")
_INSERT_BOOKING = _insert(Booking.__table__, *_BOOKING_COLUMNS,
                          returning=Booking.__table__.c.id)
_INSERT_CELLS = {
    DeskCell.__table__.name: _insert(DeskCell.__table__, "desk_id", "held_on", "part",
                                     "site_id", "member_id", "booking_id"),
    BedNight.__table__.name: _insert(BedNight.__table__, "bed_id", "night_on", "site_id",
                                     "member_id", "booking_id"),
}
_INSERT_EVENT = _insert(BookingEvent.__table__, "booking_id", "actor_id", "kind", "detail", "at")


def site_revision(session: Session, site_id: int) -> int:
    """The site's revision; read it *before* the facts a decision rests on."""
    return _REVISION.scalar(connection_of(session), site=site_id)


class Decide(Protocol):
    def __call__(self, session: Session, *, spread: bool) -> Hold: ...


@dataclass(frozen=True)
class Hold:
    """A decided booking: what to write, and how to decide again if it is stale."""

    member: User
    site: Site
    resource: Desk | Bed
    revision: int
    row: dict  # the booking's columns
    cell_table: Table  # desk_cells or bed_nights
    cells: list[dict]  # their rows, without booking_id
    taken: str  # the refusal when the resource went to someone else
    clash: str  # the refusal when the member holds another place then
    any_resource: bool  # True: the service chose, so it may choose again
    decide_again: Decide
    none_free: str  # the refusal when every try was lost


def is_member_clash(error: IntegrityError) -> bool:
    """Did the member's own one-place-at-a-time key fail (rather than the resource's)?"""
    diag = getattr(error.orig, "diag", None)
    text = getattr(diag, "constraint_name", None) or str(error.orig)
    return "member_id" in text


def place(session: Session, hold: Hold) -> Booking:
    """Write a decided booking in the session's transaction; refusals are typed."""
    revision, deleted_at = _FRESHNESS.first(connection_of(session), site=hold.site.id,
                                            member=hold.member.id)
    if deleted_at is not None:
        raise NotPermitted("This account has been deleted.")
    for attempt in range(MAX_ATTEMPTS):
        if attempt or revision != hold.revision:
            # We lost a race (or the site changed since we looked): the others
            # who lost it too would all pick the same next desk, so spread out.
            hold = hold.decide_again(session, spread=attempt > 0)
        try:
            return _write(session, hold)
        except NoLongerAvailable:
            if not hold.any_resource:
                raise
    raise NoLongerAvailable(hold.none_free)


def _write(session: Session, hold: Hold) -> Booking:
    """Insert the booking, its cells and its history line in a SAVEPOINT."""
    now = utcnow()
    row = dict(hold.row, member_id=hold.member.id, created_by_id=hold.member.id,
               site_id=hold.site.id, status=BookingStatus.LIVE.value, created_at=now)
    try:
        connection = connection_of(session)
        # Direct statements in a SAVEPOINT of their own: nobody reads these
        # rows back through the unit of work, whose bookkeeping cost more than
        # the inserts themselves.
        with savepoint(connection, "booking_write"):
            booking_id = _INSERT_BOOKING.scalar(connection, **row)
            _INSERT_CELLS[hold.cell_table.name].execute_many(
                connection, [dict(cell, booking_id=booking_id) for cell in hold.cells])
            _INSERT_EVENT.execute(connection, booking_id=booking_id, actor_id=hold.member.id,
                                  kind="created", detail="", at=now)
    except IntegrityError as error:
        if is_member_clash(error):
            raise MemberAlreadyBooked(hold.clash) from None
        raise NoLongerAvailable(hold.taken) from None
    return _as_loaded(session, hold, dict(row, id=booking_id))


def _as_loaded(session: Session, hold: Hold, row: dict) -> Booking:
    """The row just inserted, as a persistent Booking, without reading it back.

    Every column is set, and the relationships come from objects in hand, so
    the object is exactly what a query would have loaded and nothing on it
    lazy-loads (but its history, which loads on first use as usual).
    """
    booking = Booking(**row, cancelled_at=None, cancelled_by_id=None, cancel_reason=None,
                      conflict=None, member=hold.member, site=hold.site)
    if isinstance(hold.resource, Desk):
        booking.desk, booking.bed = hold.resource, None
    else:
        booking.desk, booking.bed = None, hold.resource
    make_transient_to_detached(booking)
    session.add(booking)
    return booking
