"""Waitlists: joining only when full, filled first in line first in the freeing transaction."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from booking.models import Booking, DayPart, OutboxMessage, WaitlistEntry
from booking.services.bookings.book import DeskRequest, StayRequest, book_desk
from booking.services.bookings.ending import end_booking_early
from booking.services.bookings.member import cancel_booking
from booking.services.bookings.waitlist import (
    fill_waitlist,
    get_member_entries,
    get_waiting_counts,
    join_waitlist,
    leave_waitlist,
)
from booking.services.errors import (
    AlreadyBookedThen,
    AlreadyWaiting,
    InPast,
    NotEligible,
    PlaceIsFree,
    RuleViolation,
)
from booking.services.sites import admin as site_admin
from tests.conftest import NOW

DAY = NOW.date() + timedelta(days=1)


@pytest.fixture
def full_centre(make):
    """A one-desk centre whose desk is booked for the whole of DAY."""
    site = make.centre(desks=1)
    holder = make.member()
    booking = make.desk_booking(holder, site, DAY)
    return site, holder, booking


def test_joining_is_refused_while_a_desk_is_free(make):
    site = make.centre(desks=1)
    with pytest.raises(PlaceIsFree, match="book it instead"):
        join_waitlist(make.session, make.member(), DeskRequest(site, DAY, DayPart.FULL), NOW)


def test_cancellation_books_the_first_in_line_in_the_same_transaction(make, full_centre):
    site, holder, booking = full_centre
    first, second = make.member(), make.member()
    e1 = join_waitlist(make.session, first, DeskRequest(site, DAY, DayPart.FULL), NOW)
    e2 = join_waitlist(make.session, second, DeskRequest(site, DAY, DayPart.FULL),
                       NOW + timedelta(minutes=1))
    assert [p.position for p in get_member_entries(make.session, second, today=NOW.date())] == [2]
    cancel_booking(make.session, booking, holder, now=NOW)
    assert e1.status == "filled" and e2.status == "waiting"
    filled = make.session.get(Booking, e1.booking_id)
    assert filled.member_id == first.id and filled.is_live and filled.source == "waitlist"
    assert [p.position for p in get_member_entries(make.session, second, today=NOW.date())] == [1]
    (mail,) = make.session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.user_id == first.id)).all()
    assert mail.kind == "waitlist_filled"  # one mail for the filled place, not two
    body = message_from_bytes(mail.message, policy=policy.default).get_body(("plain",)).get_content()
    assert site.name in body and f"/bookings/{filled.id}" in body


def test_a_refused_fill_keeps_the_entry_and_the_next_in_line_gets_the_place(make, full_centre):
    site, holder, booking = full_centre
    busy, patient = make.member(), make.member()
    other = make.centre(desks=1)
    e1 = join_waitlist(make.session, busy, DeskRequest(site, DAY, DayPart.FULL), NOW)
    e2 = join_waitlist(make.session, patient, DeskRequest(site, DAY, DayPart.FULL), NOW)
    book_desk(make.session, busy, other, DAY, DayPart.MORNING, now=NOW)  # now booked elsewhere
    cancel_booking(make.session, booking, holder, now=NOW)
    assert e1.status == "waiting" and e2.status == "filled"
    assert booking.status == "cancelled"  # the refused fill did not spoil the cancellation


def test_half_day_given_back_fills_a_morning_or_afternoon_entry(make):
    site = make.centre(desks=1)
    holder, waiting = make.member(), make.member()
    booking = make.desk_booking(holder, site, NOW.date())
    entry = join_waitlist(make.session, waiting, DeskRequest(site, NOW.date(), DayPart.AFTERNOON),
                          NOW)
    end_booking_early(make.session, booking, holder, now=NOW + timedelta(hours=1))
    assert entry.status == "filled"


def test_hostel_entry_is_filled_only_by_a_bed_free_every_night(make):
    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 1),))
    a, b, waiting = make.member(), make.member(), make.member()
    first = make.bed_booking(a, site, DAY, nights=1)
    second = make.bed_booking(b, site, DAY + timedelta(days=1), nights=1)
    entry = join_waitlist(make.session, waiting, StayRequest(site, DAY, DAY + timedelta(days=2)),
                          NOW)
    cancel_booking(make.session, first, a, now=NOW)
    assert entry.status == "waiting"
    cancel_booking(make.session, second, b, now=NOW)
    assert entry.status == "filled"
    assert make.session.get(Booking, entry.booking_id).nights == 2


def test_hostel_join_needs_a_room_the_member_may_use(make):
    site = make.hostel(rooms=(("R1", "single", "women", 1),))
    make.bed_booking(make.member(hostel_eligibility="women"), site, DAY)
    with pytest.raises(NotEligible):
        join_waitlist(make.session, make.member(), StayRequest(site, DAY, DAY + timedelta(days=1)),
                      NOW)


def test_rules_refuse_a_join_like_a_booking(make, full_centre):
    site, holder, _ = full_centre
    with pytest.raises(AlreadyBookedThen):
        join_waitlist(make.session, holder, DeskRequest(site, DAY, DayPart.MORNING), NOW)
    with pytest.raises(InPast):
        join_waitlist(make.session, make.member(),
                      DeskRequest(site, NOW.date() - timedelta(days=1), DayPart.FULL), NOW)
    member = make.member()
    join_waitlist(make.session, member, DeskRequest(site, DAY, DayPart.FULL), NOW)
    with pytest.raises(AlreadyWaiting):
        join_waitlist(make.session, member, DeskRequest(site, DAY, DayPart.FULL), NOW)


def test_left_entries_are_not_filled_and_can_not_be_left_twice(make, full_centre):
    site, holder, booking = full_centre
    member = make.member()
    entry = join_waitlist(make.session, member, DeskRequest(site, DAY, DayPart.FULL), NOW)
    leave_waitlist(make.session, member, entry, now=NOW)
    with pytest.raises(RuleViolation):
        leave_waitlist(make.session, member, entry, now=NOW)
    cancel_booking(make.session, booking, holder, now=NOW)
    assert entry.status == "left" and entry.booking_id is None
    # Leaving freed the slot: the member may join again.
    make.desk_booking(make.member(), site, DAY)
    join_waitlist(make.session, member, DeskRequest(site, DAY, DayPart.FULL), NOW)


def test_entries_whose_day_passed_expire(make, full_centre):
    site, _, _ = full_centre
    entry = join_waitlist(make.session, make.member(), DeskRequest(site, DAY, DayPart.FULL), NOW)
    fill_waitlist(make.session, site, DAY, DAY, now=NOW + timedelta(days=2))
    assert entry.status == "expired"


def test_added_desks_and_a_lifted_closure_fill_the_waitlist(make, full_centre):
    site, _, _ = full_centre
    admin = make.member(role="admin")
    entry = join_waitlist(make.session, make.member(), DeskRequest(site, DAY, DayPart.FULL), NOW)
    assert get_waiting_counts(make.session, site, DAY) == {"full": 1}
    site_admin.add_desks(make.session, admin, site, 1, "B")
    assert entry.status == "filled"
    assert get_waiting_counts(make.session, site, DAY) == {}


def test_deleting_an_account_gives_its_places_to_those_waiting_and_drops_its_entries(
        make, full_centre):
    from booking.services.accounts import privacy

    site, holder, booking = full_centre
    waiting = make.member()
    entry = join_waitlist(make.session, waiting, DeskRequest(site, DAY, DayPart.FULL), NOW)
    other = make.centre(desks=1)
    later = DAY + timedelta(days=1)
    make.desk_booking(make.member(), other, later)
    own_entry = join_waitlist(make.session, holder, DeskRequest(other, later, DayPart.MORNING),
                              NOW)
    own_id, entry_id = own_entry.id, entry.id
    assert [e["status"] for e in privacy.export_member_data(make.session, holder)["waitlist"]] \
        == ["waiting"]
    privacy.delete_account(make.session, holder, NOW.date())
    assert make.session.get(WaitlistEntry, own_id) is None
    assert make.session.get(WaitlistEntry, entry_id).status == "filled"


def test_the_worker_task_expires_entries_whose_day_passed_and_nothing_else(make, full_centre):
    from booking.services.bookings.waitlist import expire_passed_entries
    from booking.worker import periodic_tasks

    site, _, _ = full_centre
    today = join_waitlist(make.session, make.member(), DeskRequest(site, DAY, DayPart.FULL), NOW)
    make.desk_booking(make.member(), site, DAY + timedelta(days=1))
    later = join_waitlist(make.session, make.member(),
                          DeskRequest(site, DAY + timedelta(days=1), DayPart.FULL), NOW)
    assert expire_passed_entries in [task for _name, task in periodic_tasks()]
    assert expire_passed_entries(make.session, NOW + timedelta(days=1)) == 0
    assert expire_passed_entries(make.session, NOW + timedelta(days=2)) == 1
    make.session.expire_all()
    assert (today.status, later.status) == ("expired", "waiting")
    assert expire_passed_entries(make.session, NOW + timedelta(days=2)) == 0  # idempotent
