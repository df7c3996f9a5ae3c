"""Booking through the API: every success and every refusal, with its status."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.clock import today_in_kerala
from booking.models import Booking
from booking.services.accounts import tokens


def desk(day, **extra):
    return {"site": "kottarakkara", "date": day.isoformat(), **extra}


def test_booking_a_desk_answers_201_with_the_booking(authed, centre, tomorrow):
    response = authed.post("/api/v1/bookings", json_body=desk(tomorrow, part="morning"))
    assert response.status_code == 201
    booking = response.get_json()["booking"]
    assert booking["site"] == "kottarakkara" and booking["status"] == "live"
    assert booking["desk"] == "A01" and booking["part"] == "morning"
    assert booking["date"] == tomorrow.isoformat()
    assert response.headers["Location"].endswith(f"/api/v1/bookings/{booking['id']}")


def test_part_defaults_to_the_full_day(authed, centre, tomorrow):
    booking = authed.post("/api/v1/bookings", json_body=desk(tomorrow)).get_json()["booking"]
    assert booking["part"] == "full"


def test_booking_a_bed_answers_201_with_check_in_and_out(authed, hostel, tomorrow):
    body = {"site": "technopark", "check_in": tomorrow.isoformat(),
            "check_out": (tomorrow + timedelta(days=3)).isoformat()}
    response = authed.post("/api/v1/bookings", json_body=body)
    assert response.status_code == 201
    booking = response.get_json()["booking"]
    assert booking["bed"].startswith("W1-") and booking["nights"] == 3
    assert booking["check_out"] == body["check_out"]


def test_a_named_desk_that_is_taken_is_409(authed, api, centre, tomorrow, session, make):
    assert authed.post("/api/v1/bookings", json_body=desk(tomorrow, desk="A02")).status_code == 201
    other = make.member()
    _t, secret = tokens.create_token(session, other)
    session.commit()
    response = api.as_(secret).post("/api/v1/bookings", json_body=desk(tomorrow, desk="A02"))
    assert response.status_code == 409 and "A02" in response.get_json()["detail"]


def test_nothing_free_is_409(api, make, session, tomorrow):
    make.centre(desks=1, slug="tiny")
    secrets = []
    for _ in range(2):
        _t, secret = tokens.create_token(session, make.member())
        secrets.append(secret)
    session.commit()
    body = {"site": "tiny", "date": tomorrow.isoformat()}
    assert api.as_(secrets[0]).post("/api/v1/bookings", json_body=body).status_code == 201
    second = api.as_(secrets[1]).post("/api/v1/bookings", json_body=body)
    assert second.status_code == 409 and "No desk is free" in second.get_json()["detail"]


def test_the_same_member_twice_the_same_morning_is_409(authed, centre, tomorrow):
    authed.post("/api/v1/bookings", json_body=desk(tomorrow, part="morning"))
    again = authed.post("/api/v1/bookings", json_body=desk(tomorrow, part="full"))
    assert again.status_code == 409 and "already have a desk" in again.get_json()["detail"]


@pytest.mark.parametrize("days_ahead, words", [(-1, "already passed"), (45, "up to 30 days ahead")])
def test_rules_refuse_with_422(authed, centre, days_ahead, words):
    day = today_in_kerala() + timedelta(days=days_ahead)
    response = authed.post("/api/v1/bookings", json_body=desk(day))
    assert response.status_code == 422 and words in response.get_json()["detail"]


def test_a_room_for_someone_else_is_422(authed, hostel, tomorrow):
    body = {"site": "technopark", "check_in": tomorrow.isoformat(),
            "check_out": (tomorrow + timedelta(days=1)).isoformat(), "bed": "M1-1"}
    response = authed.post("/api/v1/bookings", json_body=body)
    assert response.status_code == 422 and "designated for men" in response.get_json()["detail"]


@pytest.mark.parametrize("data, words", [
    ("{", "not valid JSON"),
    ("", "Send a JSON object"),
    ("[1, 2]", "must be a JSON object"),
    ('{"site": "kottarakkara"}', "'date' is required: it must be a date written YYYY-MM-DD"),
    ('{"site": "kottarakkara", "date": "tomorrow"}', "YYYY-MM-DD"),
    ('{"site": "kottarakkara", "date": "2026-12-02", "part": "evening"}', "morning, afternoon, full"),
    ('{"site": "kottarakkara", "date": "2026-12-02", "nights": 3}', "Unknown field(s): nights"),
    ('{"site": 7}', "'site' must be a non-empty string"),
    ('{"date": "2026-12-02"}', "'site' is required"),
    ('{"site": "technopark", "check_in": "2026-12-05", "check_out": "2026-12-05"}',
     "'check_out' must be after 'check_in'"),
    ('"' + "[" * 5000 + '"', "must be a JSON object"),
    ("[" * 100000, "not valid JSON"),
])
def test_malformed_requests_are_400(authed, centre, hostel, data, words):
    response = authed.post("/api/v1/bookings", data=data,
                           headers={"Content-Type": "application/json"})
    if len(data) > 64 * 1024:
        assert response.status_code == 413
        return
    assert response.status_code == 400, response.get_json()
    assert words in response.get_json()["detail"]


def test_unknown_site_or_desk_is_404(authed, centre, tomorrow):
    assert authed.post("/api/v1/bookings", json_body={
        "site": "nowhere", "date": tomorrow.isoformat()}).status_code == 404
    assert authed.post("/api/v1/bookings", json_body=desk(tomorrow, desk="Z99")).status_code == 404


def test_a_body_over_64_kib_is_413(authed, centre):
    response = authed.post("/api/v1/bookings", data="x" * (64 * 1024 + 1),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("header", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer wnh_not-a-token",
                                    "Bearer " + "x" * 300])
def test_missing_or_invalid_tokens_are_401(api, centre, tomorrow, header):
    headers = {"Authorization": header} if header else {}
    response = api.post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers, token=None)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(api, member, session, centre, tomorrow):
    record, secret = tokens.create_token(session, member)
    tokens.revoke_token(session, member, record.id)
    session.commit()
    response = api.as_(secret).get("/api/v1/bookings")
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]


def test_listing_shows_only_my_bookings(authed, api, centre, tomorrow, make, session):
    mine = authed.post("/api/v1/bookings", json_body=desk(tomorrow)).get_json()["booking"]
    make.desk_booking(site=centre, day=tomorrow, now=None)
    session.commit()
    listed = authed.get("/api/v1/bookings").get_json()["bookings"]
    assert [b["id"] for b in listed] == [mine["id"]]
    assert authed.get(f"/api/v1/bookings/{mine['id']}").get_json()["booking"] == mine


def test_another_members_booking_is_404_to_read_and_to_cancel(authed, centre, tomorrow, make,
                                                              session):
    theirs = make.desk_booking(site=centre, day=tomorrow, now=None)
    session.commit()
    assert authed.get(f"/api/v1/bookings/{theirs.id}").status_code == 404
    assert authed.delete(f"/api/v1/bookings/{theirs.id}").status_code == 404
    session.refresh(theirs)
    assert theirs.status == "live"


@pytest.mark.parametrize("booking_id", ["0", "99999", str(2**31), str(10**30)])
def test_unknown_or_absurd_ids_are_404(authed, booking_id):
    assert authed.get(f"/api/v1/bookings/{booking_id}").status_code == 404
    assert authed.delete(f"/api/v1/bookings/{booking_id}").status_code == 404


def test_cancelling_frees_the_desk_and_keeps_the_record(authed, api, centre, tomorrow):
    booking = authed.post("/api/v1/bookings", json_body=desk(tomorrow, desk="A01")).get_json()["booking"]
    url = f"/api/v1/availability?site=kottarakkara&from={tomorrow}&to={tomorrow}"
    assert api.get(url).get_json()["days"][0]["morning"]["free"] == 1
    cancelled = authed.delete(f"/api/v1/bookings/{booking['id']}")
    assert cancelled.status_code == 200
    assert cancelled.get_json()["booking"]["status"] == "cancelled"
    assert api.get(url).get_json()["days"][0]["morning"]["free"] == 2
    again = authed.delete(f"/api/v1/bookings/{booking['id']}")
    assert again.status_code == 422 and "already cancelled" in again.get_json()["detail"]


def test_the_same_idempotency_key_books_once(authed, centre, tomorrow, session):
    headers = {"Idempotency-Key": "3f1c2a9e-retry-me"}
    first = authed.post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers)
    second = authed.post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert session.scalar(select(func.count()).select_from(Booking)) == 1


def test_the_same_key_with_another_body_is_422(authed, centre, tomorrow, session):
    headers = {"Idempotency-Key": "key-1"}
    authed.post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers)
    other = authed.post("/api/v1/bookings", json_body=desk(tomorrow + timedelta(days=1)),
                        headers=headers)
    assert other.status_code == 422
    assert "already used for a different request" in other.get_json()["detail"]
    assert session.scalar(select(func.count()).select_from(Booking)) == 1


def test_a_refused_keyed_request_can_be_retried(authed, centre, tomorrow):
    headers = {"Idempotency-Key": "key-2"}
    past = today_in_kerala() - timedelta(days=1)
    assert authed.post("/api/v1/bookings", json_body=desk(past), headers=headers).status_code == 422
    assert authed.post("/api/v1/bookings", json_body=desk(past), headers=headers).status_code == 422


def test_keys_are_per_member(authed, api, centre, tomorrow, make, session):
    _t, secret = tokens.create_token(session, make.member())
    session.commit()
    headers = {"Idempotency-Key": "shared"}
    assert authed.post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers).status_code == 201
    theirs = api.as_(secret).post("/api/v1/bookings", json_body=desk(tomorrow), headers=headers)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers


@pytest.mark.parametrize("key", ["", "x" * 201, "with space", "ünïcode"])
def test_a_malformed_idempotency_key_is_400(authed, centre, tomorrow, key):
    response = authed.post("/api/v1/bookings", json_body=desk(tomorrow),
                           headers={"Idempotency-Key": key})
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["detail"]
