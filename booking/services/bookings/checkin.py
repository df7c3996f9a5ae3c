"""Check-in at a centre and the no-show release (no Flask).

A centre posts a QR code at its entrance. It encodes a URL with a code that is
an HMAC of the site and the Kerala date, so it changes every day, belongs to
one site and cannot be made up without the app's secret. A member who scans it
checks in the booking they hold there for the day part now; staff can check a
member in from the day sheet.

A site with ``no_show_after_minutes`` set releases a desk booking that is not
checked in that long after its part starts: status ``no_show`` (the record
stays, like a cancellation), its cells freed for others, the member told.
Both check-in and release change a booking with a conditional UPDATE (``WHERE
status = 'live' AND checked_in_at IS NULL``) and act only when it changed one
row, so two workers, or a worker and a member at the door, never both win.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from ...models import Booking, BookingEvent, BookingStatus, DayPart, DeskCell, Site, User
from ..accounts.permissions import can_manage_site
from ..admin import audit
from .no_shows import NO_SHOW_WINDOW_DAYS, count_no_shows, no_show_counts  # noqa: F401
from .waitlist import fill_waitlist
from ..errors import (
    AlreadyCheckedIn, InvalidCheckInCode, NotFound, NotPermitted, NothingToCheckIn,
    OutsideBookingWindow,
)
from ..notices.notify import notify
from .rules import part_ends_at, part_starts_at
from ..messages import _

# A member may check in this long before their part starts (arriving early).
EARLY_CHECK_IN = timedelta(minutes=30)
# The no-show booking limit: this many no-shows within this many days.
CODE_LENGTH = 20  # hex characters of the HMAC kept in the URL (80 bits)


# ---------------------------------------------------------------- the daily code

def check_in_code(secret_key: str, site: Site, day: date) -> str:
    """The site's check-in code for a Kerala date (what the QR code carries)."""
    message = f"check-in:{site.id}:{day.isoformat()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:CODE_LENGTH]


def check_code(secret_key: str, site: Site, code: str, now: datetime) -> None:
    """Refuse a code that is not today's code of this site."""
    expected = check_in_code(secret_key, site, now.date())
    code = code.strip().lower()
    # Anything may be typed: only hex reaches compare_digest (it refuses non-ASCII str).
    if not (code.isascii() and hmac.compare_digest(expected, code)):
        raise InvalidCheckInCode(
            _("This check-in code is not valid for %(site)s today (%(day)s). Scan the code posted"
              " at the entrance today.",
              site=site.name, day=now.date()))


# ---------------------------------------------------------------- which booking is "now"

def is_check_in_time(booking: Booking, now: datetime) -> bool:
    """Whether the booking's part is under way or starts within EARLY_CHECK_IN."""
    if not booking.is_desk or booking.starts_on != now.date():
        return False
    part = DayPart(booking.part)
    return (part_starts_at(booking.site, booking.starts_on, part) - EARLY_CHECK_IN <= now
            < part_ends_at(booking.site, booking.starts_on, part))


def get_booking_for_now(session: Session, member: User, site: Site,
                        now: datetime) -> Booking | None:
    """The member's desk booking at the site for the part now (live or already checked in).

    With a morning and an afternoon both booked, around midday the one not yet
    checked in wins, then the earlier one.
    """
    candidates = session.scalars(
        select(Booking).options(joinedload(Booking.site), joinedload(Booking.desk))
        .where(Booking.member_id == member.id, Booking.site_id == site.id,
               Booking.desk_id.is_not(None), Booking.starts_on == now.date(),
               Booking.status == BookingStatus.LIVE)
    ).all()
    in_time = [b for b in candidates if is_check_in_time(b, now)]
    in_time.sort(key=lambda b: (b.is_checked_in, part_starts_at(site, b.starts_on,
                                                               DayPart(b.part))))
    return in_time[0] if in_time else None


# ---------------------------------------------------------------- checking in

def _mark_checked_in(session: Session, booking: Booking, actor: User, now: datetime,
                     detail: str) -> Booking:
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == BookingStatus.LIVE,
                              Booking.checked_in_at.is_(None))
        .values(checked_in_at=now).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(booking)
    if changed != 1:
        if booking.is_checked_in:
            raise AlreadyCheckedIn(
                _("Already checked in at %(time)s.",
                  time=booking.checked_in_at.astimezone(now.tzinfo).time()))
        raise NothingToCheckIn(_("This booking was released as a no-show or cancelled;"
                               " book again if a desk is free."))
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="checked_in",
                             detail=detail))
    session.flush()
    return booking


def check_in_member(session: Session, member: User, site: Site, code: str, secret_key: str,
                    *, now: datetime) -> Booking:
    """A member at the door with today's code checks in their booking for now."""
    check_code(secret_key, site, code, now)
    booking = get_booking_for_now(session, member, site, now)
    if booking is None:
        raise NothingToCheckIn(
            _("You have no desk booking at %(site)s for now. Bookings can be checked in from"
              " %(minutes)s minutes before they start.",
              site=site.name, minutes=int(EARLY_CHECK_IN.total_seconds() // 60)))
    if booking.is_checked_in:
        raise AlreadyCheckedIn(_("You are already checked in for this booking."))
    return _mark_checked_in(session, booking, member, now, "Checked in with the site's code")


def check_in_own_booking(session: Session, member: User, booking: Booking, code: str,
                         secret_key: str, *, now: datetime) -> Booking:
    """A member checks in one named booking of theirs with the site's code (the API)."""
    if booking.member_id != member.id:
        raise NotFound(_("No such booking."))
    check_code(secret_key, booking.site, code, now)
    if booking.is_checked_in:
        raise AlreadyCheckedIn(_("This booking is already checked in."))
    if not booking.is_live or not is_check_in_time(booking, now):
        raise NothingToCheckIn(
            _("This booking cannot be checked in now: only a live desk booking, from %(minutes)s"
              " minutes before its part starts until it ends.",
              minutes=int(EARLY_CHECK_IN.total_seconds() // 60)))
    return _mark_checked_in(session, booking, member, now, "Checked in with the site's code")


def check_in_by_staff(session: Session, actor: User, booking: Booking, *,
                      now: datetime) -> Booking:
    """Staff check a member in from the day sheet (today's desk bookings), audited."""
    if not can_manage_site(actor, booking.site):
        raise NotFound(_("No such booking."))
    if not booking.is_desk or booking.starts_on != now.date():
        raise NotPermitted(_("Only today's desk bookings can be checked in."))
    if booking.is_checked_in:
        raise AlreadyCheckedIn(_("This member is already checked in."))
    _mark_checked_in(session, booking, actor, now, "Checked in by staff")
    audit.record(session, actor, "booking.check_in", site=booking.site,
                 target=f"booking:{booking.id}", before={"checked_in_at": None},
                 after={"checked_in_at": booking.checked_in_at.isoformat(),
                        "part": booking.part, "day": booking.starts_on.isoformat()})
    return booking


# ---------------------------------------------------------------- no-shows

def release_deadline(booking: Booking) -> datetime | None:
    """When the booking is released if not checked in (None: the site has no rule).

    N minutes after its part starts, or after it was made if that was later:
    someone booking at 10:30 for the day under way has their N minutes to arrive.
    """
    minutes = booking.site.no_show_after_minutes
    if minutes is None or not booking.is_desk:
        return None
    start = part_starts_at(booking.site, booking.starts_on, DayPart(booking.part))
    return max(start, booking.created_at) + timedelta(minutes=minutes)


def _release_candidates(session: Session, now: datetime) -> list[Booking]:
    return list(session.scalars(
        select(Booking).join(Site, Site.id == Booking.site_id)
        .options(joinedload(Booking.site), joinedload(Booking.member))
        .where(Site.no_show_after_minutes.is_not(None), Booking.desk_id.is_not(None),
               Booking.starts_on == now.date(), Booking.status == BookingStatus.LIVE,
               Booking.checked_in_at.is_(None))
        .order_by(Booking.id)
    ).unique())


def release_no_shows(session: Session, now: datetime) -> list[Booking]:
    """Release today's desk bookings not checked in by their site's deadline; those released.

    Safe to run any number of times, and twice at once: each booking changes
    from live to no_show in one conditional UPDATE, and only the run that
    changed it frees the cells, writes the event and tells the member.
    """
    released = []
    for booking in _release_candidates(session, now):
        deadline = release_deadline(booking)
        if deadline is None or now <= deadline:
            continue
        reason = (f"Released as a no-show: not checked in within"
                  f" {booking.site.no_show_after_minutes} minutes of the start")
        changed = session.execute(
            update(Booking).where(Booking.id == booking.id,
                                  Booking.status == BookingStatus.LIVE,
                                  Booking.checked_in_at.is_(None))
            .values(status=BookingStatus.NO_SHOW, cancelled_at=now, cancelled_by_id=None,
                    cancel_reason=reason, conflict=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            continue  # checked in, cancelled or released by someone else meanwhile
        session.execute(delete(DeskCell).where(DeskCell.booking_id == booking.id))
        session.add(BookingEvent(booking_id=booking.id, actor_id=None, kind="no_show",
                                 detail=reason))
        session.flush()
        session.refresh(booking)
        _notify_no_show(session, booking)
        _places_freed(session, booking.site, booking.starts_on, now)
        released.append(booking)
    return released


def _notify_no_show(session: Session, booking: Booking) -> None:
    if booking.member is None:
        return
    notify(session, booking.member, kind="no_show", template="no_show",
           subject=_("Your desk at %(site)s was released", site=booking.site.name),
           context={"booking": booking, "site": booking.site,
                    "minutes": booking.site.no_show_after_minutes},
           dedupe_key=f"no_show:{booking.id}")


def _places_freed(session: Session, site: Site, day: date, now: datetime) -> None:
    """Desk parts at ``site`` on ``day`` became free (a no-show release): the first in
    line on the waitlist gets them, in this transaction."""
    fill_waitlist(session, site, day, day, now=now)
