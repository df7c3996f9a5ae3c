"""POST /api/v1/bookings/<id>/end: ending a booking in progress, held to the OpenAPI document.

The service reads the clock through ``now_in_kerala``; the tests set it to a
moment inside the booking, a few days ahead of the real today, so the public
availability (on the real clock) still counts those days as bookable.
"""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import DayPart
from booking.services.accounts import tokens
from booking.services.bookings.member import cancel_booking
from booking.services.dates import at_kerala

DAY = today_in_kerala() + timedelta(days=2)


@pytest.fixture
def clock(monkeypatch):
    def set_to(hour: int, day=DAY):
        moment = at_kerala(day, time(hour))
        monkeypatch.setattr("booking.services.bookings.ending.now_in_kerala", lambda: moment)
        return moment
    return set_to


@pytest.fixture
def full_day(make, session, member, centre):
    booking = make.desk_booking(member=member, site=centre, day=DAY, desk="A01",
                                now=now_in_kerala())
    session.commit()
    return booking


def _availability(api):
    return api.get(f"/api/v1/availability?site=kottarakkara&from={DAY}&to={DAY}")


def test_ending_a_full_day_in_the_morning_keeps_the_morning_and_frees_the_afternoon(
        authed, api, full_day, clock):
    before = _availability(api)
    assert before.get_json()["days"][0]["afternoon"]["free"] == 1  # now cached
    clock(10)

    response = authed.post(f"/api/v1/bookings/{full_day.id}/end")

    assert response.status_code == 200
    booking = response.get_json()["booking"]
    assert booking["status"] == "live" and booking["part"] == "morning"
    assert booking["original_part"] == "full" and booking["ended_early_at"].startswith(str(DAY))
    assert authed.get(f"/api/v1/bookings/{full_day.id}").get_json()["booking"] == booking
    after = _availability(api)
    assert after.get_json()["days"][0]["afternoon"]["free"] == 2
    assert after.get_json()["days"][0]["morning"]["free"] == 1
    stale = api.get(f"/api/v1/availability?site=kottarakkara&from={DAY}&to={DAY}",
                    headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200


def test_someone_else_books_the_freed_afternoon_through_the_api(authed, api, full_day, clock,
                                                                make, session):
    _record, other_token = tokens.create_token(session, make.member(), "other")
    session.commit()
    other = api.as_(other_token)
    afternoon = {"site": "kottarakkara", "date": DAY.isoformat(), "part": "afternoon",
                 "desk": "A01"}
    assert other.post("/api/v1/bookings", json_body=afternoon).status_code == 409
    clock(11)
    authed.post(f"/api/v1/bookings/{full_day.id}/end")
    response = other.post("/api/v1/bookings", json_body=afternoon)
    assert response.status_code == 201 and response.get_json()["booking"]["desk"] == "A01"


def test_ending_a_stay_moves_its_check_out_to_what_was_held(authed, member, make, session,
                                                            hostel, clock):
    stay = make.bed_booking(member=member, site=hostel, check_in=DAY, nights=4,
                            now=now_in_kerala())
    session.commit()
    clock(15, DAY + timedelta(days=1))  # after check-out time: tonight is kept
    booking = authed.post(f"/api/v1/bookings/{stay.id}/end").get_json()["booking"]
    assert booking["check_in"] == DAY.isoformat() and booking["nights"] == 2
    assert booking["check_out"] == (DAY + timedelta(days=2)).isoformat()
    assert booking["original_check_out"] == (DAY + timedelta(days=4)).isoformat()
    nights = api_nights(authed, hostel, DAY, DAY + timedelta(days=3))
    assert nights == [2, 2, 3, 3]  # 3 beds: one held two nights, then all free


def api_nights(client, hostel, first, last) -> list[int]:
    days = client.get(f"/api/v1/availability?site={hostel.slug}&from={first}&to={last}")
    return [d["beds"]["free"] for d in days.get_json()["days"]]


@pytest.mark.parametrize("day_offset, hour, status, detail", [
    (-1, 9, 422, "has not begun: cancel it instead"),
    (0, 14, 422, "The afternoon is under way and is the last of this booking"),
    (0, 21, 422, "This booking ended at 20:00"),
])
def test_refusals_are_problems_saying_why(authed, full_day, clock, day_offset, hour, status,
                                          detail):
    clock(hour, DAY + timedelta(days=day_offset))
    response = authed.post(f"/api/v1/bookings/{full_day.id}/end")
    assert response.status_code == status and detail in response.get_json()["detail"]
    assert authed.get(f"/api/v1/bookings/{full_day.id}").get_json()["booking"]["part"] == "full"


def test_a_cancelled_booking_has_nothing_to_end(authed, full_day, member, session, clock):
    cancel_booking(session, full_day, member)
    session.commit()
    clock(10)
    response = authed.post(f"/api/v1/bookings/{full_day.id}/end")
    assert response.status_code == 422 and "cancelled" in response.get_json()["detail"]


def test_another_members_or_an_unknown_booking_is_404_and_no_token_is_401(
        authed, api, make, session, centre, clock):
    theirs = make.desk_booking(site=centre, day=DAY, part=DayPart.FULL, now=now_in_kerala())
    session.commit()
    clock(10)
    assert authed.post(f"/api/v1/bookings/{theirs.id}/end").status_code == 404
    assert authed.post("/api/v1/bookings/99999/end").status_code == 404
    assert authed.post(f"/api/v1/bookings/{2**40}/end").status_code == 404
    assert api.post(f"/api/v1/bookings/{theirs.id}/end").status_code == 401
    assert authed.get(f"/api/v1/bookings/{theirs.id}").status_code == 404
    session.expire_all()
    assert theirs.part == "full"


def test_a_new_booking_says_it_has_not_ended(authed, centre, tomorrow, make, session):
    make.desk_booking(site=centre, day=tomorrow, desk="A02", now=now_in_kerala())
    session.commit()
    response = authed.post("/api/v1/bookings",
                           json_body={"site": "kottarakkara", "date": tomorrow.isoformat()})
    assert response.get_json()["booking"]["ended_early_at"] is None
