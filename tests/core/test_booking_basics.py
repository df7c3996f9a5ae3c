from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import BedNight, DayPart, DeskCell
from booking.services.bookings.availability import get_bed_availability, get_desk_availability
from booking.services.bookings.book import book_desk
from booking.services.bookings.member import cancel_booking
from booking.services.errors import MemberAlreadyBooked, NoLongerAvailable

from tests.conftest import NOW


def test_any_desk_then_last_desk_taken(session, make):
    site = make.centre(desks=1)
    day = NOW.date() + timedelta(days=2)
    first = make.desk_booking(site=site, day=day)
    assert first.desk.label == "A01"
    with pytest.raises(NoLongerAvailable):
        make.desk_booking(site=site, day=day, part=DayPart.MORNING)
    days = get_desk_availability(session, site, day, day, NOW)
    assert days[0].morning.free == 0 and days[0].morning.total == 1


def test_member_cannot_hold_two_desks_same_morning(session, make):
    site = make.centre(desks=2)
    member = make.member()
    day = NOW.date() + timedelta(days=1)
    make.desk_booking(member=member, site=site, day=day, part=DayPart.MORNING)
    with pytest.raises(MemberAlreadyBooked):
        make.desk_booking(member=member, site=site, day=day, part=DayPart.FULL)


def test_cancel_frees_cells_and_keeps_record(session, make):
    booking = make.bed_booking(nights=3)
    assert session.scalar(select(func.count()).select_from(BedNight)) == 3
    cancel_booking(session, booking, booking.member, now=NOW)
    assert session.scalar(select(func.count()).select_from(BedNight)) == 0
    assert booking.status == "cancelled" and booking.cancelled_by_id == booking.member_id
    days = get_bed_availability(session, booking.site, booking.starts_on, booking.starts_on, NOW)
    assert days[0].beds.free == 2
