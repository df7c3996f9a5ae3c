"""Calendar files (RFC 5545) for bookings: mail attachments and the members' feeds.

Built with the ``icalendar`` package, never by hand. Calendar apps recognise a
booking by its ``UID`` and take a higher ``SEQUENCE`` as the newer version of
it, so a booking keeps one UID for its whole life, in every mail and in the
feed, and its SEQUENCE is the number of changes in its history (booking_events:
0 when made, one more for each cancel, move, end-early or conflict).

- Desks: ``DTSTART``/``DTEND`` with ``TZID=Asia/Kolkata`` at the part's hours
  (opening time, 13:00, closing time: the same hours the pages show).
- Beds: all-day dates, check-in to check-out (exclusive, as RFC 5545 reads
  ``DTEND;VALUE=DATE``), marked free time (a stay does not fill the day).

Use ``booking_calendar([booking], method="PUBLISH")`` for a confirmation or a
change, ``cancellation_calendar(booking)`` after a cancel, and
``booking_calendar(bookings)`` for a feed. Pure functions of the bookings
(their site, desk/bed and history loaded) apart from counting a booking's
history when no ``sequence`` is given.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from functools import cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vText
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from ...models import Booking, BookingEvent, DayPart
from ..bookings.rules import part_ends_at, part_starts_at

PRODID = "-//Kerala IT Workspaces//Booking//EN"
# The right-hand side of every UID. Fixed, not taken from PUBLIC_URL: a booking's
# UID must stay the same if the service moves to another address, or every
# calendar would show each booking twice.
UID_DOMAIN = "booking.kerala-it-workspaces"
# Confirmations and changes go out as PUBLISH, not REQUEST. REQUEST is a meeting
# invitation: it needs an ATTENDEE matching the reader's account and makes Outlook,
# Gmail and Apple Mail offer Accept/Decline and send an iTIP REPLY to the organizer
# (our mail address nobody reads), and some refuse or misfile it when the attendee
# does not match. PUBLISH is "here is an event": every one of them offers to add it
# as it is, and a later PUBLISH or CANCEL with the same UID and a higher SEQUENCE
# updates or removes it.
CONFIRM_METHOD = "PUBLISH"
CANCEL_METHOD = "CANCEL"
PART_WORDS = {"morning": "morning", "afternoon": "afternoon", "full": "full day"}


def booking_uid(booking: Booking) -> str:
    """The booking's UID, the same in every mail and feed: booking-42@booking.kerala-it-workspaces."""
    return f"booking-{booking.id}@{UID_DOMAIN}"


def booking_url(booking: Booking, base_url: str) -> str:
    """The booking's page (web.booking_page) under the public base URL."""
    return f"{base_url.rstrip('/')}/bookings/{booking.id}"


def get_sequences(session: Session, bookings: Iterable[Booking]) -> dict[int, int]:
    """SEQUENCE for many bookings in one query: their number of changes since made."""
    ids = [b.id for b in bookings]
    if not ids:
        return {}
    counts = dict(session.execute(
        select(BookingEvent.booking_id, func.count())
        .where(BookingEvent.booking_id.in_(ids)).group_by(BookingEvent.booking_id)
    ).all())
    # The first event is "created"; bookings made without one (bulk seeding) are at 0.
    return {booking_id: max(0, counts.get(booking_id, 0) - 1) for booking_id in ids}


def get_sequence(booking: Booking) -> int:
    """SEQUENCE of one booking, counted in the database (the loaded history may be stale)."""
    session = object_session(booking)
    if session is None:
        return max(0, len(booking.events) - 1)
    return get_sequences(session, [booking])[booking.id]


def booking_event(booking: Booking, *, sequence: int | None = None,
                  base_url: str | None = None, organizer: str | None = None,
                  now: datetime | None = None) -> Event:
    """The VEVENT for one booking, live (CONFIRMED) or cancelled (CANCELLED).

    ``sequence`` defaults to the booking's count of changes; ``base_url`` (e.g.
    PUBLIC_URL) adds a URL back to the booking's page; ``organizer`` (an email
    address, e.g. MAIL_FROM) adds the ORGANIZER that iTIP methods expect.
    """
    site = booking.site
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", (now or datetime.now(timezone.utc)).astimezone(timezone.utc))
    event.add("created", booking.created_at)
    event.add("sequence", get_sequence(booking) if sequence is None else sequence)
    event.add("summary", summary(booking))
    if booking.is_desk:
        part = DayPart(booking.part)
        event.add("dtstart", part_starts_at(site, booking.starts_on, part))
        event.add("dtend", part_ends_at(site, booking.starts_on, part))
    else:
        event.add("dtstart", booking.starts_on)  # VALUE=DATE
        event.add("dtend", booking.ends_on)  # check-out day, exclusive
        event.add("transp", "TRANSPARENT")
    if location := site_location(site):
        event.add("location", location)
    if site.has_coordinates:
        event.add("geo", (site.latitude, site.longitude))
    event.add("status", "CONFIRMED" if booking.is_live else "CANCELLED")
    event.add("description", description(booking, base_url))
    if base_url:
        event.add("url", booking_url(booking, base_url))
    if organizer:
        address = vCalAddress(f"mailto:{organizer}")
        address.params["cn"] = vText(site.name)
        event.add("organizer", address)
    return event


def booking_calendar(bookings: Iterable[Booking], *, method: str | None = None,
                     base_url: str | None = None, organizer: str | None = None,
                     now: datetime | None = None, name: str | None = None,
                     sequences: Mapping[int, int] | None = None) -> bytes:
    """A VCALENDAR holding the bookings' events, as the bytes of an .ics file.

    ``method``: None for a feed or a download, CONFIRM_METHOD ("PUBLISH") for a
    mail confirming or changing a booking. ``name`` names a feed in calendar apps.
    ``sequences`` (booking id -> SEQUENCE, from get_sequences) spares a query per
    booking when there are many.
    """
    calendar = _calendar(method, name)
    for booking in bookings:
        sequence = sequences.get(booking.id) if sequences is not None else None
        calendar.add_component(booking_event(booking, sequence=sequence, base_url=base_url,
                                             organizer=organizer, now=now))
    return _finish(calendar)


def cancellation_calendar(booking: Booking, *, base_url: str | None = None,
                          organizer: str | None = None, now: datetime | None = None) -> bytes:
    """METHOD:CANCEL for a cancelled booking: same UID, STATUS:CANCELLED, a higher SEQUENCE.

    Call it after the booking is cancelled (its history then holds the cancel,
    which is what raises the SEQUENCE above the confirmation's).
    """
    if booking.is_live:
        raise ValueError(f"booking {booking.id} is not cancelled")
    calendar = _calendar(CANCEL_METHOD, None)
    calendar.add_component(booking_event(booking, base_url=base_url, organizer=organizer,
                                         now=now))
    return _finish(calendar)


def summary(booking: Booking) -> str:
    """Desk A-03 (morning) at WNH Kottarakkara; Bed R1-2 at Technopark Hostel."""
    site = booking.site
    if booking.is_desk:
        return (f"Desk {booking.resource_label} ({PART_WORDS.get(booking.part, booking.part)})"
                f" at {site.name}")
    return f"Bed {booking.resource_label} at {site.name}"


def site_location(site) -> str:
    """The site's name and postal address on one line, as maps apps search for it."""
    address = ", ".join(line.strip() for line in (site.address or "").splitlines()
                        if line.strip())
    if not address:
        address = ", ".join(p for p in (site.town, site.district) if p)
    return ", ".join(p for p in (site.name, address) if p)


def description(booking: Booking, base_url: str | None) -> str:
    site = booking.site
    if booking.is_desk:
        part = DayPart(booking.part)
        lines = [f"{summary(booking)}, "
                 f"{part_starts_at(site, booking.starts_on, part):%H:%M}–"
                 f"{part_ends_at(site, booking.starts_on, part):%H:%M}."]
    else:
        lines = [f"{summary(booking)}: check in from {site.check_in_time:%H:%M},"
                 f" check out by {site.check_out_time:%H:%M} on the last day."]
    if not booking.is_live:
        lines.append(f"Cancelled: {booking.cancel_reason or 'no reason given'}.")
    if site.phone:
        lines.append(f"Phone: {site.phone}")
    if base_url:
        lines.append(f"Your booking: {booking_url(booking, base_url)}")
    return "\n".join(lines)


def _calendar(method: str | None, name: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Asia/Kolkata")
    return calendar


@cache
def _kolkata_vtimezone() -> Timezone:
    """Asia/Kolkata as a VTIMEZONE, built once: deriving it from the tz database is
    the costliest step of a calendar file, and the zone has not changed since 1945."""
    return Timezone.from_tzid("Asia/Kolkata")


def _finish(calendar: Calendar) -> bytes:
    # A VTIMEZONE for the TZID desk parts use, so DTSTART;TZID=Asia/Kolkata resolves
    # in apps that do not know the IANA name (RFC 5545 requires it); stays are all-day.
    if any(event.get("dtstart") is not None and getattr(event["dtstart"].dt, "tzinfo", None)
           for event in calendar.walk("VEVENT")):
        calendar.add_component(_kolkata_vtimezone())
    return calendar.to_ical()
