"""Ending a booking in progress early: give back the rest, keep what was held.

What goes back is whatever has not begun when the booking is ended:

- a desk: the half-days not begun yet. A full day ended in the morning gives
  back the afternoon and keeps the morning; the half-day under way stays
  the member's (they sat in it), so a full day ended in the afternoon, or a
  half-day booking, has nothing left to give back.
- a stay: the nights from tonight, when ended before the site's check-out
  time (11:00 unless the site says otherwise); ended later, tonight is kept,
  as a hotel counts the night when a guest leaves after check-out time, and
  the nights from tomorrow go back. The first night is always kept.

The freed cells are deleted, so the desk parts and bed nights (and the
member's own one-place-at-a-time keys) are free for the next request, and
the site's revision moves with them (database triggers, see
``models/revision.py``). The booking stays live and now says what was held
(``part``, ``ends_on``); ``ended_early_at`` and ``original_part`` /
``original_ends_on`` say when and what had been booked, and an "ended" event
names who ended it. Before it starts, a booking is cancelled instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ...clock import now_in_kerala
from ...models import BedNight, Booking, BookingEvent, DayPart, DeskCell, User
from ..admin import audit
from ..notices import bookings as notices
from ..dates import at_kerala, format_day, part_name
from ..errors import AlreadyCancelled, NotFound, NothingToEnd, NotStartedYet
from ..accounts.permissions import can_manage_site
from .rules import part_ends_at, part_starts_at
from .waitlist import fill_after_freeing
from ..messages import _


@dataclass(frozen=True)
class Ending:
    """What ending a booking now keeps and gives back."""

    booking: Booking
    kept_part: DayPart | None = None  # desks: the part still held
    freed_part: DayPart | None = None  # desks: the half-day given back
    kept_ends_on: date | None = None  # stays: the new check-out date

    @property
    def kept_nights(self) -> int:
        return (self.kept_ends_on - self.booking.starts_on).days if self.kept_ends_on else 0

    @property
    def freed_nights(self) -> int:
        return (self.booking.ends_on - self.kept_ends_on).days if self.kept_ends_on else 0

    def summary(self, by: str) -> str:
        """What goes back and who gave it, in words, for the booking's history."""
        b = self.booking
        if self.freed_part is not None:
            return f"The {self.freed_part.value} of {format_day(b.starts_on)} given back by {by}"
        nights = "1 night" if self.freed_nights == 1 else f"{self.freed_nights} nights"
        return (f"{nights} from {format_day(self.kept_ends_on)} given back by {by};"
                f" check-out now {format_day(self.kept_ends_on)}, was {format_day(b.ends_on)}")


def plan_ending(booking: Booking, now: datetime, *, by_member: bool = False) -> Ending:
    """What ending the booking at ``now`` would keep and give back; refuses if nothing.

    A resident leaves a monthly stay by giving notice (stays.py), not by ending it
    at once; staff may still end one (a resident who left without notice).
    """
    if not booking.is_live:
        raise AlreadyCancelled(_("This booking is cancelled; there is nothing to end."))
    if by_member and booking.is_monthly:
        raise NothingToEnd(_("A monthly stay ends with notice (%(days)s days at this hostel):"
                             " give notice instead.", days=booking.site.notice_days))
    if booking.is_desk:
        return _plan_desk(booking, now)
    return _plan_stay(booking, now)


def _plan_desk(booking: Booking, now: datetime) -> Ending:
    site, day, part = booking.site, booking.starts_on, DayPart(booking.part)
    starts_at, ends_at = part_starts_at(site, day, part), part_ends_at(site, day, part)
    if now < starts_at:
        raise NotStartedYet(_("This booking starts at %(starts_at)s on %(day)s and has not begun:"
                              " cancel it instead.",
                              starts_at=starts_at.time(), day=day))
    if now >= ends_at:
        raise NothingToEnd(_("This booking ended at %(ends_at)s on %(day)s.",
                             ends_at=ends_at.time(), day=day))
    halves = [DayPart(h) for h in part.cells]
    begun = [h for h in halves if part_starts_at(site, day, h) <= now]
    if len(begun) == len(halves):
        raise NothingToEnd(_("The %(part)s is under way and is the last of this booking: there is"
                             " nothing left to give back.",
                             part=part_name(begun[-1])))
    # Only a full day has a half not begun while another is under way.
    return Ending(booking, kept_part=begun[0], freed_part=halves[len(begun)])


def _plan_stay(booking: Booking, now: datetime) -> Ending:
    site = booking.site
    starts_at = at_kerala(booking.starts_on, site.check_in_time)
    ends_at = at_kerala(booking.ends_on, site.check_out_time)
    if now < starts_at:
        raise NotStartedYet(_("This stay starts at %(starts_at)s on %(starts_on)s and has not"
                              " begun: cancel it instead.",
                              starts_at=starts_at.time(), starts_on=booking.starts_on))
    if now >= ends_at:
        raise NothingToEnd(_("This stay ended at check-out, %(ends_at)s on %(ends_on)s.",
                             ends_at=ends_at.time(), ends_on=booking.ends_on))
    today = now.date()
    # Before today's check-out time tonight goes back; after it, tonight is kept.
    before_check_out = now < at_kerala(today, site.check_out_time)
    first_freed = today if before_check_out else today + timedelta(days=1)
    first_freed = max(first_freed, booking.starts_on + timedelta(days=1))
    if first_freed >= booking.ends_on:
        raise NothingToEnd(
            _("The last night of this stay (%(last_day_on)s) has begun: there are no nights left"
              " to give back. Check out by %(check_out_time)s on %(ends_on)s.",
              last_day_on=booking.last_day_on, check_out_time=site.check_out_time,
              ends_on=booking.ends_on))
    return Ending(booking, kept_ends_on=first_freed)


def end_booking_early(
    session: Session,
    booking: Booking,
    actor: User,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """End a booking in progress now: give back the rest of its cells, keep the record."""
    now = now or now_in_kerala()
    is_owner = booking.member_id == actor.id
    if not (is_owner or can_manage_site(actor, booking.site)):
        raise NotFound(_("No such booking."))
    # Decide on the booking as committed, one ending (or cancelling) at a time:
    # two clicks, or the member and staff at once, must not both apply.
    session.refresh(booking, with_for_update=True)
    ending = plan_ending(booking, now, by_member=is_owner)
    # In words, while the booking still says what was booked.
    summary = ending.summary("the member" if is_owner else "staff")
    freed = (booking.starts_on, booking.starts_on) if ending.freed_part is not None \
        else (ending.kept_ends_on, booking.last_day_on)
    if ending.freed_part is not None:
        session.execute(delete(DeskCell).where(DeskCell.booking_id == booking.id,
                                               DeskCell.part == ending.freed_part.value))
        booking.original_part = booking.original_part or booking.part
        booking.part = ending.kept_part.value
    else:
        release_nights_from(session, booking, ending.kept_ends_on)
    booking.ended_early_at = now.astimezone(timezone.utc)  # as loaded, like every timestamp
    detail = summary + (f". Reason: {reason}" if reason else "")
    session.add(BookingEvent(booking_id=booking.id, actor_id=actor.id, kind="ended",
                             at=booking.ended_early_at,
                             detail=detail[:1000]))
    session.flush()
    notices.booking_ended(session, booking, summary, reason, by_staff=not is_owner)
    # What went back goes to the first in line, in this transaction.
    fill_after_freeing(session, booking, *freed, now=now)
    return booking


def release_nights_from(session: Session, booking: Booking, kept_ends_on: date) -> None:
    """Give back a stay's nights from ``kept_ends_on`` (its new check-out); keep what was booked.

    Ending early and a monthly stay's notice (stays.py) both shorten a stay so.
    The caller records why and fills the waitlist with what went back.
    """
    session.execute(delete(BedNight).where(BedNight.booking_id == booking.id,
                                           BedNight.night_on >= kept_ends_on))
    booking.original_ends_on = booking.original_ends_on or booking.ends_on
    booking.ends_on = kept_ends_on


def end_early_for_member(
    session: Session, actor: User, booking: Booking, reason: str, *, now: datetime | None = None
) -> Booking:
    """Staff end a member's booking early (a member who left), with the reason they see."""
    before = {"part": booking.part, "ends_on": booking.ends_on}
    end_booking_early(session, booking, actor, reason=reason.strip()[:200] or None, now=now)
    audit.record(session, actor, "booking.end_early", site=booking.site,
                 target=f"booking:{booking.id}", before=before,
                 after={"part": booking.part, "ends_on": booking.ends_on,
                        "reason": reason.strip()[:200]})
    return booking


def get_ending(booking: Booking, now: datetime, *, by_member: bool = False
               ) -> tuple[Ending | None, str | None]:
    """For the pages: what ending now would do, or why it cannot be ended (one is None)."""
    try:
        return plan_ending(booking, now, by_member=by_member), None
    except (AlreadyCancelled, NotStartedYet, NothingToEnd) as refusal:
        return None, refusal.text


def is_endable(booking: Booking, now: datetime, *, by_member: bool = True) -> bool:
    """Whether the booking is in progress with something left to give back (by its member)."""
    return get_ending(booking, now, by_member=by_member)[0] is not None
