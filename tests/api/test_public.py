"""Public endpoints: ping, sites, availability (shape, ETag/304, every 4xx)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.clock import today_in_kerala
from booking.models import DayPart
from booking.services.bookings.book import book_desk


def test_ping_answers_without_a_database(api):
    response = api.get("/api/v1/ping")
    assert response.status_code == 200 and response.get_json() == {"ok": True}


def test_sites_lists_every_site_with_its_capacity(api, centre, hostel):
    sites = {s["slug"]: s for s in api.get("/api/v1/sites").get_json()["sites"]}
    assert sites["kottarakkara"]["kind"] == "centre" and sites["kottarakkara"]["capacity"] == 2
    assert sites["technopark"]["kind"] == "hostel" and sites["technopark"]["capacity"] == 3
    assert sites["technopark"]["status"] == "open"


def test_centre_availability_defaults_to_fourteen_days_from_today(api, centre):
    body = api.get("/api/v1/availability?site=kottarakkara").get_json()
    today = today_in_kerala()
    assert body["site"] == "kottarakkara" and body["kind"] == "centre"
    assert [d["date"] for d in body["days"]][0] == today.isoformat()
    assert len(body["days"]) == 14
    tomorrow = body["days"][1]
    assert tomorrow["open"] is True
    assert tomorrow["morning"] == {"free": 2, "total": 2}


def test_centre_availability_counts_a_booking(api, centre, member, session, tomorrow):
    book_desk(session, member, centre, tomorrow, DayPart.MORNING)
    session.commit()
    day = tomorrow.isoformat()
    body = api.get(f"/api/v1/availability?site=kottarakkara&from={day}&to={day}").get_json()
    assert body["days"][0]["morning"] == {"free": 1, "total": 2}
    assert body["days"][0]["afternoon"] == {"free": 2, "total": 2}


def test_hostel_availability_groups_beds_by_room(api, hostel, tomorrow):
    day = tomorrow.isoformat()
    body = api.get(f"/api/v1/availability?site=technopark&from={day}&to={day}").get_json()
    night = body["days"][0]
    assert body["kind"] == "hostel" and night["beds"] == {"free": 3, "total": 3}
    rooms = {(r["room_type"], r["designation"]): r["free"] for r in night["rooms"]}
    assert rooms == {("dormitory", "women"): 2, ("dormitory", "men"): 1}


def test_availability_sends_etag_and_answers_304_until_something_changes(
        api, centre, member, session, tomorrow):
    url = f"/api/v1/availability?site=kottarakkara&from={tomorrow}&to={tomorrow}"
    first = api.get(url)
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    book_desk(session, member, centre, tomorrow, DayPart.FULL)
    session.commit()
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["days"][0]["morning"]["free"] == 1


def test_ninety_two_days_is_allowed(api, centre):
    start = today_in_kerala()
    end = start + timedelta(days=91)
    body = api.get(f"/api/v1/availability?site=kottarakkara&from={start}&to={end}").get_json()
    assert len(body["days"]) == 92


@pytest.mark.parametrize("query, words", [
    ("", "'site' is required"),
    ("site=kottarakkara&from=2026-1-5", "YYYY-MM-DD"),
    ("site=kottarakkara&from=20261205", "YYYY-MM-DD"),
    ("site=kottarakkara&from=2026-02-30", "not a real date"),
    ("site=kottarakkara&to=yesterday", "YYYY-MM-DD"),
    ("site=kottarakkara&from=2026-12-10&to=2026-12-01", "before the start date"),
    ("site=kottarakkara&from=2026-12-01&to=2027-03-03", "at most 92 days"),
    ("site=kottarakkara&from=9999-12-31", "too far"),
    ("site=kottarakkara&from=0001-01-01&to=9999-12-31", "at most 92 days"),
])
def test_bad_availability_queries_are_400_with_a_detail(api, centre, query, words):
    response = api.get(f"/api/v1/availability?{query}")
    assert response.status_code == 400
    assert words in response.get_json()["detail"]


def test_unknown_site_is_404(api, centre):
    response = api.get("/api/v1/availability?site=nowhere")
    assert response.status_code == 404 and "nowhere" in response.get_json()["detail"]


def test_unknown_api_routes_and_methods_are_problem_json(api):
    assert api.get("/api/v1/no-such-thing").status_code == 404
    assert api.get("/api/nothing-here").status_code == 404
    assert api.open("PUT", "/api/v1/ping").status_code == 405
    assert api.open("PATCH", "/api/v1/bookings/1").status_code == 405
    assert api.open("POST", "/api/v1/availability").status_code == 405


def test_the_api_page_lists_every_operation(api):
    page = api.client.get("/api/").get_data(as_text=True)
    assert "Booking API" in page and "/api/v1/openapi.json" in page
    for path in ("/api/v1/availability", "/api/v1/bookings/{booking_id}"):
        assert path in page


@pytest.mark.parametrize("first, last", [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")])
def test_ranges_at_the_ends_of_the_calendar_still_answer(api, centre, first, last):
    response = api.get(f"/api/v1/availability?site=kottarakkara&from={first}&to={last}")
    assert response.status_code == 200 and len(response.get_json()["days"]) == 31
