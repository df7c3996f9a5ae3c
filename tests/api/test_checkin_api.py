"""POST /api/v1/bookings/<id>/check-in, and check-ins and no-shows in booking JSON,
every answer held to the OpenAPI document (the api client checks it)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.models import Site
from booking.services.bookings.checkin import check_in_code, release_no_shows
from tests.conftest import NOW, TODAY


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("booking.api.bookings.now_in_kerala", lambda: NOW)


@pytest.fixture
def today_booking(make, session, member, centre):
    booking = make.desk_booking(member=member, site=centre, day=TODAY,
                                now=NOW - timedelta(days=1))
    booking.created_at = NOW - timedelta(days=1)
    session.commit()
    return booking.id


def _code(site, day=TODAY):
    return check_in_code("test-secret", site, day)


def test_a_member_checks_in_with_todays_code(authed, centre, today_booking):
    url = f"/api/v1/bookings/{today_booking}/check-in"
    response = authed.post(url, json_body={"code": _code(centre)})
    assert response.status_code == 200
    body = response.get_json()["booking"]
    assert body["status"] == "live" and body["checked_in_at"] is not None
    again = authed.post(url, json_body={"code": _code(centre)})
    assert again.status_code == 409
    assert authed.get(f"/api/v1/bookings/{today_booking}").get_json()["booking"][
        "checked_in_at"] == body["checked_in_at"]


def test_bad_codes_and_bodies_are_400(authed, make, session, centre, today_booking):
    other = make.centre(slug="varkala")
    session.commit()
    url = f"/api/v1/bookings/{today_booking}/check-in"
    for body in ({"code": _code(centre, TODAY - timedelta(days=1))}, {"code": _code(other)},
                 {}, {"code": ""}, {"code": _code(centre), "extra": 1}):
        assert authed.post(url, json_body=body).status_code == 400, body
    assert authed.post(url, data="nope",
                       headers={"Content-Type": "application/json"}).status_code == 400


def test_another_members_booking_is_404_and_tomorrows_is_422(authed, make, session, centre,
                                                              member):
    theirs = make.desk_booking(site=centre, day=TODAY, now=NOW - timedelta(days=1))
    tomorrow = make.desk_booking(member=member, site=centre, day=TODAY + timedelta(days=1),
                                 now=NOW - timedelta(days=1))
    session.commit()
    assert authed.post(f"/api/v1/bookings/{theirs.id}/check-in",
                       json_body={"code": _code(centre)}).status_code == 404
    assert authed.post(f"/api/v1/bookings/{tomorrow.id}/check-in",
                       json_body={"code": _code(centre)}).status_code == 422


def test_a_released_booking_shows_status_no_show(authed, db, centre, today_booking):
    with db.writer() as s:
        s.get(Site, centre.id).no_show_after_minutes = 30
        release_no_shows(s, NOW)
        s.commit()
    body = authed.get(f"/api/v1/bookings/{today_booking}").get_json()["booking"]
    assert body["status"] == "no_show" and body["checked_in_at"] is None
    assert body["cancelled_at"] is not None
    listed = authed.get("/api/v1/bookings").get_json()["bookings"]
    assert [b["status"] for b in listed] == ["no_show"]
    assert authed.post(f"/api/v1/bookings/{today_booking}/check-in",
                       json_body={"code": _code(centre)}).status_code == 422
