"""Every refusal is a typed error with a message a person understands."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.models import BookingEvent, DayPart
from booking.services.sites import capacity
from booking.services.bookings.book import book_bed, book_desk
from booking.services.bookings.member import cancel_booking, get_member_bookings
from booking.services.errors import (
    AlreadyCancelled,
    CancellationClosed,
    InPast,
    InvalidRequest,
    MemberAlreadyBooked,
    NotEligible,
    NotFound,
    OutsideBookingWindow,
    SiteClosedOn,
    SiteNotBookable,
    StayTooLong,
)
from tests.conftest import NOW, TODAY


def test_desk_in_the_past_is_refused(make):
    with pytest.raises(InPast, match="already passed"):
        make.desk_booking(day=TODAY - timedelta(days=1))


def test_this_morning_cannot_be_booked_after_midday(make):
    with pytest.raises(InPast):
        make.desk_booking(day=TODAY, part=DayPart.MORNING, now=NOW.replace(hour=13, minute=5))


def test_desk_beyond_the_advance_window_is_refused(make):
    with pytest.raises(OutsideBookingWindow, match="30 days ahead"):
        make.desk_booking(day=TODAY + timedelta(days=31))


def test_desk_on_a_weekly_holiday_is_refused(make):
    site = make.centre(opening_days="01234")
    saturday = TODAY + timedelta(days=(5 - TODAY.weekday()) % 7)
    with pytest.raises(SiteClosedOn, match="not open on Saturdays"):
        make.desk_booking(site=site, day=saturday)


def test_desk_on_a_closure_day_is_refused(session, make):
    site = make.centre()
    day = TODAY + timedelta(days=2)
    capacity.add_closure(session, site, day, day, reason="Onam holiday")
    with pytest.raises(SiteClosedOn, match="Onam holiday"):
        make.desk_booking(site=site, day=day)


@pytest.mark.parametrize("status, words", [("planned", "opening soon"), ("closed", "closed")])
def test_sites_not_open_take_no_bookings(make, status, words):
    site = make.centre(status=status)
    with pytest.raises(SiteNotBookable, match=words):
        make.desk_booking(site=site)


def test_unknown_desk_label_is_not_found(make):
    with pytest.raises(NotFound, match="no desk labelled 'Z99'"):
        make.desk_booking(desk="Z99")


def test_a_desk_cannot_be_booked_at_a_hostel(make):
    with pytest.raises(InvalidRequest, match="hostel"):
        make.desk_booking(site=make.hostel())


def test_reversed_stay_is_refused(session, make):
    site, member = make.hostel(), make.member()
    with pytest.raises(InvalidRequest, match="after the check-in"):
        book_bed(session, member, site, TODAY + timedelta(days=3), TODAY + timedelta(days=3), now=NOW)


def test_stay_longer_than_the_rule_is_refused(make):
    site = make.hostel(max_stay_nights=10)
    with pytest.raises(StayTooLong, match="longest stay"):
        make.bed_booking(site=site, nights=11)


def test_check_in_beyond_ninety_days_is_refused(make):
    with pytest.raises(OutsideBookingWindow, match="90 days"):
        make.bed_booking(check_in=TODAY + timedelta(days=91))


def test_a_long_stay_may_run_past_the_check_in_window(make):
    booking = make.bed_booking(check_in=TODAY + timedelta(days=90), nights=60)
    assert booking.nights == 60


def test_designated_room_needs_matching_eligibility(make):
    site = make.hostel(rooms=(("W1", "dormitory", "women", 2),))
    with pytest.raises(NotEligible, match="designated for women"):
        make.bed_booking(site=site, member=make.member(hostel_eligibility="men"), bed="W1-1")
    with pytest.raises(Exception, match="No suitable bed"):
        make.bed_booking(site=site, member=make.member())
    assert make.bed_booking(site=site, member=make.member(hostel_eligibility="women")).bed.label == "W1-1"


def test_member_cannot_hold_two_beds_on_one_night(make):
    member = make.member()
    make.bed_booking(member=member, check_in=TODAY + timedelta(days=1), nights=3)
    with pytest.raises(MemberAlreadyBooked):
        make.bed_booking(member=member, check_in=TODAY + timedelta(days=3), nights=1)


def test_a_member_may_hold_a_desk_by_day_and_a_bed_by_night(make):
    member = make.member()
    make.desk_booking(member=member, day=TODAY + timedelta(days=1))
    assert make.bed_booking(member=member, check_in=TODAY + timedelta(days=1)).is_live


def test_any_desk_prefers_the_members_usual_desk(make):
    site, member = make.centre(desks=4), make.member()
    make.desk_booking(member=member, site=site, day=TODAY + timedelta(days=1), desk="A03")
    again = make.desk_booking(member=member, site=site, day=TODAY + timedelta(days=2))
    assert again.desk.label == "A03"


def test_cancelling_keeps_the_record_and_history(session, make):
    booking = make.desk_booking()
    cancel_booking(session, booking, booking.member, now=NOW)
    assert booking.status == "cancelled" and booking.cancelled_at is not None
    kinds = session.scalars(select(BookingEvent.kind).where(BookingEvent.booking_id == booking.id))
    assert list(kinds) == ["created", "cancelled"]
    with pytest.raises(AlreadyCancelled):
        cancel_booking(session, booking, booking.member, now=NOW)


def test_member_cannot_cancel_after_the_cut_off(make, session):
    site = make.centre(cancel_cutoff_hours=24)
    booking = make.desk_booking(site=site, day=TODAY + timedelta(days=1))
    with pytest.raises(CancellationClosed, match="24 hours"):
        cancel_booking(session, booking, booking.member, now=NOW.replace(hour=10))


def test_someone_elses_booking_is_not_found_to_them(make, session):
    booking = make.desk_booking()
    with pytest.raises(NotFound):
        cancel_booking(session, booking, make.member(), now=NOW)


def test_staff_may_cancel_for_a_member_with_a_reason(make, session):
    booking = make.desk_booking()
    admin = make.member(role="admin")
    cancel_booking(session, booking, admin, reason="Desk damaged", now=NOW)
    assert booking.cancel_reason == "Desk damaged" and booking.cancelled_by_id == admin.id


def test_my_bookings_split_upcoming_and_past(make, session):
    member = make.member()
    make.desk_booking(member=member, day=TODAY + timedelta(days=2))
    make.desk_booking(member=member, day=TODAY + timedelta(days=1))
    upcoming = get_member_bookings(session, member, upcoming=True, today=TODAY)
    assert [b.starts_on for b in upcoming] == [TODAY + timedelta(days=1), TODAY + timedelta(days=2)]
    assert get_member_bookings(session, member, upcoming=False, today=TODAY) == []


def test_book_desk_accepts_full_day_only_when_both_halves_free(make, session):
    site = make.centre(desks=1)
    day = TODAY + timedelta(days=1)
    make.desk_booking(site=site, day=day, part=DayPart.AFTERNOON)
    from booking.services.errors import NoLongerAvailable

    with pytest.raises(NoLongerAvailable):
        book_desk(session, make.member(), site, day, DayPart.FULL, now=NOW)
    assert book_desk(session, make.member(), site, day, DayPart.MORNING, now=NOW).is_live
