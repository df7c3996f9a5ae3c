"""A site's booking rules, as pure functions of the site, the member and the time.

Closures need the database and are checked in the booking service; all else
is decided here so it can be tested without one.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ...models import Booking, DayPart, Designation, Room, Site, SiteStatus, User
from ..dates import MIDDAY, at_kerala, format_day
from ..errors import (
    CancellationClosed,
    EmailNotVerified,
    InPast,
    InvalidRequest,
    NotEligible,
    OutsideBookingWindow,
    RuleViolation,
    SiteClosedOn,
    SiteNotBookable,
    StayTooLong,
)


def check_email_verified(member: User, resend_url: str) -> None:
    """A member who registered on the web books only once their address is verified."""
    if member.email_verified_at is None:
        raise EmailNotVerified(
            f"Verify your email address before your first booking: open the link in the mail"
            f" we sent to {member.email}. No mail, or the link expired? Choose “Resend” at"
            f" {resend_url} (signed in) for a new one.")


def check_site_bookable(site: Site) -> None:
    if site.status == SiteStatus.PLANNED:
        raise SiteNotBookable(f"{site.name} is opening soon and does not take bookings yet.")
    if site.status != SiteStatus.OPEN:
        raise SiteNotBookable(f"{site.name} is closed and does not take bookings.")


def part_ends_at(site: Site, day: date, part: DayPart) -> datetime:
    return at_kerala(day, MIDDAY if part is DayPart.MORNING else site.closes_at)


def part_starts_at(site: Site, day: date, part: DayPart) -> datetime:
    return at_kerala(day, MIDDAY if part is DayPart.AFTERNOON else site.opens_at)


def check_desk_request(site: Site, day: date, part: DayPart, now: datetime) -> None:
    """Refuse a desk booking that a rule forbids (closures are checked elsewhere)."""
    if not site.is_centre:
        raise InvalidRequest(f"{site.name} is a hostel; book a bed there, not a desk.")
    check_site_bookable(site)
    today = now.date()
    if day < today or part_ends_at(site, day, part) <= now:
        raise InPast(f"{format_day(day)} ({part.value}) has already passed.")
    last = today + timedelta(days=site.advance_days)
    if day > last:
        raise OutsideBookingWindow(
            f"Desks at {site.name} can be booked up to {site.advance_days} days ahead"
            f" (until {format_day(last)})."
        )
    if not site.is_open_weekday(day):
        raise SiteClosedOn(
            f"{site.name} is not open on {day:%A}s (open {site.opening_days_label})."
        )


def check_stay_request(site: Site, check_in: date, check_out: date, now: datetime, *,
                       monthly: bool = False) -> None:
    """Refuse a hostel stay that a rule forbids (closures are checked elsewhere).

    A monthly stay's length is checked in months (``check_monthly_request``), not nights.
    """
    if not site.is_hostel:
        raise InvalidRequest(f"{site.name} is a coworking centre; book a desk there, not a bed.")
    if check_out <= check_in:
        raise InvalidRequest("The check-out date must be after the check-in date.")
    check_site_bookable(site)
    if not monthly and not site.offers_nightly:
        raise RuleViolation(f"{site.name} takes monthly stays only: ask for a number of months.")
    today = now.date()
    if check_in < today:
        raise InPast(f"The check-in date {format_day(check_in)} has already passed.")
    last = today + timedelta(days=site.advance_days)
    if check_in > last:
        raise OutsideBookingWindow(
            f"Check-in at {site.name} can be at most {site.advance_days} days ahead"
            f" (until {format_day(last)})."
        )
    if monthly:
        return
    nights = (check_out - check_in).days
    if nights > site.max_stay_nights:
        raise StayTooLong(
            f"That is {nights} nights; the longest stay at {site.name} is"
            f" {site.max_stay_nights} nights."
        )


def check_monthly_request(site: Site, months: int | None) -> None:
    """Refuse a monthly stay the site does not offer, or of a length its rules forbid.

    ``months`` None is an open-ended stay (up to the site's longest stay).
    """
    if not site.is_hostel:
        raise InvalidRequest(f"{site.name} is a coworking centre; book a desk there, not a bed.")
    if not site.offers_monthly:
        raise RuleViolation(f"{site.name} does not offer monthly stays; book nights instead.")
    if months is None:
        return
    if months < site.min_months:
        raise RuleViolation(f"Monthly stays at {site.name} are for at least {site.min_months}"
                            f" month{'s' if site.min_months != 1 else ''}.")
    if months > site.longest_stay_months:
        raise StayTooLong(f"The longest stay at {site.name} is {site.longest_stay_months}"
                          f" months.")


def is_eligible_for_room(member: User, room: Room) -> bool:
    return room.designation == Designation.ANYONE or room.designation == member.hostel_eligibility


def rooms_eligible_for(member: User):
    """``is_eligible_for_room`` as a SQL condition on Room, for queries over many beds."""
    allowed = [Designation.ANYONE.value]
    if member.hostel_eligibility:
        allowed.append(member.hostel_eligibility)
    return Room.designation.in_(allowed)


def check_room_eligibility(member: User, room: Room) -> None:
    if not is_eligible_for_room(member, room):
        if member.hostel_eligibility is None:
            hint = ("Hostel staff grant women's or men's rooms: ask on your account page,"
                    " then show a warden your photo ID.")
        else:
            hint = "Choose a room designated for anyone or for you."
        raise NotEligible(f"Room {room.name} is designated for {room.designation}. {hint}")


def booking_starts_at(booking: Booking) -> datetime:
    site = booking.site
    if booking.part is not None:
        return part_starts_at(site, booking.starts_on, DayPart(booking.part))
    return at_kerala(booking.starts_on, site.check_in_time)


def check_member_may_cancel(booking: Booking, now: datetime) -> None:
    """Members cancel until the cut-off before the start; staff are not bound by it."""
    starts_at = booking_starts_at(booking)
    cutoff = starts_at - timedelta(hours=booking.site.cancel_cutoff_hours)
    if now >= cutoff:
        if booking.site.cancel_cutoff_hours:
            raise CancellationClosed(
                f"Bookings at {booking.site.name} can be cancelled until"
                f" {booking.site.cancel_cutoff_hours} hours before they start."
            )
        raise CancellationClosed("This booking has already started and can no longer be cancelled.")
