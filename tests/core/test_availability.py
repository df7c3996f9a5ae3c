"""Availability: set-based queries, and arithmetic that is right at the edges."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

from booking.models import DayPart, SiteStatus
from booking.services.sites import capacity
from booking.services.bookings.availability import (
    ClosureSpan,
    active_total,
    build_desk_days,
    get_bed_availability,
    get_desk_availability,
)
from booking.services.errors import InvalidRequest
from tests.conftest import NOW, TODAY


@contextmanager
def count_queries(engine):
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def test_a_month_of_centre_availability_takes_two_queries(db, session, make):
    site = make.centre(desks=40)
    for offset in range(1, 20):
        make.desk_booking(site=site, day=TODAY + timedelta(days=offset))
    capacity.add_closure(session, site, TODAY + timedelta(days=9), TODAY + timedelta(days=9),
                         reason="Onam")
    session.commit()
    session.expire_all()
    site_id = site.id
    site = session.get(type(site), site_id)  # loaded before counting, as a view would
    with count_queries(db.engine) as statements:
        days = get_desk_availability(session, site, TODAY, TODAY + timedelta(days=30), NOW)
    assert len(days) == 31
    assert len(statements) <= 2, statements
    # The query count does not grow with the number of desks, days or bookings.
    assert days[1].morning.free == 39 and days[9].is_open is False


def test_reversed_and_huge_ranges_are_refused(session, make):
    site = make.centre()
    with pytest.raises(InvalidRequest, match="before the start"):
        get_desk_availability(session, site, TODAY + timedelta(days=3), TODAY, NOW)
    with pytest.raises(InvalidRequest, match="at most 92 days"):
        get_desk_availability(session, site, TODAY, TODAY + timedelta(days=92), NOW)


def test_closed_and_past_days_report_nothing_free_but_keep_their_total(session, make):
    site = make.centre(desks=2, opening_days="01234")  # Mon-Fri
    days = get_desk_availability(session, site, TODAY - timedelta(days=1),
                                 TODAY + timedelta(days=6), NOW)
    by_day = {d.day: d for d in days}
    assert by_day[TODAY - timedelta(days=1)].morning.free == 0  # yesterday
    saturday = next(d for d in by_day if d.weekday() == 5)
    assert by_day[saturday].is_open is False and by_day[saturday].morning == type(
        by_day[saturday].morning)(free=0, total=2)
    assert by_day[TODAY].morning.free == 2  # 09:00: the morning is still bookable


def test_this_mornings_desks_stop_being_free_at_midday():
    from types import SimpleNamespace

    site = SimpleNamespace(status=SiteStatus.OPEN, advance_days=30, closes_at=time(20),
                           is_open_weekday=lambda d: True)
    afternoon = NOW.replace(hour=14)
    day = build_desk_days(site, TODAY, TODAY, Counter({None: 3}), [], Counter(), afternoon)[0]
    assert day.morning.free == 0 and day.afternoon.free == 3


def test_retired_desks_leave_capacity_from_their_retirement_date():
    retirements = Counter({None: 5, date(2026, 12, 3): 2})
    assert active_total(retirements, date(2026, 12, 2)) == 7
    assert active_total(retirements, date(2026, 12, 3)) == 5


def test_beds_free_per_night_by_room_type_and_designation(session, make):
    site = make.hostel(rooms=(("W1", "dormitory", "women", 4), ("S1", "single", "anyone", 1)))
    member = make.member(hostel_eligibility="women")
    make.bed_booking(member=member, site=site, check_in=TODAY + timedelta(days=1), nights=2)
    capacity.add_closure(session, site, TODAY + timedelta(days=2), TODAY + timedelta(days=2),
                         reason="Pest control", room=site.rooms[1])
    nights = get_bed_availability(session, site, TODAY + timedelta(days=1),
                                  TODAY + timedelta(days=3), NOW)
    first, second, third = nights
    assert first.beds.free == 4 and first.beds.total == 5
    groups = {(g.room_type, g.designation): (g.free, g.total) for g in second.groups}
    assert groups == {("dormitory", "women"): (3, 4), ("single", "anyone"): (0, 1)}
    assert third.beds.free == 5


def test_closure_spans_cover_inclusive_dates():
    from booking.services.bookings.availability import closure_on

    spans = [ClosureSpan(date(2026, 12, 24), date(2026, 12, 25), "Christmas")]
    assert closure_on(spans, date(2026, 12, 25)) == "Christmas"
    assert closure_on(spans, date(2026, 12, 26)) is None


def test_part_cells_of_a_full_day_are_both_halves():
    assert DayPart.FULL.cells == ("morning", "afternoon")
    assert DayPart.AFTERNOON.cells == ("afternoon",)
