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

from ..models import (
    Bed,
    Booking,
    BookingEvent,
    BookingStatus,
    Desk,
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
_REVISION = select(_REVISION_OF_SITE)
_FRESHNESS = select(
    _REVISION_OF_SITE,
    select(User.deleted_at).where(User.id == bindparam("member")).scalar_subquery(),
)
_INSERT_BOOKING = insert(Booking.__table__).returning(Booking.__table__.c.id)
_INSERT_EVENT = insert(BookingEvent.__table__)


def site_revision(session: Session, site_id: int) -> int:
    """The site's revision; read it *before* the facts a decision rests on."""
    # On the connection: a Core statement through the session costs twice as much.
    return session.connection().execute(_REVISION, {"site": site_id}).scalar_one()


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
    revision, deleted_at = session.connection().execute(
        _FRESHNESS, {"site": hold.site.id, "member": hold.member.id}).one()
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
        connection = session.connection()
        # A SAVEPOINT on the connection itself (the session's own kind cost
        # twice as much), around Core statements only: nobody reads these rows
        # back through the unit of work, whose bookkeeping cost more than the
        # inserts themselves.
        with connection.begin_nested():
            booking_id = connection.execute(_INSERT_BOOKING, row).scalar_one()
            connection.execute(insert(hold.cell_table),
                               [dict(cell, booking_id=booking_id) for cell in hold.cells])
            connection.execute(_INSERT_EVENT, {
                "booking_id": booking_id, "actor_id": hold.member.id, "kind": "created",
                "detail": "", "at": now})
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
