"""A site's booking rules, as pure functions of the site, the member and the time.

Closures need the database and are checked in the booking service; all else
is decided here so it can be tested without one.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ...models import Booking, DayPart, Designation, Room, Site, SiteStatus, User
from ..dates import MIDDAY, WEEKDAYS_PLURAL, at_kerala, opening_days_text, part_name
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
from ..messages import _, ngettext

# Whom a room is for, as a sentence names them ("Room W1 is designated for women").
DESIGNATION_WORDS = {"anyone": _("anyone"), "women": _("women"), "men": _("men")}


def check_email_verified(member: User, resend_url: str) -> None:
    """A member who registered on the web books only once their address is verified."""
    if member.email_verified_at is None:
        raise EmailNotVerified(
            _("Verify your email address before your first booking: open the link in the mail we"
              " sent to %(email)s. No mail, or the link expired? Choose “Resend” at %(resend_url)s"
              " (signed in) for a new one.",
              email=member.email, resend_url=resend_url))


def check_site_bookable(site: Site) -> None:
    if site.status == SiteStatus.PLANNED:
        raise SiteNotBookable(_("%(site)s is opening soon and does not take bookings yet.",
                                site=site.name))
    if site.status != SiteStatus.OPEN:
        raise SiteNotBookable(_("%(site)s is closed and does not take bookings.", site=site.name))


def part_ends_at(site: Site, day: date, part: DayPart) -> datetime:
    return at_kerala(day, MIDDAY if part is DayPart.MORNING else site.closes_at)


def part_starts_at(site: Site, day: date, part: DayPart) -> datetime:
    return at_kerala(day, MIDDAY if part is DayPart.AFTERNOON else site.opens_at)


def check_desk_request(site: Site, day: date, part: DayPart, now: datetime) -> None:
    """Refuse a desk booking that a rule forbids (closures are checked elsewhere)."""
    if not site.is_centre:
        raise InvalidRequest(_("%(site)s is a hostel; book a bed there, not a desk.",
                               site=site.name))
    check_site_bookable(site)
    today = now.date()
    if day < today or part_ends_at(site, day, part) <= now:
        raise InPast(_("%(day)s (%(part)s) has already passed.", day=day, part=part_name(part)))
    last = today + timedelta(days=site.advance_days)
    if day > last:
        raise OutsideBookingWindow(
            _("Desks at %(site)s can be booked up to %(advance_days)s days ahead (until "
              "%(last)s).", 
              site=site.name, advance_days=site.advance_days, last=last)
        )
    if not site.is_open_weekday(day):
        raise SiteClosedOn(
            _("%(site)s is not open on %(weekdays)s (open %(opening_days)s).", site=site.name,
              weekdays=WEEKDAYS_PLURAL[day.weekday()],
              opening_days=opening_days_text(site.opening_days))
        )


def check_stay_request(site: Site, check_in: date, check_out: date, now: datetime, *,
                       monthly: bool = False) -> None:
    """Refuse a hostel stay that a rule forbids (closures are checked elsewhere).

    A monthly stay's length is checked in months (``check_monthly_request``), not nights.
    """
    if not site.is_hostel:
        raise InvalidRequest(_("%(site)s is a coworking centre; book a desk there, not a bed.",
                               site=site.name))
    if check_out <= check_in:
        raise InvalidRequest(_("The check-out date must be after the check-in date."))
    check_site_bookable(site)
    if not monthly and not site.offers_nightly:
        raise RuleViolation(_("%(site)s takes monthly stays only: ask for a number of months.",
                              site=site.name))
    today = now.date()
    if check_in < today:
        raise InPast(_("The check-in date %(check_in)s has already passed.", check_in=check_in))
    last = today + timedelta(days=site.advance_days)
    if check_in > last:
        raise OutsideBookingWindow(
            _("Check-in at %(site)s can be at most %(advance_days)s days ahead (until %(last)s).",
              site=site.name, advance_days=site.advance_days, last=last)
        )
    if monthly:
        return
    nights = (check_out - check_in).days
    if nights > site.max_stay_nights:
        raise StayTooLong(
            _("That is %(nights)s nights; the longest stay at %(site)s is %(max_stay_nights)s"
              " nights.",
              nights=nights, site=site.name, max_stay_nights=site.max_stay_nights)
        )


def check_monthly_request(site: Site, months: int | None) -> None:
    """Refuse a monthly stay the site does not offer, or of a length its rules forbid.

    ``months`` None is an open-ended stay (up to the site's longest stay).
    """
    if not site.is_hostel:
        raise InvalidRequest(_("%(site)s is a coworking centre; book a desk there, not a bed.",
                               site=site.name))
    if not site.offers_monthly:
        raise RuleViolation(_("%(site)s does not offer monthly stays; book nights instead.",
                              site=site.name))
    if months is None:
        return
    if months < site.min_months:
        raise RuleViolation(ngettext("Monthly stays at %(site)s are for at least %(num)d month.",
                                      "Monthly stays at %(site)s are for at least %(num)d months.",
                                      site.min_months, site=site.name))
    if months > site.longest_stay_months:
        raise StayTooLong(_("The longest stay at %(site)s is %(longest_stay_months)s months.",
                            site=site.name, longest_stay_months=site.longest_stay_months))


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
            hint = _("Hostel staff grant women's or men's rooms: ask on your account page,"
                     " then show a warden your photo ID.")
        else:
            hint = _("Choose a room designated for anyone or for you.")
        designation = DESIGNATION_WORDS.get(room.designation, room.designation)
        raise NotEligible(_("Room %(room)s is designated for %(designation)s. %(hint)s",
                            room=room.name, designation=designation, hint=hint))


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
                _("Bookings at %(site)s can be cancelled until %(cancel_cutoff_hours)s hours"
                  " before they start.",
                  site=booking.site.name, cancel_cutoff_hours=booking.site.cancel_cutoff_hours)
            )
        raise CancellationClosed(_("This booking has already started and can no longer be"
                                   " cancelled."))
