"""Free beds by who may use them: what a member can book, and the breakdown for everyone."""
from __future__ import annotations

from datetime import timedelta

from booking.services.bookings.availability import (
    count_by_designation,
    count_in_rooms,
    get_bed_availability,
    get_eligible_room_ids,
)
from booking.services.bookings.preview import preview_stay
from tests.conftest import NOW, TODAY

ROOMS = (("W1", "dormitory", "women", 6), ("W2", "dormitory", "women", 6),
         ("M1", "dormitory", "men", 8), ("A1", "twin", "anyone", 3))


def _hostel(make):
    return make.hostel(rooms=ROOMS)


def test_a_man_can_book_men_s_and_anyone_rooms_only(session, make):
    site = _hostel(make)
    man = make.member(hostel_eligibility="men")
    [night] = get_bed_availability(session, site, TODAY + timedelta(days=1),
                                   TODAY + timedelta(days=1), NOW)
    assert night.beds.free == 23
    yours = count_in_rooms(night, get_eligible_room_ids(man, site.rooms))
    assert (yours.free, yours.total) == (11, 11)


def test_a_member_who_declared_nothing_can_book_only_rooms_for_anyone(session, make):
    site = _hostel(make)
    member = make.member(hostel_eligibility=None)
    [night] = get_bed_availability(session, site, TODAY + timedelta(days=1),
                                   TODAY + timedelta(days=1), NOW)
    assert count_in_rooms(night, get_eligible_room_ids(member, site.rooms)).free == 3


def test_breakdown_by_designation_lists_rooms_for_anyone_first(session, make):
    site = _hostel(make)
    make.bed_booking(site=site, member=make.member(hostel_eligibility="women"),
                     check_in=TODAY + timedelta(days=1), bed="W1-1")
    [night] = get_bed_availability(session, site, TODAY + timedelta(days=1),
                                   TODAY + timedelta(days=1), NOW)
    breakdown = [(d, c.free, c.total) for d, c in count_by_designation(night)]
    assert breakdown == [("anyone", 3, 3), ("women", 11, 12), ("men", 8, 8)]


def test_bookings_closures_and_retired_beds_count_against_the_member_s_rooms(session, make):
    from booking.services.sites import capacity

    site = _hostel(make)
    man = make.member(hostel_eligibility="men")
    night_on = TODAY + timedelta(days=2)
    make.bed_booking(site=site, member=man, check_in=night_on, nights=1, bed="M1-1")
    capacity.add_closure(session, site, night_on, night_on, reason="Painting",
                         room=next(r for r in site.rooms if r.name == "A1"))
    [night] = get_bed_availability(session, site, night_on, night_on, NOW)
    yours = count_in_rooms(night, get_eligible_room_ids(man, site.rooms))
    assert (yours.free, yours.total) == (7, 11)  # M1 less the booking; A1 closed
    assert night.beds.free == 19
    # The rooms add up to the night: the breakdown never disagrees with the total.
    assert sum(c.free for c in night.rooms.values()) == night.beds.free
    assert sum(c.free for _d, c in count_by_designation(night)) == night.beds.free


def test_a_closed_night_has_nothing_free_for_anyone(session, make):
    from booking.services.sites import capacity

    site = _hostel(make)
    woman = make.member(hostel_eligibility="women")
    night_on = TODAY + timedelta(days=3)
    capacity.add_closure(session, site, night_on, night_on, reason="Onam")
    [night] = get_bed_availability(session, site, night_on, night_on, NOW)
    assert count_in_rooms(night, get_eligible_room_ids(woman, site.rooms)).free == 0
    assert [c.free for _d, c in count_by_designation(night)] == [0, 0, 0]


def test_stay_preview_separates_the_member_s_beds_from_the_others(session, make):
    site = _hostel(make)
    man = make.member(hostel_eligibility="men")
    preview = preview_stay(session, site, man, TODAY + timedelta(days=1),
                           TODAY + timedelta(days=3), NOW)
    assert {b.room.designation for b in preview.beds} == {"men", "anyone"}
    assert len(preview.beds) == 11
    assert {b.room.designation for b in preview.other_beds} == {"women"}
    assert len(preview.other_beds) == 12
