"""The waitlist over the API: join only when full, list with positions, leave, source."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.services.accounts import tokens


@pytest.fixture
def tiny(make, session):
    site = make.centre(desks=1, slug="tiny")
    session.commit()
    return site


def _client(api, make, session):
    _t, secret = tokens.create_token(session, make.member())
    session.commit()
    return api.as_(secret)


def body(day, **extra):
    return {"site": "tiny", "date": day.isoformat(), **extra}


def test_join_is_409_with_a_hint_while_a_desk_is_free(authed, tiny, tomorrow):
    response = authed.post("/api/v1/waitlist", json_body=body(tomorrow))
    assert response.status_code == 409
    problem = response.get_json()
    assert "book it" in problem["detail"] and problem["book_url"] == "/api/v1/bookings"


def test_full_day_join_list_then_cancellation_books_from_the_waitlist(
        api, authed, make, session, tiny, tomorrow):
    holder = _client(api, make, session)
    held = holder.post("/api/v1/bookings", json_body=body(tomorrow)).get_json()["booking"]
    response = authed.post("/api/v1/waitlist", json_body=body(tomorrow))
    assert response.status_code == 201
    entry = response.get_json()["entry"]
    assert entry["site"] == "tiny" and entry["position"] == 1 and entry["part"] == "full"
    second = _client(api, make, session)
    assert second.post("/api/v1/waitlist", json_body=body(tomorrow)).get_json()[
        "entry"]["position"] == 2
    listed = authed.get("/api/v1/waitlist").get_json()["entries"]
    assert [e["id"] for e in listed] == [entry["id"]]
    assert holder.delete(f"/api/v1/bookings/{held['id']}").status_code == 200
    assert authed.get("/api/v1/waitlist").get_json()["entries"] == []
    mine = authed.get("/api/v1/bookings").get_json()["bookings"]
    assert [(b["status"], b["source"]) for b in mine] == [("live", "waitlist")]
    assert second.get("/api/v1/waitlist").get_json()["entries"][0]["position"] == 1


def test_leaving_is_204_and_someone_elses_entry_is_404(api, authed, make, session, tiny,
                                                       tomorrow):
    _client(api, make, session).post("/api/v1/bookings", json_body=body(tomorrow))
    entry = authed.post("/api/v1/waitlist", json_body=body(tomorrow)).get_json()["entry"]
    other = _client(api, make, session)
    assert other.delete(f"/api/v1/waitlist/{entry['id']}").status_code == 404
    assert authed.delete(f"/api/v1/waitlist/{entry['id']}").status_code == 204
    assert authed.delete(f"/api/v1/waitlist/{entry['id']}").status_code == 422
    assert authed.get("/api/v1/waitlist").get_json()["entries"] == []
    assert authed.delete("/api/v1/waitlist/99999999999").status_code == 400


@pytest.mark.parametrize("payload, status", [
    ({"site": "tiny", "date": "2026-13-01"}, 400),
    ({"site": "tiny", "date": "tomorrow"}, 400),
    ({"site": "nowhere", "date": "2026-12-02"}, 404),
    ({"site": "tiny", "date": "DAY", "desk": "A01"}, 400),
    ({"site": "tiny", "date": "DAY", "part": "evening"}, 400),
    ({"site": "tiny", "date": "PAST"}, 422),
    ({"site": "tiny", "date": "FAR"}, 422),
])
def test_bad_bodies_are_refused_like_booking_bodies(authed, tiny, tomorrow, payload, status):
    days = {"DAY": tomorrow, "PAST": tomorrow - timedelta(days=3),
            "FAR": tomorrow + timedelta(days=400)}
    payload = {k: days[v].isoformat() if v in days else v for k, v in payload.items()}
    assert authed.post("/api/v1/waitlist", json_body=payload).status_code == status


def test_already_booked_then_is_422_and_waiting_twice_is_409(api, authed, make, session, tiny,
                                                              tomorrow):
    assert authed.post("/api/v1/bookings", json_body=body(tomorrow)).status_code == 201
    assert authed.post("/api/v1/waitlist", json_body=body(tomorrow)).status_code == 422
    other = _client(api, make, session)
    assert other.post("/api/v1/waitlist", json_body=body(tomorrow)).status_code == 201
    assert other.post("/api/v1/waitlist", json_body=body(tomorrow)).status_code == 409


def test_a_hostel_stay_waits_for_a_bed_free_every_night(api, authed, make, session, tomorrow):
    make.hostel(slug="small", rooms=(("W1", "single", "women", 1),))
    session.commit()
    stay = {"site": "small", "check_in": tomorrow.isoformat(),
            "check_out": (tomorrow + timedelta(days=2)).isoformat()}
    assert authed.post("/api/v1/bookings", json_body=stay).status_code == 201
    other = _client(api, make, session)
    assert other.post("/api/v1/waitlist", json_body=stay).status_code == 422  # not eligible
    assert authed.post("/api/v1/waitlist", json_body={**stay, "bed": "W1-1"}).status_code == 400
