"""Capacity changes never silently drop a booking."""
from __future__ import annotations

from datetime import timedelta

from booking.models import DayPart
from booking.services.sites import capacity
from tests.conftest import TODAY


def test_retiring_a_desk_moves_its_bookings_to_a_free_desk(session, make):
    site = make.centre(desks=2)
    booking = make.desk_booking(site=site, desk="A01", day=TODAY + timedelta(days=3))
    change = capacity.retire_desk(session, site.desks[0], TODAY + timedelta(days=1), None)
    assert change.moved == [booking] and change.conflicts == []
    assert booking.desk.label == "A02" and booking.is_live
    assert [e.kind for e in booking.events] == ["created", "moved"]


def test_retiring_a_desk_with_no_free_equivalent_flags_a_conflict(session, make):
    site = make.centre(desks=2)
    day = TODAY + timedelta(days=3)
    kept = make.desk_booking(site=site, desk="A01", day=day, part=DayPart.MORNING)
    make.desk_booking(site=site, desk="A02", day=day, part=DayPart.MORNING)
    change = capacity.retire_desk(session, site.desks[0], day, None)
    assert change.conflicts == [kept] and kept.is_live
    assert "retired" in kept.conflict


def test_bookings_before_the_retirement_date_stay_put(session, make):
    site = make.centre(desks=2)
    early = make.desk_booking(site=site, desk="A01", day=TODAY + timedelta(days=1))
    change = capacity.retire_desk(session, site.desks[0], TODAY + timedelta(days=2), None)
    assert change.moved == [] and early.desk.label == "A01"


def test_retiring_a_bed_moves_a_stay_to_an_equivalent_bed(session, make):
    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 2), ("S1", "single", "anyone", 1)))
    stay = make.bed_booking(site=site, bed="R1-1", nights=3)
    change = capacity.retire_bed(session, site.rooms[0].beds[0], TODAY, None)
    assert change.moved == [stay] and stay.bed.label == "R1-2"


def test_closing_a_site_flags_the_bookings_it_hits(session, make):
    site = make.centre()
    hit = make.desk_booking(site=site, day=TODAY + timedelta(days=2))
    make.desk_booking(site=site, day=TODAY + timedelta(days=4))
    _, change = capacity.add_closure(session, site, TODAY + timedelta(days=2),
                                     TODAY + timedelta(days=3), reason="Maintenance")
    assert change.conflicts == [hit] and "Maintenance" in hit.conflict


def test_renames_refuse_a_name_already_used_at_the_site(session, make):
    import pytest

    from booking.services.errors import InvalidRequest

    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 2), ("R2", "twin", "anyone", 2)))
    first, second = site.rooms
    with pytest.raises(InvalidRequest, match="already has a bed labelled R1-2"):
        capacity.rename_bed(session, first.beds[0], "R1-2")
    with pytest.raises(InvalidRequest, match="already has a room named R2"):
        capacity.rename_room(session, first, "R2")
    assert capacity.rename_room(session, first, "  Sea   view ").name == "Sea view"
    assert capacity.rename_bed(session, first.beds[0], "Window").label == "Window"
