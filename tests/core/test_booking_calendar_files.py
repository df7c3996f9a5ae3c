"""Calendar files for bookings, parsed back with icalendar as a calendar app would read them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar

from booking.clock import KOLKATA
from booking.models import DayPart
from booking.services.bookings.ending import end_booking_early
from booking.services.bookings.member import cancel_booking
from booking.services.notices.calendar import (
    booking_calendar,
    booking_uid,
    cancellation_calendar,
    get_sequence,
    get_sequences,
)
from booking.services.sites.capacity import retire_desk
from tests.conftest import NOW, TODAY

TOMORROW = TODAY + timedelta(days=1)
STAMP = datetime(2026, 12, 1, 3, 30, tzinfo=timezone.utc)
ADDRESS = "College of Engineering Kottarakkara, Pulamon P.O.\nKottarakkara, Kollam 691531"


def events(ics: bytes):
    calendar = Calendar.from_ical(ics)
    return calendar, calendar.walk("VEVENT")


@pytest.fixture
def centre(make):
    return make.centre(name="WNH Kottarakkara", address=ADDRESS, opens_at=time(8, 30),
                       closes_at=time(18), latitude=9.0062, longitude=76.7808)


@pytest.mark.parametrize(("part", "starts", "ends"), [
    (DayPart.MORNING, time(8, 30), time(13)),
    (DayPart.AFTERNOON, time(13), time(18)),
    (DayPart.FULL, time(8, 30), time(18)),
])
def test_desk_part_is_timed_in_kerala_at_the_sites_hours(make, centre, part, starts, ends):
    booking = make.desk_booking(site=centre, day=TOMORROW, part=part)

    calendar, (event,) = events(booking_calendar([booking], method="PUBLISH", now=STAMP))

    assert calendar["VERSION"] == "2.0" and "Kerala IT Workspaces" in calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert event["DTEND"].params["TZID"] == "Asia/Kolkata"
    assert event.decoded("DTSTART") == datetime.combine(TOMORROW, starts, tzinfo=KOLKATA)
    assert event.decoded("DTEND") == datetime.combine(TOMORROW, ends, tzinfo=KOLKATA)
    # The TZID resolves inside the file: a VTIMEZONE for Asia/Kolkata at +05:30.
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Kolkata"
    assert zone.walk("STANDARD")[0].decoded("TZOFFSETTO") == timedelta(hours=5, minutes=30)
    assert event["UID"] == f"booking-{booking.id}@booking.kerala-it-workspaces"
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == (f"Desk {booking.desk.label} ({part.value.replace('full', 'full day')})"
                                     " at WNH Kottarakkara")


def test_location_is_the_sites_name_and_address_on_one_line(make, centre):
    booking = make.desk_booking(site=centre)

    _calendar, (event,) = events(booking_calendar([booking]))

    assert str(event["LOCATION"]) == ("WNH Kottarakkara, College of Engineering Kottarakkara,"
                                      " Pulamon P.O., Kottarakkara, Kollam 691531")
    assert event["GEO"].latitude == pytest.approx(9.0062)
    assert event["GEO"].longitude == pytest.approx(76.7808)


def test_site_without_address_is_located_by_town_and_district(make):
    site = make.centre(name="WNH Varkala", town="Varkala", district="Thiruvananthapuram")
    booking = make.desk_booking(site=site)

    _calendar, (event,) = events(booking_calendar([booking]))

    assert str(event["LOCATION"]) == "WNH Varkala, Varkala, Thiruvananthapuram"
    assert "GEO" not in event


def test_bed_stay_is_all_day_from_check_in_to_check_out(make):
    hostel = make.hostel(name="Technopark Hostel", address="Technopark Phase III, Kazhakkoottam")
    booking = make.bed_booking(site=hostel, check_in=TOMORROW, nights=3)

    _calendar, (event,) = events(booking_calendar([booking]))

    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert event.decoded("DTSTART") == TOMORROW
    assert type(event.decoded("DTSTART")) is date
    # Check-out day, exclusive: three nights span four calendar days, the last not included.
    assert event.decoded("DTEND") == TOMORROW + timedelta(days=3)
    assert type(event.decoded("DTEND")) is date
    assert event["TRANSP"] == "TRANSPARENT"  # a stay does not make the member busy all day
    assert str(event["SUMMARY"]) == f"Bed {booking.bed.label} at Technopark Hostel"
    assert str(event["LOCATION"]) == "Technopark Hostel, Technopark Phase III, Kazhakkoottam"


def test_cancellation_keeps_the_uid_and_raises_the_sequence(make, session, centre):
    booking = make.desk_booking(site=centre)
    _calendar, (confirmed,) = events(booking_calendar([booking], method="PUBLISH"))

    cancel_booking(session, booking, booking.member, reason="Plans changed", now=NOW)
    calendar, (cancelled,) = events(cancellation_calendar(booking, now=STAMP))

    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["UID"] == confirmed["UID"] == booking_uid(booking)
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1 > confirmed["SEQUENCE"]
    assert "Plans changed" in str(cancelled["DESCRIPTION"])
    # The same booking in a feed reads as cancelled too, at the same sequence.
    _calendar, (in_feed,) = events(booking_calendar([booking]))
    assert in_feed["STATUS"] == "CANCELLED" and in_feed["SEQUENCE"] == 1


def test_sequence_counts_the_database_not_a_stale_loaded_history(make, session, centre):
    booking = make.desk_booking(site=centre)
    assert [e.kind for e in booking.events] == ["created"]  # loaded before the cancel

    cancel_booking(session, booking, booking.member, now=NOW)

    assert get_sequence(booking) == 1
    _calendar, (event,) = events(cancellation_calendar(booking))
    assert event["SEQUENCE"] == 1


def test_a_live_booking_has_no_cancellation_file(make, centre):
    booking = make.desk_booking(site=centre)
    with pytest.raises(ValueError):
        cancellation_calendar(booking)


def test_ending_early_and_moving_change_the_event_under_the_same_uid(make, session, centre):
    member = make.member()
    stay = make.bed_booking(member=member, check_in=TODAY - timedelta(days=1), nights=4,
                            now=NOW - timedelta(days=1))
    desk = make.desk_booking(member=member, site=centre, day=TOMORROW,
                             part=DayPart.MORNING, desk="A01")

    end_booking_early(session, stay, member, now=NOW)
    retire_desk(session, desk.desk, TOMORROW, None)  # A02 is free: the booking moves there
    session.refresh(desk)

    _calendar, found = events(booking_calendar([stay, desk]))
    by_uid = {str(e["UID"]): e for e in found}
    ended, moved = by_uid[booking_uid(stay)], by_uid[booking_uid(desk)]
    assert ended["SEQUENCE"] == 1 and ended.decoded("DTEND") == TODAY  # gives back tonight on
    assert moved["SEQUENCE"] == 1 and "Desk A02" in str(moved["SUMMARY"])
    assert ended["STATUS"] == moved["STATUS"] == "CONFIRMED"


def test_url_links_to_the_booking_page_when_a_base_url_is_given(make, centre, app):
    booking = make.desk_booking(site=centre)

    _calendar, (event,) = events(booking_calendar([booking], base_url="https://wnh.example/"))
    _calendar, (plain,) = events(booking_calendar([booking]))

    with app.test_request_context(base_url="https://wnh.example"):
        from flask import url_for
        page = url_for("web.booking_page", booking_id=booking.id, _external=True)
    assert event["URL"] == page == f"https://wnh.example/bookings/{booking.id}"
    assert page in str(event["DESCRIPTION"])
    assert "URL" not in plain


def test_organizer_is_the_given_address_named_after_the_site(make, centre):
    booking = make.desk_booking(site=centre)

    _calendar, (event,) = events(booking_calendar([booking], method="PUBLISH",
                                                  organizer="bookings@wnh.example"))

    assert str(event["ORGANIZER"]) == "mailto:bookings@wnh.example"
    assert event["ORGANIZER"].params["CN"] == "WNH Kottarakkara"


def test_many_bookings_share_one_timezone_and_one_sequence_query(make, session, centre):
    member = make.member()
    first = make.desk_booking(member=member, site=centre, day=TOMORROW)
    second = make.desk_booking(member=member, site=centre, day=TOMORROW + timedelta(days=1))
    cancel_booking(session, second, member, now=NOW)

    sequences = get_sequences(session, [first, second])
    calendar, found = events(booking_calendar([first, second], sequences=sequences,
                                              name="Desk and bed bookings"))

    assert sequences == {first.id: 0, second.id: 1}
    assert [e["SEQUENCE"] for e in found] == [0, 1]
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert calendar["X-WR-CALNAME"] == "Desk and bed bookings"
