"""Weekly desk bookings: each occurrence an ordinary booking, refusals a person can act on."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import Booking, BookingSeries, BookingStatus, DayPart, DeskCell
from booking.services.bookings.book import book_desk
from booking.services.bookings.series import (
    SeriesRefused,
    book_series,
    cancel_series_rest,
    get_occurrences,
    weekdays_from_codes,
)
from booking.services.errors import (
    AlreadyCancelled,
    InPast,
    InvalidRequest,
    NotFound,
    OutsideBookingWindow,
)
from booking.services.sites.capacity import add_closure

from ..conftest import NOW, TODAY

TUE_THU = "13"  # NOW is Tuesday 1 Dec 2026


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_series_books_every_chosen_weekday_as_ordinary_bookings(session, make):
    member, centre = make.member(), make.centre(desks=2)
    first, until = TODAY + timedelta(days=1), TODAY + timedelta(days=20)  # Wed 2 .. Mon 21 Dec
    result = book_series(session, member, centre, DayPart.FULL, TUE_THU, first, until, now=NOW)
    days = [b.starts_on for b in result.booked]
    assert [d.isoformat() for d in days] == ["2026-12-03", "2026-12-08", "2026-12-10",
                                             "2026-12-15", "2026-12-17"]
    assert result.refused == []
    assert all(b.series_id == result.series.id and b.is_live for b in result.booked)
    # The usual desk: the same one every week.
    assert len({b.desk_id for b in result.booked}) == 1
    assert _count(session, DeskCell) == 10
    assert result.series.weekdays == "13" and result.series.ends_on == until


def test_refused_dates_are_listed_with_reasons_and_the_rest_is_booked(session, make):
    member, other, centre = make.member(), make.member(), make.centre(desks=1)
    first = TODAY + timedelta(days=2)  # Thu 3 Dec
    book_desk(session, other, centre, first, DayPart.FULL, now=NOW)  # full on the 3rd
    book_desk(session, member, make.centre(), first + timedelta(days=5), DayPart.MORNING,
              now=NOW)  # already booked elsewhere on Tue 8th
    add_closure(session, centre, first + timedelta(days=7), first + timedelta(days=7),
                reason="Onam")
    result = book_series(session, member, centre, DayPart.FULL, TUE_THU, first,
                         first + timedelta(days=14), now=NOW)
    refused = {r.day.isoformat(): (r.code, r.reason) for r in result.refused}
    assert refused.keys() == {"2026-12-03", "2026-12-08", "2026-12-10"}
    assert refused["2026-12-03"][0] == "full" and "No desk is free" in refused["2026-12-03"][1]
    assert refused["2026-12-08"][0] == "already_booked"
    assert refused["2026-12-10"][0] == "closed" and "Onam" in refused["2026-12-10"][1]
    assert [b.starts_on.isoformat() for b in result.booked] == ["2026-12-15", "2026-12-17"]
    assert [r["date"] for r in result.series.refused] == sorted(refused)


def test_a_weekday_the_centre_is_not_open_is_refused_as_such(session, make):
    member, centre = make.member(), make.centre(opening_days="01234")  # closed weekends
    result = book_series(session, member, centre, DayPart.MORNING, "05",
                         TODAY + timedelta(days=6), TODAY + timedelta(days=13), now=NOW)
    assert [r.code for r in result.refused] == ["not_open"]
    assert "not open on Saturdays" in result.refused[0].reason
    assert [b.starts_on.weekday() for b in result.booked] == [0, 0]


def test_all_or_nothing_books_nothing_when_one_date_is_refused(session, make):
    member, other, centre = make.member(), make.member(), make.centre(desks=1)
    book_desk(session, other, centre, TODAY + timedelta(days=9), DayPart.FULL, now=NOW)
    book_desk(session, other, centre, TODAY + timedelta(days=14), DayPart.FULL, now=NOW)
    with pytest.raises(SeriesRefused) as refused:
        book_series(session, member, centre, DayPart.FULL, TUE_THU, TODAY + timedelta(days=1),
                    TODAY + timedelta(days=14), all_or_nothing=True, now=NOW)
    # Every date at fault is named, not just the first.
    assert [r.day.isoformat() for r in refused.value.refused] == ["2026-12-10", "2026-12-15"]
    assert "all or nothing" in refused.value.message
    assert _count(session, BookingSeries) == 0
    assert session.scalar(select(func.count()).select_from(Booking)
                          .where(Booking.member_id == member.id)) == 0


def test_nothing_bookable_at_all_is_refused_and_leaves_no_series(session, make):
    member, other, centre = make.member(), make.member(), make.centre(desks=1)
    day = TODAY + timedelta(days=7)
    book_desk(session, other, centre, day, DayPart.FULL, now=NOW)
    with pytest.raises(SeriesRefused) as refused:
        book_series(session, member, centre, DayPart.FULL, "1", day, day, now=NOW)
    assert refused.value.http_status == 409
    assert _count(session, BookingSeries) == 0


@pytest.mark.parametrize(("weekdays", "first", "until", "error", "words"), [
    ("", 1, 5, InvalidRequest, "at least one weekday"),
    ("13", 5, 1, InvalidRequest, "before the first"),
    ("13", -1, 5, InPast, "already passed"),
    ("13", 1, 31, OutsideBookingWindow, "30 days ahead"),
    ("6", 1, 4, InvalidRequest, "No Sunday falls"),
])
def test_bad_series_are_refused_before_anything_is_booked(session, make, weekdays, first,
                                                          until, error, words):
    member, centre = make.member(), make.centre()
    with pytest.raises(error, match=words):
        book_series(session, member, centre, DayPart.FULL, weekdays,
                    TODAY + timedelta(days=first), TODAY + timedelta(days=until), now=NOW)
    assert _count(session, Booking) == 0


def test_a_huge_range_names_the_series_limit_even_where_the_horizon_is_far(session, make):
    member, centre = make.member(), make.centre(advance_days=365)
    with pytest.raises(OutsideBookingWindow, match="at most 92 days"):
        book_series(session, member, centre, DayPart.FULL, "0", TODAY, TODAY + timedelta(days=200),
                    now=NOW)


def test_weekday_codes_become_digits_and_unknown_ones_are_refused():
    assert weekdays_from_codes(["thu", "tue", "tue"]) == "13"
    with pytest.raises(InvalidRequest, match="Unknown weekday"):
        weekdays_from_codes(["tuesday"])


def test_cancelling_the_rest_cancels_only_what_is_still_ahead(session, make):
    member, centre = make.member(), make.centre()
    result = book_series(session, member, centre, DayPart.FULL, "1", TODAY,
                         TODAY + timedelta(days=14), now=NOW)
    assert len(result.booked) == 3  # today (under way at 09:00), the 8th, the 15th
    later = NOW + timedelta(days=7, hours=1)  # Tue 8 Dec, 10:00: the 8th has begun
    outcome = cancel_series_rest(session, member, result.series, later)
    assert [b.starts_on.isoformat() for b in outcome.cancelled] == ["2026-12-15"]
    statuses = [b.status for b in get_occurrences(session, result.series)]
    assert statuses == [BookingStatus.LIVE, BookingStatus.LIVE, BookingStatus.CANCELLED]
    assert result.series.cancelled_at is not None
    with pytest.raises(AlreadyCancelled):
        cancel_series_rest(session, member, result.series, later)


def test_cancelling_the_rest_keeps_occurrences_past_the_cancel_cutoff(session, make):
    member, centre = make.member(), make.centre(cancel_cutoff_hours=24)
    result = book_series(session, member, centre, DayPart.FULL, "2", TODAY + timedelta(days=1),
                         TODAY + timedelta(days=8), now=NOW)
    outcome = cancel_series_rest(session, member, result.series, NOW)
    assert [b.starts_on.isoformat() for b in outcome.cancelled] == ["2026-12-09"]
    assert [b.starts_on.isoformat() for b, _ in outcome.kept] == ["2026-12-02"]
    assert "24 hours" in outcome.kept[0][1]


def test_someone_elses_series_cannot_be_cancelled(session, make):
    member, other, centre = make.member(), make.member(), make.centre()
    result = book_series(session, member, centre, DayPart.FULL, "1", TODAY + timedelta(days=7),
                         TODAY + timedelta(days=7), now=NOW)
    with pytest.raises(NotFound):
        cancel_series_rest(session, other, result.series, NOW)
    assert result.booked[0].is_live
