"""The "Book every week" page, the series page and cancelling the rest, with bad input."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import Booking, BookingSeries, BookingStatus

from .conftest import submit, text_of


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, slug="kottarakkara", name="WNH Kottarakkara")
    session.commit()
    return site


def form_data(first, until, weekdays=("1", "3"), **extra):
    return {"weekdays": list(weekdays), "part": "full", "first": first.isoformat(),
            "until": until.isoformat(), **extra}


URL = "/sites/kottarakkara/book-weekly"


def _series(db):
    with db.reader() as s:
        return s.scalars(select(BookingSeries)).all()


def test_the_form_is_linked_from_the_centre_page_and_shows_weekdays(member_client, centre):
    assert URL in text_of(member_client.get("/sites/kottarakkara"))
    page = text_of(member_client.get(URL))
    assert 'type="checkbox"' in page and "All or nothing" in page and "Tue" in page


def test_booking_every_week_shows_the_dates_booked_and_refused(member_client, centre, make,
                                                                session, db):
    today = today_in_kerala()
    first, until = today + timedelta(days=1), today + timedelta(days=21)
    blocked = next(first + timedelta(days=n) for n in range(7)
                   if (first + timedelta(days=n)).weekday() == 1)
    for _ in range(2):
        make.desk_booking(site=centre, day=blocked, now=None)
    session.commit()
    response = submit(member_client, URL, form_data(first, until))
    assert response.status_code == 302
    page = text_of(member_client.get(response.headers["Location"]))
    assert "Dates booked" in page and "Dates not booked" in page
    assert "No desk is free" in page
    assert "Cancel the rest of this series" in page
    (series,) = _series(db)
    with db.reader() as s:
        live = s.scalars(select(Booking).where(Booking.series_id == series.id)).all()
    assert len(live) == 5 and blocked not in {b.starts_on for b in live}
    mine = text_of(member_client.get("/bookings"))
    assert "Weekly bookings" in mine and f"/bookings/series/{series.id}" in mine


@pytest.mark.parametrize(("change", "words"), [
    ({"weekdays": []}, "Tick at least one weekday"),
    ({"until": "reverse"}, "on or after the first"),
    ({"first": "past"}, "already passed"),
    ({"until": "far"}, "30 days ahead"),
    ({"first": "not-a-date"}, "Not a valid date value"),
    ({"weekdays": ["9"]}, "not a valid choice"),
    ({"part": "evening"}, "Not a valid choice"),
])
def test_bad_input_is_a_form_error_never_a_500(member_client, centre, change, words, db):
    today = today_in_kerala()
    data = form_data(today + timedelta(days=1), today + timedelta(days=14))
    values = {"reverse": today.isoformat(), "past": (today - timedelta(days=3)).isoformat(),
              "far": (today + timedelta(days=80)).isoformat()}
    data.update({k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    response = submit(member_client, URL, data)
    assert response.status_code == 422
    assert words in text_of(response)
    assert _series(db) == []


def test_all_or_nothing_books_nothing_and_lists_the_refusal(member_client, centre, make,
                                                            session, db):
    today = today_in_kerala()
    first = today + timedelta(days=1)
    for _ in range(2):
        make.desk_booking(site=centre, day=first + timedelta(days=7), now=None)
    session.commit()
    data = form_data(first, first + timedelta(days=14), weekdays=(str(first.weekday()),),
                     all_or_nothing="y")
    response = submit(member_client, URL, data)
    assert response.status_code == 409 or response.status_code == 422
    page = text_of(response)
    assert "all or nothing" in page and "These dates could not be booked" in page
    assert _series(db) == []


def test_cancel_the_rest_needs_csrf_and_confirms(member_client, centre, db):
    today = today_in_kerala()
    response = submit(member_client, URL, form_data(today + timedelta(days=1),
                                                    today + timedelta(days=14)))
    series_url = response.headers["Location"]
    cancel_url = series_url + "/cancel"
    assert member_client.post(cancel_url).status_code == 400  # no CSRF token: refused
    assert "Yes, cancel the rest" in text_of(member_client.get(cancel_url))
    response = submit(member_client, cancel_url, {})
    assert response.status_code == 302
    with db.reader() as s:
        statuses = set(s.scalars(select(Booking.status)))
    assert statuses == {BookingStatus.CANCELLED}
    page = text_of(member_client.get(series_url))
    assert "Rest cancelled" in page and "Cancel the rest of this series" not in page
    assert "already cancelled" in text_of(member_client.get(cancel_url))


def test_someone_elses_series_is_404(client, centre, make, session):
    from booking.services.bookings.series import book_series
    from booking.models import DayPart
    from tests.conftest import sign_in_as

    owner, other = make.member(), make.member()
    today = today_in_kerala()
    result = book_series(session, owner, centre, DayPart.FULL, "0123456",
                         today + timedelta(days=1), today + timedelta(days=2))
    session.commit()
    sign_in_as(client, other.id)
    assert client.get(f"/bookings/series/{result.series.id}").status_code == 404
    assert client.get(f"/bookings/series/{result.series.id}/cancel").status_code == 404
    assert client.get("/bookings/series/99999999999").status_code == 404


def test_a_hostel_has_no_weekly_form(member_client, make, session):
    make.hostel(slug="technopark")
    session.commit()
    assert member_client.get("/sites/technopark/book-weekly").status_code == 404
