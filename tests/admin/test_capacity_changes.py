"""Retiring desks, beds and rooms, and closures: bookings move or surface, never vanish."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import AuditEntry, BedNight, Booking, DayPart, DeskCell
from booking.services.sites import capacity, admin as sites_admin
from booking.services.errors import InvalidRequest
from tests.conftest import NOW, TODAY

DAY = TODAY + timedelta(days=3)


def live_bookings(session):
    return session.scalar(select(func.count()).select_from(Booking)
                          .where(Booking.status == "live"))


def test_retiring_a_desk_moves_its_future_bookings_to_free_desks(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=3)
    desk = site.desks[0]
    booking = make.desk_booking(site=site, day=DAY, desk=desk.label)
    change = sites_admin.retire(session, admin, site, desk, DAY, TODAY)
    assert change.moved == [booking] and change.conflicts == []
    assert booking.desk_id != desk.id and booking.conflict is None
    cells = session.scalars(select(DeskCell).where(DeskCell.booking_id == booking.id)).all()
    assert {c.desk_id for c in cells} == {booking.desk_id} and len(cells) == 2
    assert [e.kind for e in booking.events] == ["created", "moved"]
    assert desk.label in booking.events[-1].detail


def test_retiring_a_desk_flags_a_conflict_when_no_desk_is_free_and_keeps_the_booking(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    kept = make.desk_booking(site=site, day=DAY, desk=site.desks[0].label)
    make.desk_booking(site=site, day=DAY, desk=site.desks[1].label)
    before = live_bookings(session)
    change = sites_admin.retire(session, admin, site, site.desks[0], DAY, TODAY)
    assert change.conflicts == [kept] and change.moved == []
    assert live_bookings(session) == before  # never lost
    assert kept.is_live and kept.desk_id == site.desks[0].id
    assert "no free desk" in kept.conflict
    assert kept.events[-1].kind == "conflict"


def test_retiring_a_desk_moves_what_it_can_and_flags_the_rest(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    desk = site.desks[0]
    movable = make.desk_booking(site=site, day=DAY, desk=desk.label)
    stuck = make.desk_booking(site=site, day=DAY + timedelta(days=1), desk=desk.label)
    make.desk_booking(site=site, day=DAY + timedelta(days=1), desk=site.desks[1].label)
    plan = capacity.plan_desk_retirement(session, desk, DAY)
    assert [(p.booking, p.target_label) for p in plan] == [(movable, site.desks[1].label),
                                                         (stuck, None)]
    change = sites_admin.retire(session, admin, site, desk, DAY, TODAY)
    assert change.moved == [movable] and change.conflicts == [stuck]


def test_bookings_before_the_retirement_date_stay_put(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    earlier = make.desk_booking(site=site, day=DAY, desk=site.desks[0].label)
    change = sites_admin.retire(session, admin, site, site.desks[0], DAY + timedelta(days=1), TODAY)
    assert change.moved == change.conflicts == [] and earlier.desk_id == site.desks[0].id


def test_retiring_from_a_past_date_is_refused(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=1)
    with pytest.raises(InvalidRequest):
        sites_admin.retire(session, admin, site, site.desks[0], TODAY - timedelta(days=1), TODAY)


def test_the_preview_does_not_change_anything(session, make):
    site = make.centre(desks=2)
    booking = make.desk_booking(site=site, day=DAY, desk=site.desks[0].label)
    capacity.plan_desk_retirement(session, site.desks[0], DAY)
    assert site.desks[0].retired_on is None and booking.desk_id == site.desks[0].id
    assert [e.kind for e in booking.events] == ["created"]


def test_retiring_a_room_moves_stays_to_an_equivalent_room_not_a_sibling_bed(session, make):
    admin = make.member(role="admin", password=None)
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 2), ("R2", "dormitory", "anyone", 2),
                                ("S1", "single", "anyone", 1)))
    r1 = hostel.rooms[0]
    stay = make.bed_booking(site=hostel, check_in=DAY, nights=3, bed=r1.beds[0].label)
    plan = capacity.plan_bed_retirement(session, list(r1.beds), DAY)
    assert plan[0].target_label.startswith("R2-")
    change = sites_admin.retire(session, admin, hostel, r1, DAY, TODAY)
    assert change.moved == [stay]
    assert stay.bed.room.name == "R2"
    nights = session.scalars(select(BedNight.bed_id).where(BedNight.booking_id == stay.id)).all()
    assert set(nights) == {stay.bed_id} and len(nights) == 3
    assert all(b.retired_on == DAY for b in r1.beds)


def test_retiring_a_bed_with_no_equivalent_free_bed_flags_the_stay(session, make):
    admin = make.member(role="admin", password=None)
    hostel = make.hostel(rooms=(("S1", "single", "women", 1), ("D1", "dormitory", "women", 4)))
    guest = make.member(hostel_eligibility="women", password=None)
    stay = make.bed_booking(member=guest, site=hostel, check_in=DAY, nights=2, bed="S1-1")
    change = sites_admin.retire(session, admin, hostel, hostel.rooms[0].beds[0], DAY, TODAY)
    # A dormitory bed is free but is not equivalent to a single room.
    assert change.conflicts == [stay] and stay.is_live and stay.conflict


def test_closing_a_site_flags_every_booking_on_those_days(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    inside = make.desk_booking(site=site, day=DAY)
    outside = make.desk_booking(site=site, day=DAY + timedelta(days=2))
    assert capacity.get_bookings_in_closure(session, site, DAY, DAY) == [inside]
    change = sites_admin.add_closure(session, admin, site, DAY, DAY + timedelta(days=1),
                                     reason="Onam", room=None, cancel_affected=False, today=TODAY)
    assert change.conflicts == [inside] and inside.is_live and "Onam" in inside.conflict
    assert outside.conflict is None


def test_closing_a_site_can_cancel_the_bookings_with_the_reason(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    booking = make.desk_booking(site=site, day=DAY)
    sites_admin.add_closure(session, admin, site, DAY, DAY, reason="Electrical maintenance",
                            room=None, cancel_affected=True, today=TODAY)
    assert booking.status == "cancelled" and "Electrical maintenance" in booking.cancel_reason
    assert not session.scalars(select(DeskCell).where(DeskCell.booking_id == booking.id)).all()


def test_closing_a_room_moves_guests_to_an_equivalent_open_room(session, make):
    admin = make.member(role="admin", password=None)
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 1), ("R2", "dormitory", "anyone", 1)))
    stay = make.bed_booking(site=hostel, check_in=DAY, nights=2, bed="R1-1")
    change = sites_admin.add_closure(session, admin, hostel, DAY, DAY, reason="Painting",
                                     room=hostel.rooms[0], cancel_affected=False, today=TODAY)
    assert change.moved == [stay] and stay.bed.label == "R2-1" and stay.conflict is None


def test_a_conflict_can_be_moved_once_a_desk_frees_up(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    stuck = make.desk_booking(site=site, day=DAY, desk=site.desks[0].label)
    blocker = make.desk_booking(site=site, day=DAY, desk=site.desks[1].label)
    sites_admin.retire(session, admin, site, site.desks[0], DAY, TODAY)
    assert not sites_admin.resolve_conflict(session, admin, stuck, action="move")
    from booking.services.bookings.member import cancel_booking
    cancel_booking(session, blocker, blocker.member, now=NOW)
    assert sites_admin.resolve_conflict(session, admin, stuck, action="move")
    assert stuck.desk_id == site.desks[1].id and stuck.conflict is None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["desk.retire", "conflict.move"]


def test_moving_cannot_resolve_a_conflict_caused_by_a_site_closure(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    booking = make.desk_booking(site=site, day=DAY)
    sites_admin.add_closure(session, admin, site, DAY, DAY, reason="Holiday", room=None,
                            cancel_affected=False, today=TODAY)
    with pytest.raises(InvalidRequest):
        sites_admin.resolve_conflict(session, admin, booking, action="move")
    sites_admin.resolve_conflict(session, admin, booking, action="resolve", note="Member agreed")
    assert booking.conflict is None and booking.events[-1].detail == "Member agreed"


def test_renaming_keeps_labels_unique_within_a_site(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=2)
    with pytest.raises(InvalidRequest):
        sites_admin.rename(session, admin, site, site.desks[0], site.desks[1].label)
    sites_admin.rename(session, admin, site, site.desks[0], "  Window   seat ")
    assert site.desks[0].label == "Window seat"


def test_adding_desks_in_a_zone_labels_them_after_the_zone(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=0)
    desks = sites_admin.add_desks(session, admin, site, 20, "B")
    assert len(desks) == 20 and desks[0].label == "B01" and desks[-1].label == "B20"
    assert {d.zone for d in desks} == {"B"}


def test_closing_a_site_marks_its_future_bookings(session, make):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=1)
    booking = make.desk_booking(site=site, day=DAY, part=DayPart.MORNING)
    change = sites_admin.set_site_status(session, admin, site, "closed", TODAY)
    assert change.conflicts == [booking] and site.status == "closed"
    with pytest.raises(InvalidRequest):
        sites_admin.set_site_status(session, admin, site, "planned", TODAY)
