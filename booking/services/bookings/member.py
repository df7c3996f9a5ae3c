"""A member's bookings: listing them, finding one, and cancelling (the record stays)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from ...clock import now_in_kerala
from ...models import (BedNight, Booking, BookingEvent, BookingStatus, DayPart, DeskCell, Site,
                      User, utcnow)
from . import rules
from ..notices import bookings as notices
from ..errors import AlreadyCancelled, BookingError, NotFound, NotPermitted
from ..accounts.permissions import can_manage_site
from .waitlist import fill_after_freeing
from ..messages import Text, _


def cancel_booking(session: Session, booking: Booking, actor: User, *,
                   reason: str | None = None, now: datetime | None = None) -> Booking:
    """Cancel a live booking: free its cells, keep the record (who, when, why); tell the member."""
    now = now or now_in_kerala()
    is_owner = booking.member_id == actor.id
    is_staff = can_manage_site(actor, booking.site)
    if not (is_owner or is_staff):
        raise NotFound(_("No such booking."))
    if not booking.is_live:
        raise AlreadyCancelled(_("This booking is already cancelled."))
    if not is_staff:
        rules.check_member_may_cancel(booking, now)
    elif booking.ends_on <= now.date():
        raise NotPermitted(_("This booking is in the past and cannot be cancelled."))
    session.execute(delete(DeskCell).where(DeskCell.booking_id == booking.id))
    session.execute(delete(BedNight).where(BedNight.booking_id == booking.id))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    booking.cancelled_by_id = actor.id
    booking.cancel_reason = reason or ("Cancelled by the member" if is_owner
                                       else "Cancelled by staff")
    booking.conflict = None
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="cancelled",
                             detail=booking.cancel_reason))
    session.flush()
    notices.booking_cancelled(session, booking, by_staff=not is_owner)
    # The first in line gets the freed place before anyone else can take it.
    fill_after_freeing(session, booking, booking.starts_on, booking.last_day_on, now=now)
    return booking


def get_held_at_site(session: Session, member: User, site: Site, first: date,
                     last: date) -> frozenset[tuple[date, str | None]]:
    """What the member holds at a site, first to last: (day, half) of desks, (night, None) of beds.

    For the site's calendar, which says "booked by you" in words (not colour alone).
    """
    bookings = session.scalars(select(Booking).where(
        Booking.member_id == member.id, Booking.site_id == site.id,
        Booking.status == BookingStatus.LIVE, Booking.starts_on <= last, Booking.ends_on > first))
    held: set[tuple[date, str | None]] = set()
    for booking in bookings:
        if booking.part:
            held.update((booking.starts_on, half) for half in DayPart(booking.part).cells)
        else:
            held.update((booking.starts_on + timedelta(days=n), None)
                        for n in range(booking.nights))
    return frozenset(held)


def is_cancellable_by_member(booking: Booking, now: datetime) -> bool:
    """Whether the member may still cancel this booking themselves (the cut-off rule)."""
    return get_cancel_refusal(booking, now) is None


def get_cancel_refusal(booking: Booking, now: datetime) -> Text | None:
    """The reason a member cannot cancel, for the confirmation page; None when they can."""
    if not booking.is_live:
        return _("This booking is already cancelled.")
    try:
        rules.check_member_may_cancel(booking, now)
    except BookingError as error:
        return error.text
    return None



def get_member_bookings(session: Session, member: User, *, upcoming: bool | None = None,
                        today: date | None = None) -> list[Booking]:
    """A member's bookings: upcoming soonest first, or past most recent first."""
    query = select(Booking).options(
        joinedload(Booking.site), joinedload(Booking.desk), joinedload(Booking.bed)
    ).where(Booking.member_id == member.id)
    today = today or now_in_kerala().date()
    if upcoming is True:
        query = query.where(Booking.ends_on > today).order_by(Booking.starts_on, Booking.id)
    elif upcoming is False:
        query = query.where(Booking.ends_on <= today).order_by(Booking.starts_on.desc(),
                                                               Booking.id)
    else:
        query = query.order_by(Booking.starts_on.desc(), Booking.id)
    return list(session.scalars(query).unique())
