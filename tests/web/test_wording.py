"""The site's own words: "Sign in", and dates as people write them (8 Dec 2026), never ISO."""
from __future__ import annotations

from datetime import date, timedelta

from booking.clock import today_in_kerala
from booking.services.sites import capacity, admin as sites_admin
from booking.services.dates import format_day, format_span

from .conftest import text_of


def test_a_signed_out_visitor_is_asked_to_sign_in_not_to_log_in(client, db):
    response = client.get("/bookings")
    assert response.status_code == 302 and "/sign-in" in response.location

    page = text_of(client.get(response.location))
    assert "Sign in to see this page." in page
    assert "log in" not in page.lower()


def test_a_run_of_days_reads_as_people_write_it():
    assert format_span(date(2026, 12, 8), date(2026, 12, 8)) == "on 8 Dec 2026"
    assert format_span(date(2026, 12, 8), date(2026, 12, 10)) == \
        "from 8 Dec 2026 to 10 Dec 2026"


def test_bookings_cancelled_by_a_closure_give_the_dates_as_people_write_them(make, session):
    admin = make.member(role="admin", password=None)
    site = make.centre(desks=1, name="WNH Pala")
    today = today_in_kerala()
    first, last = today + timedelta(days=2), today + timedelta(days=4)
    booking = make.desk_booking(site=site, day=first, now=None)

    sites_admin.add_closure(session, admin, site, first, last, reason="Flooding", room=None,
                            cancel_affected=True, today=today)

    assert booking.cancel_reason == \
        f"Flooding (closed from {format_day(first)} to {format_day(last)})"
    assert first.isoformat() not in booking.cancel_reason


def test_a_one_day_closure_flags_a_booking_on_that_day_not_from_it_to_itself(make, session):
    site = make.centre(desks=1, name="WNH Pala")
    day = today_in_kerala() + timedelta(days=3)
    booking = make.desk_booking(site=site, day=day, now=None)

    capacity.add_closure(session, site, day, day, reason="Onam")

    assert booking.conflict == f"WNH Pala closed on {format_day(day)}: Onam."
