"""How availability counts read in the calendar: words with the colour, weeks from Monday."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from booking.services.bookings.availability import Count
from booking.web.calendar import CALENDAR_DAYS, CalendarDay, calendar_range, describe, weeks


@pytest.fixture(autouse=True)
def _request_context(app):
    with app.test_request_context():  # gettext needs an app
        yield


@pytest.mark.parametrize("count, is_open, in_window, expected", [
    (Count(free=30, total=40), True, True, ("free", "30 free")),
    (Count(free=10, total=40), True, True, ("few", "10 left")),
    (Count(free=1, total=2), True, True, ("few", "1 left")),
    (Count(free=0, total=40), True, True, ("full", "Full")),
    (Count(free=0, total=40), False, True, ("closed", "Closed")),
    (Count(free=0, total=40), True, False, ("unavailable", "Not bookable")),
    (Count(free=0, total=0), True, True, ("unavailable", "Not bookable")),
])
def test_each_count_reads_in_words(count, is_open, in_window, expected):
    assert describe(count, is_open, in_window) == expected


def test_weeks_start_on_monday_and_pad_both_ends():
    wednesday = date(2026, 12, 2)
    cells = [CalendarDay(wednesday + timedelta(days=i), [], None, True) for i in range(7)]
    rows = weeks(cells)
    assert [len(r) for r in rows] == [7, 7]
    assert rows[0][:2] == [None, None] and rows[0][2].day == wednesday
    assert rows[1][1].day == date(2026, 12, 8) and rows[1][2:] == [None] * 5


def test_calendar_range_stays_inside_the_booking_window():
    today = date(2026, 12, 1)
    assert calendar_range(today, None, 30) == (today, today + timedelta(days=CALENDAR_DAYS - 1))
    assert calendar_range(today, date(2020, 1, 1), 30)[0] == today
    assert calendar_range(today, date(2030, 1, 1), 30)[0] == today + timedelta(days=30)
