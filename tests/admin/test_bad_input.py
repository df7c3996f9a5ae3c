"""Ugly input to the admin pages gets a clear 4xx answer, never a 500."""
from __future__ import annotations

import pytest

from tests.admin.conftest import csrf_token, sign_in


@pytest.mark.parametrize("url", [
    "/admin/sites/999999", "/admin/sites/999999/capacity", "/admin/bookings/999999",
    "/admin/users/999999", "/admin/sites/{a}/chair/1/retire", "/admin/sites/{a}/desk/999999/retire",
    "/admin/sites/{a}/desk/{b_desk}/retire",  # a desk of another site, through site A's URL
])
def test_unknown_or_mismatched_ids_are_404(world, client, url):
    sign_in(client, world.admin)
    url = url.format(a=world.site_a.id, b_desk=world.site_b.desks[0].id)
    assert client.get(url).status_code == 404


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def test_bad_capacity_and_dates_are_form_errors(world, client):
    sign_in(client, world.admin)
    a, desk = world.site_a.id, world.site_a.desks[0].id
    cases = [
        (f"/admin/sites/{a}/desks", {"count": 501, "zone": "B"}, "between 1 and 500"),
        (f"/admin/sites/{a}/desks", {"count": "lots", "zone": "B"}, "Not a valid integer"),
        (f"/admin/sites/{a}/rooms", {"name": "R1", "beds": 2, "room_type": "dormitory",
                                     "designation": "anyone"}, "only be added to a hostel"),
        (f"/admin/sites/{a}/desk/{desk}/retire", {"from_on": "2020-01-01"}, "the past is kept"),
        (f"/admin/sites/{a}/desk/{desk}/retire", {"from_on": "not-a-date"}, "Not a valid date"),
        (f"/admin/sites/{a}/closures", {"starts_on": "2030-02-10", "ends_on": "2030-02-01",
                                        "reason": "x", "room_id": 0, "handling": "flag",
                                        "confirm": "1"}, "last day is before the first"),
        (f"/admin/sites/{a}/closures", {"starts_on": "2030-01-01", "ends_on": "2032-01-01",
                                        "reason": "x", "room_id": 0, "handling": "flag",
                                        "confirm": "1"}, "at most a year"),
    ]
    for url, data, message in cases:
        response = post(client, url, **data)
        assert response.status_code == 400, (url, data)
        assert message in response.get_data(as_text=True), (url, message)


def test_an_impossible_status_change_is_refused(world, client):
    sign_in(client, world.admin)
    response = post(client, f"/admin/sites/{world.site_a.id}/status", status="planned")
    assert response.status_code == 400


def test_a_closure_for_a_room_of_another_site_is_404(world, client):
    sign_in(client, world.admin)
    other_room = world.hostel.rooms[0].id
    response = post(client, f"/admin/sites/{world.site_a.id}/closures", starts_on="2030-01-01",
                    ends_on="2030-01-01", reason="x", room_id=other_room, handling="flag")
    assert response.status_code in (400, 404)
