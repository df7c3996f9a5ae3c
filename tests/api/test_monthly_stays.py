"""Monthly stays over the API (issue 17), every answer held to the OpenAPI document."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.clock import today_in_kerala
from booking.services.bookings.book import book_bed
from booking.services.bookings.stays import add_months

CHECK_IN = today_in_kerala() + timedelta(days=3)


@pytest.fixture(autouse=True)
def _policies_accepted(member, session):
    """A monthly stay needs the house rules and privacy notice accepted (test_register.py
    tests the refusal); here the member has accepted them."""
    from booking.services.accounts.policies import accept_policies

    accept_policies(session, member)
    session.commit()


@pytest.fixture
def monthly_hostel(make, session):
    site = make.hostel(slug="infopark", stay_kinds="nightly,monthly", min_months=1,
                       notice_days=30, longest_stay_months=12,
                       rooms=(("A1", "dormitory", "anyone", 2),))
    session.commit()
    return site


def _ask(authed, **body):
    return authed.post("/api/v1/bookings", json_body={"site": "infopark",
                                                      "check_in": str(CHECK_IN), **body})


def test_a_member_books_a_monthly_stay(authed, monthly_hostel):
    response = _ask(authed, months=3)
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()["booking"]
    assert booking["kind"] == "monthly" and booking["months"] == 3
    assert booking["check_in"] == str(CHECK_IN)
    assert booking["check_out"] == str(add_months(CHECK_IN, 3))
    assert booking["bed"] and booking["dues"] == [] and booking["notice_given_on"] is None
    listed = authed.get("/api/v1/bookings").get_json()["bookings"]
    assert [(b["id"], b["kind"]) for b in listed] == [(booking["id"], "monthly")]


def test_an_open_ended_stay_and_a_named_bed(authed, monthly_hostel):
    response = _ask(authed, months=None, bed="A1-2")
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()["booking"]
    assert booking["months"] is None and booking["bed"] == "A1-2"
    assert booking["check_out"] == str(add_months(CHECK_IN, 12))


def test_a_hostel_without_monthly_stays_refuses_with_422(authed, hostel):
    response = authed.post("/api/v1/bookings", json_body={
        "site": "technopark", "check_in": str(CHECK_IN), "months": 2})
    assert response.status_code == 422
    assert "does not offer monthly stays" in response.get_json()["detail"]


@pytest.mark.parametrize("body, status", [
    ({"months": 0}, 400), ({"months": "two"}, 400), ({"months": 13}, 422),
    ({"months": 2, "check_out": str(CHECK_IN + timedelta(days=5))}, 400),
    ({"months": 2, "check_in": str(today_in_kerala() - timedelta(days=1))}, 422),
])
def test_bad_monthly_requests(authed, monthly_hostel, body, status):
    response = _ask(authed, **body)
    assert response.status_code == status, response.get_json()


def test_extend_and_give_notice(authed, monthly_hostel):
    booking = _ask(authed, months=2).get_json()["booking"]
    extended = authed.post(f"/api/v1/bookings/{booking['id']}/extend",
                           json_body={"months": 1})
    assert extended.status_code == 200, extended.get_json()
    assert extended.get_json()["booking"]["months"] == 3
    assert extended.get_json()["booking"]["check_out"] == str(add_months(CHECK_IN, 3))

    noticed = authed.post(f"/api/v1/bookings/{booking['id']}/notice")
    assert noticed.status_code == 200, noticed.get_json()
    stay = noticed.get_json()["booking"]
    earliest = max(today_in_kerala() + timedelta(days=30), add_months(CHECK_IN, 1))
    assert stay["notice_given_on"] == str(today_in_kerala()) and stay["check_out"] == str(earliest)
    assert stay["original_check_out"] == str(add_months(CHECK_IN, 3))
    again = authed.post(f"/api/v1/bookings/{booking['id']}/notice", json_body={})
    assert again.status_code == 422


def test_a_notice_shorter_than_the_rule_is_refused(authed, monthly_hostel):
    booking = _ask(authed, months=3).get_json()["booking"]
    response = authed.post(f"/api/v1/bookings/{booking['id']}/notice",
                           json_body={"leaving_on": str(CHECK_IN + timedelta(days=5))})
    assert response.status_code == 422 and "notice period" in response.get_json()["detail"]


def test_extending_into_a_taken_bed_offers_free_beds_then_moves(authed, make, session,
                                                               monthly_hostel):
    booking = _ask(authed, months=1, bed="A1-1").get_json()["booking"]
    after = add_months(CHECK_IN, 1)
    book_bed(session, make.resident(), monthly_hostel, after, after + timedelta(days=2), "A1-1")
    session.commit()
    url = f"/api/v1/bookings/{booking['id']}/extend"

    refused = authed.post(url, json_body={"months": 1})
    assert refused.status_code == 409 and refused.get_json()["free_beds"] == ["A1-2"]
    moved = authed.post(url, json_body={"months": 1, "bed": "A1-2"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["booking"]["bed"] == "A1-2"


def test_someone_elses_stay_cannot_be_extended(authed, api, make, session, monthly_hostel):
    from booking.services.accounts import tokens
    booking = _ask(authed, months=1).get_json()["booking"]
    other = make.resident()
    _record, secret = tokens.create_token(session, other, "other")
    session.commit()
    response = api.as_(secret).post(f"/api/v1/bookings/{booking['id']}/extend",
                                    json_body={"months": 1})
    assert response.status_code == 404


def test_sites_list_the_stays_they_offer(api, monthly_hostel, hostel, centre):
    sites = {s["slug"]: s for s in api.get("/api/v1/sites").get_json()["sites"]}
    assert sites["infopark"]["stay_kinds"] == ["nightly", "monthly"]
    assert sites["infopark"]["monthly"] == {"min_months": 1, "longest_stay_months": 12,
                                            "notice_days": 30}
    assert sites["technopark"]["stay_kinds"] == ["nightly"] and sites["technopark"]["monthly"] is None
    assert sites["kottarakkara"]["stay_kinds"] == [] and sites["kottarakkara"]["monthly"] is None


def test_a_resident_cannot_end_a_monthly_stay_at_once(authed, monthly_hostel, monkeypatch):
    from datetime import time
    from booking.services.dates import at_kerala
    booking = _ask(authed, months=2).get_json()["booking"]
    moment = at_kerala(CHECK_IN + timedelta(days=5), time(10))
    monkeypatch.setattr("booking.services.bookings.ending.now_in_kerala", lambda: moment)
    response = authed.post(f"/api/v1/bookings/{booking['id']}/end")
    assert response.status_code == 422 and "give notice" in response.get_json()["detail"]
