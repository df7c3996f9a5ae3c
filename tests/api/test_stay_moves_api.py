"""Staff move a resident over the API: POST /stays/{id}/move; refusals are 422 with `field`."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.clock import now_in_kerala
from booking.services.accounts import tokens
from booking.services.bookings.book import book_bed

TODAY = now_in_kerala().date()


@pytest.fixture
def hostel(make, session):
    site = make.hostel(slug="technopark", rooms=(("W1", "dormitory", "women", 2),
                                                  ("M1", "dormitory", "men", 1)))
    warden = make.member(role="manager")
    warden.managed_sites.append(site)
    resident = make.member(hostel_eligibility="women")
    stay = book_bed(session, resident, site, TODAY, TODAY + timedelta(days=3), "W1-1")
    stranger = make.member(role="manager")
    stranger.managed_sites.append(make.hostel())
    secrets = {who: tokens.create_token(session, user, "t")[1]
               for who, user in (("warden", warden), ("stranger", stranger),
                                 ("resident", resident))}
    session.commit()
    return stay.id, secrets


def _move(api, token, stay_id, **body):
    return api.as_(token).post(f"/api/v1/stays/{stay_id}/move", json_body=body)


def test_the_warden_moves_a_resident(api, hostel):
    stay_id, secrets = hostel
    response = _move(api, secrets["warden"], stay_id, bed="W1-2",
                     first_night=TODAY.isoformat(), reason="Quieter")
    assert response.status_code == 200
    assert response.get_json()["booking"]["bed"] == "W1-2"


@pytest.mark.parametrize("body, field, words", [
    ({"bed": "M1-1", "first_night": "today"}, "bed", "is for men only"),
    ({"bed": "W1-1", "first_night": "today"}, "bed", "already"),
    ({"bed": "Z9", "first_night": "today"}, "bed", "There is no bed Z9"),
    ({"bed": "W1-2", "first_night": "+9"}, "first_night", "Choose a first night"),
])
def test_refusals_are_422_naming_the_field(api, hostel, body, field, words):
    stay_id, secrets = hostel
    night = TODAY + timedelta(days=9 if body["first_night"] == "+9" else 0)
    response = _move(api, secrets["warden"], stay_id, **{**body, "first_night": night.isoformat()})
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["field"] == field and words in problem["detail"]


@pytest.mark.parametrize("who", ["stranger", "resident"])
def test_others_get_404(api, hostel, who):
    stay_id, secrets = hostel
    response = _move(api, secrets[who], stay_id, bed="W1-2", first_night=TODAY.isoformat())
    assert response.status_code == 404
