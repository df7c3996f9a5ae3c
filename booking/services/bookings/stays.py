"""Monthly hostel stays: book for N months (or open-ended), extend, give notice.

A monthly stay is a bed booking like a nightly one: ``book()`` makes it, so
it holds one ``bed_nights`` cell per night and double booking stays
impossible on both engines (the cells' keys decide; see book.py). What
differs is how its length is asked for and checked (months, against the
site's minimum and longest stay, not its nightly cap) and what it remembers
(``stay_kind``, ``months``).

- N months: check-out is the check-in day N months on (the 31st becomes the
  month's last day when the month is shorter).
- Open-ended (``months`` None): the stay holds its bed up to the site's
  longest stay and renews month by month until the resident gives notice.
  Holding the nights, rather than a month at a time, keeps the bed the
  resident's for as long as they stay; notice gives the rest back at once.
- Extending adds nights on the same bed. If another booking holds that bed
  then, the refusal names the beds free for the rest of the stay, and the
  resident may ask again naming one: the stay then moves there once, from
  the first night not begun, in the same transaction (a BookingMove row and
  a "moved" history line).
- Notice: the stay ends ``notice_days`` after today (not before the site's
  minimum months from check-in); the nights after go back through the same
  path as ending early (``ending.release_nights_from``) and the waitlist is
  filled with them in this transaction.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...clock import now_in_kerala
from ...models import Bed, BedNight, Booking, BookingEvent, BookingMove, Closure, Site, User
from ..accounts.permissions import can_manage_site
from ..dates import format_day
from ..errors import (
    AlreadyCancelled,
    BedTakenForExtension,
    InvalidRequest,
    MemberAlreadyBooked,
    NoLongerAvailable,
    NotFound,
    NothingToEnd,
    RuleViolation,
    StayTooLong,
)
from ..messages import _, ngettext
from ..notices import bookings as notices
from . import rules
from .book import (
    StayRequest,
    _check_room_open,
    _hold_site_revision,
    _is_member_clash,
    book,
    check_site_not_closed,
    get_free_beds,
)
from .ending import release_nights_from
from .waitlist import fill_after_freeing

# What a form or an API client may ask for in one go (the site's rules narrow it).
MAX_MONTHS = 60


def add_months(day: date, months: int) -> date:
    """The same day of the month, ``months`` later (or that month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monthly_check_out(site: Site, check_in: date, months: int | None) -> date:
    """Where a monthly stay's nights end: N months on, or the longest stay if open-ended."""
    return add_months(check_in, months if months is not None else site.longest_stay_months)


def monthly_request(site: Site, check_in: date, months: int | None,
                    bed_label: str | None = None) -> StayRequest:
    """The booking request for a monthly stay (``months`` None: open-ended)."""
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise InvalidRequest(_("Ask for between 1 and %(max_months)s months.",
                               max_months=MAX_MONTHS))
    return StayRequest(site, check_in, monthly_check_out(site, check_in, months), bed_label,
                       monthly=True, months=months)


def book_monthly(session: Session, member: User, site: Site, check_in: date,
                 months: int | None, bed_label: str | None = None, *,
                 now: datetime | None = None, confirm: bool = True) -> Booking:
    """Book a bed from check-in for N months (None: open-ended), or raise the refusal."""
    return book(session, member, monthly_request(site, check_in, months, bed_label),
                now=now, confirm=confirm)


# ---------------------------------------------------------------- extending

def _load_own_stay(session: Session, booking: Booking, actor: User) -> bool:
    """Lock the stay (one change at a time) and say whether staff act; others get 404."""
    is_owner = booking.member_id == actor.id
    if not (is_owner or can_manage_site(actor, booking.site)):
        raise NotFound(_('No such booking.'))
    session.refresh(booking, with_for_update=True)
    return not is_owner


def _check_changeable(booking: Booking, today: date) -> None:
    if not booking.is_live:
        raise AlreadyCancelled(_('This stay is cancelled.'))
    if not booking.is_monthly:
        raise RuleViolation(_("Only a monthly stay can be extended or given notice on; book "
                              "more nights as a new stay."))
    if booking.ends_on <= today:
        raise NothingToEnd(_('This stay ended on %(ends_on)s.', ends_on=booking.ends_on))


def extend_stay(session: Session, booking: Booking, actor: User, months: int, *,
                move_to: str | None = None, now: datetime | None = None) -> Booking:
    """Add months to a monthly stay, on its bed; or, if that is taken, on ``move_to``.

    Without ``move_to`` a taken bed raises ``BedTakenForExtension`` naming the
    beds that are free from the first night not begun to the new check-out.
    """
    now = now or now_in_kerala()
    today = now.date()
    by_staff = _load_own_stay(session, booking, actor)
    _check_changeable(booking, today)
    site = booking.site
    if booking.notice_given_on is not None:
        raise RuleViolation(_("Notice was given on %(notice_given_on)s; the stay ends on "
                              "%(ends_on)s. Book a new stay to stay on.",
                              notice_given_on=booking.notice_given_on, ends_on=booking.ends_on))
    if booking.months is None:
        raise RuleViolation(_("This stay is open-ended: it already holds your bed up to "
                              "%(ends_on)s, the longest stay at %(site)s.",
                              ends_on=booking.ends_on, site=site.name))
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise InvalidRequest(_("Extend by between 1 and %(max_months)s months.",
                               max_months=MAX_MONTHS))
    total = booking.months + months
    if total > site.longest_stay_months:
        room = site.longest_stay_months - booking.months
        raise StayTooLong(_("The longest stay at %(site)s is %(longest_stay_months)s months; "
                            "this stay can grow by %(room)s more at most.",
                            site=site.name, longest_stay_months=site.longest_stay_months,
                            room=room))
    rules.check_site_bookable(site)
    old_ends_on, new_ends_on = booking.ends_on, add_months(booking.starts_on, total)
    check_site_not_closed(session, site, old_ends_on, new_ends_on - timedelta(days=1))
    _hold_site_revision(session, site)
    bed = booking.bed
    if _try_hold(session, booking, bed, old_ends_on, new_ends_on):
        moved = None
    else:
        moved = _extend_elsewhere(session, booking, actor, new_ends_on, move_to, today)
    booking.months, booking.ends_on = total, new_ends_on
    # The history line's label says "Extended"; the mail says it in full.
    detail = ngettext("by %(num)d month; check-out now %(new)s, was %(old)s",
                      "by %(num)d months; check-out now %(new)s, was %(old)s",
                      months, new=new_ends_on, old=old_ends_on)
    if moved is not None:
        detail = _("%(detail)s; from %(day)s in bed %(bed)s",
                   detail=detail, day=moved.from_on, bed=booking.bed.label)
    # The history keeps the English words (stored text); the mail is in the member's language.
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="extended",
                             detail=str(detail)))
    session.flush()
    notices.stay_changed(session, booking, _("Extended %(detail)s", detail=detail),
                         by_staff=by_staff)
    return booking


def _try_hold(session: Session, booking: Booking, bed: Bed, first: date, end: date) -> bool:
    """Hold ``bed`` for the nights first..end (exclusive) for the stay; False if taken."""
    last = end - timedelta(days=1)
    if not (bed.is_active_on(first) and bed.is_active_on(last)):
        return False  # out of service then: a move is offered as for a taken bed
    if session.scalar(select(exists().where(Closure.room_id == bed.room_id,
                                            Closure.overlapping(first, last)))):
        return False  # its room is closed some of those nights
    if session.scalar(select(exists().where(
            BedNight.bed_id == bed.id, BedNight.night_on >= first, BedNight.night_on < end,
            BedNight.booking_id != booking.id))):
        return False  # the common case, without a failed insert
    try:
        with session.begin_nested():
            session.execute(insert(BedNight), [
                {"bed_id": bed.id, "night_on": first + timedelta(days=n),
                 "site_id": booking.site_id, "member_id": booking.member_id,
                 "booking_id": booking.id} for n in range((end - first).days)])
    except IntegrityError as error:
        if _is_member_clash(error):
            raise MemberAlreadyBooked(
                _("You already have a bed booked for a night between %(first)s and %(end)s.",
                  first=first, end=end)) from None
        return False
    return True


def first_night_to_move(booking: Booking, today: date) -> date:
    """From which night a stay can move: the first not yet begun (tonight, if under way)."""
    return max(booking.starts_on, today)


def beds_to_move_to(session: Session, booking: Booking, ends_on: date, today: date
                    ) -> list[Bed]:
    """Beds free (and suitable for the resident) from the first night not begun to ``ends_on``."""
    if booking.member is None:
        return []
    first = first_night_to_move(booking, today)
    return [b for b in get_free_beds(session, booking.site, first, ends_on,
                                     member=booking.member) if b.id != booking.bed_id]


def _extend_elsewhere(session: Session, booking: Booking, actor: User, new_ends_on: date,
                      move_to: str | None, today: date) -> BookingMove:
    """The stay's bed is taken for the new months: move the rest of the stay, once."""
    free = beds_to_move_to(session, booking, new_ends_on, today)
    if move_to is None:
        labels = [b.label for b in free]
        offer = (_("These beds are free for the whole of the rest of your stay: %(beds)s."
                   " Ask again naming one to move there.", beds=", ".join(labels[:10]))
                 if labels else _("No other suitable bed is free for all of it either."))
        raise BedTakenForExtension(
            _("Bed %(bed)s is not free for all the nights to %(new_ends_on)s: someone else has"
              " booked it, or it is out of service. %(offer)s",
              bed=booking.bed.label, new_ends_on=new_ends_on, offer=offer), labels)
    target = next((b for b in free if b.label == move_to.strip()), None)
    if target is None:
        raise NoLongerAvailable(_("Bed %(bed)s is not free (or not suitable) for the rest of "
                                  "your stay to %(new_ends_on)s.",
                                  bed=move_to.strip(), new_ends_on=new_ends_on))
    rules.check_room_eligibility(booking.member, target.room)
    first = first_night_to_move(booking, today)
    _check_room_open(session, target.room, first, new_ends_on - timedelta(days=1))
    return move_nights(session, booking, actor, target, first, new_ends_on,
                       reason="Extension: own bed taken")


def move_nights(session: Session, booking: Booking, actor: User | None, target: Bed,
                first: date, ends_on: date, *, reason: str) -> BookingMove:
    """Move a stay's nights from ``first`` to ``target`` (holding it up to ``ends_on``).

    The old cells from ``first`` go and the new ones come in one savepoint, so
    the move happens whole or not at all; the cells' keys decide a race.
    """
    old_bed = booking.bed
    try:
        with session.begin_nested():
            session.execute(delete(BedNight).where(BedNight.booking_id == booking.id,
                                                   BedNight.night_on >= first))
            session.execute(insert(BedNight), [
                {"bed_id": target.id, "night_on": first + timedelta(days=n),
                 "site_id": booking.site_id, "member_id": booking.member_id,
                 "booking_id": booking.id} for n in range((ends_on - first).days)])
    except IntegrityError as error:
        if _is_member_clash(error):
            raise MemberAlreadyBooked(_("The resident already has a bed booked for some of "
                                        "those nights.")) from None
        raise NoLongerAvailable(_('Bed %(bed)s was taken meanwhile.', bed=target.label)) from None
    move = BookingMove(booking_id=booking.id, from_bed_id=old_bed.id, to_bed_id=target.id,
                       from_on=first, moved_by_id=actor.id if actor else None,
                       reason=reason[:200])
    booking.bed_id = target.id
    session.add(move)
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id if actor else None,
                             kind="moved", detail=f"{reason}: from {format_day(first)} in bed"
                                                  f" {target.label}, was {old_bed.label}."))
    session.flush()
    session.refresh(booking, ["bed"])
    return move


# ---------------------------------------------------------------- notice

def earliest_leaving_on(booking: Booking, today: date) -> date:
    """The first check-out notice given today allows: the notice period, and the minimum stay."""
    site = booking.site
    return max(today + timedelta(days=site.notice_days),
               add_months(booking.starts_on, site.min_months))


def give_notice(session: Session, booking: Booking, actor: User, *,
                leaving_on: date | None = None, now: datetime | None = None) -> Booking:
    """Give notice on a monthly stay: it ends after the notice period; later nights go back.

    ``leaving_on`` (the check-out) defaults to the earliest the rules allow;
    an earlier one is refused, naming the earliest.
    """
    now = now or now_in_kerala()
    today = now.date()
    by_staff = _load_own_stay(session, booking, actor)
    _check_changeable(booking, today)
    if booking.notice_given_on is not None:
        raise RuleViolation(_("Notice was already given on %(notice_given_on)s; the stay ends "
                              "on %(ends_on)s.",
                              notice_given_on=booking.notice_given_on, ends_on=booking.ends_on))
    earliest = earliest_leaving_on(booking, today)
    if leaving_on is not None and leaving_on < earliest:
        raise RuleViolation(
            _("The notice period at %(site)s is %(notice_days)s days (and a stay is at least "
              "%(min_months)s month(s)): the earliest check-out is %(earliest)s.",
              site=booking.site.name, notice_days=booking.site.notice_days,
              min_months=booking.site.min_months, earliest=earliest))
    if leaving_on is not None and leaving_on > booking.ends_on:
        raise RuleViolation(_("This stay ends on %(ends_on)s; to leave later, extend it.",
                              ends_on=booking.ends_on))
    leaving_on = min(leaving_on or earliest, booking.ends_on)
    old_ends_on = booking.ends_on
    booking.notice_given_on = today
    if leaving_on < old_ends_on:
        release_nights_from(session, booking, leaving_on)
        detail = _("check-out now %(new)s, was %(old)s", new=leaving_on, old=old_ends_on)
    else:
        detail = _("the stay ends as booked on %(old)s", old=old_ends_on)
    # The history line's label says "Notice given" (and when); the mail says it in full.
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="notice",
                             detail=str(detail)))
    session.flush()
    notices.stay_changed(session, booking,
                         _("Notice given on %(today)s: %(detail)s", today=today, detail=detail),
                         by_staff=by_staff)
    if leaving_on < old_ends_on:
        fill_after_freeing(session, booking, leaving_on, old_ends_on - timedelta(days=1),
                           now=now)
    return booking


# ---------------------------------------------------------------- for the pages

def can_extend(booking: Booking, today: date) -> bool:
    return (booking.is_live and booking.is_monthly and booking.months is not None
            and booking.notice_given_on is None and booking.ends_on > today
            and booking.months < booking.site.longest_stay_months)


def can_give_notice(booking: Booking, today: date) -> bool:
    return (booking.is_live and booking.is_monthly and booking.notice_given_on is None
            and booking.ends_on > today)
