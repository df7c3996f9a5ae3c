"""Weekly desk bookings through the API: 201 with what was booked and refused, and every 4xx."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import Booking, BookingSeries, BookingStatus
from booking.services.accounts import tokens
from booking.services.bookings.series import WEEKDAY_CODES

URL = "/api/v1/booking-series"


def series_body(first, until, weekdays=None, **extra):
    weekdays = weekdays or [WEEKDAY_CODES[first.weekday()]]
    return {"site": "kottarakkara", "weekdays": weekdays, "from": first.isoformat(),
            "until": until.isoformat(), **extra}


def _count(db, model, *where) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_series_answers_201_with_each_occurrence_as_a_booking(authed, centre, tomorrow):
    body = series_body(tomorrow, tomorrow + timedelta(days=20), part="morning")
    response = authed.post(URL, json_body=body)
    assert response.status_code == 201, response.get_json()
    series = response.get_json()["series"]
    assert [b["date"] for b in series["bookings"]] == [
        (tomorrow + timedelta(days=7 * n)).isoformat() for n in range(3)]
    assert {b["part"] for b in series["bookings"]} == {"morning"}
    assert series["refused"] == [] and series["weekdays"] == [WEEKDAY_CODES[tomorrow.weekday()]]
    assert response.headers["Location"].endswith(f"{URL}/{series['id']}")
    again = authed.get(f"{URL}/{series['id']}").get_json()["series"]
    assert [b["id"] for b in again["bookings"]] == [b["id"] for b in series["bookings"]]


def test_refused_dates_come_back_with_reasons(authed, api, centre, tomorrow, session, make):
    other = make.member()
    _t, secret = tokens.create_token(session, other)
    session.commit()
    taken = tomorrow + timedelta(days=7)
    assert api.as_(secret).post("/api/v1/bookings", json_body={
        "site": "kottarakkara", "date": taken.isoformat(), "desk": "A01"}).status_code == 201
    third = make.member()
    _t, third_secret = tokens.create_token(session, third)
    session.commit()
    assert api.as_(third_secret).post("/api/v1/bookings", json_body={
        "site": "kottarakkara", "date": taken.isoformat(), "desk": "A02"}).status_code == 201
    response = authed.post(URL, json_body=series_body(tomorrow, tomorrow + timedelta(days=14)))
    assert response.status_code == 201
    series = response.get_json()["series"]
    assert len(series["bookings"]) == 2
    assert series["refused"] == [{"date": taken.isoformat(), "code": "full",
                                  "reason": series["refused"][0]["reason"]}]
    assert "No desk is free" in series["refused"][0]["reason"]


def test_all_or_nothing_refusal_is_409_listing_the_dates_and_books_nothing(
        authed, api, centre, tomorrow, session, make, member, db):
    taken = tomorrow + timedelta(days=7)
    for desk in ("A01", "A02"):
        _t, secret = tokens.create_token(session, make.member())
        session.commit()
        api.as_(secret).post("/api/v1/bookings", json_body={
            "site": "kottarakkara", "date": taken.isoformat(), "desk": desk})
    response = authed.post(URL, json_body=series_body(
        tomorrow, tomorrow + timedelta(days=14), all_or_nothing=True))
    assert response.status_code == 409
    problem = response.get_json()
    assert [r["date"] for r in problem["refused"]] == [taken.isoformat()]
    assert "all or nothing" in problem["detail"]
    assert _count(db, Booking, Booking.member_id == member.id) == 0
    assert _count(db, BookingSeries) == 0


@pytest.mark.parametrize(("change", "status", "words"), [
    ({"weekdays": []}, 400, "weekdays"),
    ({"weekdays": "tue"}, 400, "weekdays"),
    ({"weekdays": ["tuesday"]}, 400, "a list of one of mon, tue, wed, thu, fri, sat, sun"),
    ({"weekdays": [1]}, 400, "weekdays"),
    ({"weekdays": ["mon"] * 8}, 400, "weekdays"),
    ({"from": "2026-02-30"}, 400, "'from' must be a date written YYYY-MM-DD"),
    ({"until": "tomorrow"}, 400, "YYYY-MM-DD"),
    ({"part": "evening"}, 400, "part"),
    ({"all_or_nothing": "yes"}, 400, "true or false"),
    ({"colour": "blue"}, 400, "Unknown field"),
    ({"site": None}, 400, "'site' is required"),
    ({"site": "nowhere"}, 404, "nowhere"),
    ({"until": "reverse"}, 400, "before the first"),
    ({"from": "yesterday"}, 422, "already passed"),
    ({"until": "far"}, 422, "30 days ahead"),
])
def test_ugly_series_bodies_get_problem_json(authed, centre, tomorrow, change, status, words):
    body = series_body(tomorrow, tomorrow + timedelta(days=14))
    for key, value in change.items():
        body[key] = {"reverse": (tomorrow - timedelta(days=1)).isoformat(),
                     "yesterday": (tomorrow - timedelta(days=2)).isoformat(),
                     "far": (tomorrow + timedelta(days=60)).isoformat()}.get(value, value) \
            if isinstance(value, str) else value
    if change.get("site", 0) is None:
        del body["site"]
    response = authed.post(URL, json_body=body)
    assert response.status_code == status, response.get_json()
    assert words in response.get_json()["detail"]


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", b'"x"', b"null"])
def test_malformed_series_bodies_are_400(authed, centre, raw):
    response = authed.post(URL, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_series_needs_a_token(api, centre, tomorrow):
    response = api.post(URL, json_body=series_body(tomorrow, tomorrow), token=None)
    assert response.status_code == 401


def test_a_hostel_is_not_for_weekly_desks(authed, hostel, tomorrow):
    body = series_body(tomorrow, tomorrow + timedelta(days=7)) | {"site": "technopark"}
    response = authed.post(URL, json_body=body)
    assert response.status_code == 400 and "hostel" in response.get_json()["detail"]


def test_delete_cancels_the_occurrences_still_ahead(authed, centre, tomorrow, member, db):
    created = authed.post(URL, json_body=series_body(tomorrow, tomorrow + timedelta(days=14)))
    series_id = created.get_json()["series"]["id"]
    response = authed.delete(f"{URL}/{series_id}")
    assert response.status_code == 204 and response.get_data() == b""
    assert _count(db, Booking, Booking.member_id == member.id,
                  Booking.status == BookingStatus.LIVE) == 0
    series = authed.get(f"{URL}/{series_id}").get_json()["series"]
    assert series["cancelled_at"] and {b["status"] for b in series["bookings"]} == {"cancelled"}
    assert authed.delete(f"{URL}/{series_id}").status_code == 422


def test_someone_elses_series_is_404(authed, api, centre, tomorrow, session, make):
    series_id = authed.post(URL, json_body=series_body(tomorrow, tomorrow)).get_json()[
        "series"]["id"]
    _t, secret = tokens.create_token(session, make.member())
    session.commit()
    assert api.as_(secret).get(f"{URL}/{series_id}").status_code == 404
    assert api.as_(secret).delete(f"{URL}/{series_id}").status_code == 404
    assert authed.get(f"{URL}/999999").status_code == 404
    assert authed.get(f"{URL}/99999999999").status_code == 404
    assert authed.get(f"{URL}/{series_id}").get_json()["series"]["bookings"][0]["status"] == "live"
