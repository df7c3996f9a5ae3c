"""Who may open each admin page and perform each admin action.

Admin: everything. Manager of site A: site A's pages; site B's give 404, even
typed by hand; state-wide admin-only pages give 403. Members: 404 everywhere.
Anonymous: sent to sign in.
"""
from __future__ import annotations

from datetime import date

import pytest

from booking.services.sites import capacity

from tests.admin.conftest import csrf_token, sign_in

WHO = ("admin", "manager_a", "manager_b", "member", "anonymous")


def site_pages(site, desk_id):
    s = site.id
    return [f"/admin/sites/{s}", f"/admin/sites/{s}/edit", f"/admin/sites/{s}/capacity",
            f"/admin/sites/{s}/closures", f"/admin/sites/{s}/today",
            f"/admin/sites/{s}/occupancy", f"/admin/bookings?site={s}",
            f"/admin/bookings.csv?site={s}", f"/admin/audit?site={s}",
            f"/admin/sites/{s}/desk/{desk_id}/retire"]


# Expected status per viewer for a page about site A.
SITE_A_PAGE = {"admin": 200, "manager_a": 200, "manager_b": 404, "member": 404,
               "anonymous": 302}
STAFF_PAGE = {"admin": 200, "manager_a": 200, "manager_b": 200, "member": 404,
              "anonymous": 302}
ADMIN_PAGE = {"admin": 200, "manager_a": 403, "manager_b": 403, "member": 404,
              "anonymous": 302}


def _client_for(who, world, client):
    if who != "anonymous":
        sign_in(client, getattr(world, who))
    return client


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", range(10))
def test_site_pages_open_only_to_admins_and_that_sites_managers(world, client, who, page):
    url = site_pages(world.site_a, world.site_a.desks[0].id)[page]
    response = _client_for(who, world, client).get(url)
    assert response.status_code == SITE_A_PAGE[who], url
    if who == "anonymous":
        assert "/sign-in" in response.location or "sign" in response.location


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", ["/admin/", "/admin/sites", "/admin/bookings", "/admin/audit",
                                 "/admin/bookings.csv"])
def test_staff_pages_open_to_staff_only(world, client, who, url):
    assert _client_for(who, world, client).get(url).status_code == STAFF_PAGE[who]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", ["/admin/users", "/admin/sites/new", "/admin/sites/import",
                                 "users/{member}"])
def test_state_wide_pages_are_for_administrators(world, client, who, url):
    url = url if url.startswith("/") else f"/admin/users/{world.member.id}"
    assert _client_for(who, world, client).get(url).status_code == ADMIN_PAGE[who]


def _actions(world, booking_id, closure_id):
    a, desk, hostel_room = world.site_a, world.site_a.desks[0], world.hostel.rooms[0]
    return {
        "add desks": (f"/admin/sites/{a.id}/desks", {"count": 2, "zone": "B"}, a),
        "rename desk": (f"/admin/sites/{a.id}/desk/{desk.id}/rename", {"label": "Window 1"}, a),
        "retire desk": (f"/admin/sites/{a.id}/desk/{desk.id}/retire",
                        {"from_on": "2030-01-10"}, a),
        "close site": (f"/admin/sites/{a.id}/closures",
                       {"starts_on": "2030-01-01", "ends_on": "2030-01-02", "reason": "Onam",
                        "room_id": 0, "handling": "flag", "confirm": "1"}, a),
        "status": (f"/admin/sites/{a.id}/status", {"status": "closed"}, a),
        "edit": (f"/admin/sites/{a.id}/edit", {"name": "Renamed", "district": "Kollam",
                 "opening_days": ["0", "1"], "opens_at": "08:00", "closes_at": "18:00",
                 "check_in_time": "14:00", "check_out_time": "11:00", "advance_days": 30,
                 "max_stay_nights": 10, "cancel_cutoff_hours": 0}, a),
        "cancel booking": (f"/admin/bookings/{booking_id}/cancel", {"reason": "Power cut"}, a),
        "add room": (f"/admin/sites/{world.hostel.id}/rooms",
                     {"name": "R9", "beds": 2, "room_type": "twin", "designation": "men"},
                     world.hostel),
        "retire room": (f"/admin/sites/{world.hostel.id}/room/{hostel_room.id}/retire",
                        {"from_on": "2030-01-10"}, world.hostel),
        "remove closure": (f"/admin/sites/{a.id}/closures/{closure_id}/delete", {}, a),
        "resolve conflict": (f"/admin/bookings/{booking_id}/conflict",
                             {"action": "resolve", "note": "Agreed by phone"}, a),
    }


ACTIONS = ["add desks", "rename desk", "retire desk", "close site", "status", "edit",
           "cancel booking", "add room", "retire room", "remove closure", "resolve conflict"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ACTIONS)
def test_site_actions_allowed_only_to_admins_and_that_sites_managers(world, client, make,
                                                                    session, who, action):
    booking = make.desk_booking(member=world.member, site=world.site_a,
                                now=_real_now())
    booking.conflict = "Desk retired; nothing free"
    closure, _ = capacity.add_closure(session, world.site_a, date(2031, 1, 1), date(2031, 1, 2))
    session.commit()
    url, data, _site = _actions(world, booking.id, closure.id)[action]
    client = _client_for(who, world, client)
    # Everyone holds a valid token, so only authorisation can refuse them.
    page = {"member": "/", "anonymous": "/sign-in"}.get(who, "/admin/sites")
    data = {**data, "csrf_token": csrf_token(client, page)}
    response = client.post(url, data=data)
    expected = {"admin": 302, "manager_a": 302, "manager_b": 404, "member": 404,
                "anonymous": 302}[who]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if who in ("admin", "manager_a"):
        assert "/admin/" in response.location


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "member"])
def test_only_administrators_assign_roles(world, client, who):
    client = _client_for(who, world, client)
    token = csrf_token(client, "/" if who == "member" else "/admin/sites")
    response = client.post(f"/admin/users/{world.member.id}",
                           data={"role": "admin", "csrf_token": token})
    assert response.status_code == (404 if who == "member" else 403)


def test_a_manager_cannot_open_another_sites_booking(world, client, make, session):
    booking = make.desk_booking(member=world.member, site=world.site_b, now=_real_now())
    session.commit()
    sign_in(client, world.manager_a)
    assert client.get(f"/admin/bookings/{booking.id}").status_code == 404
    token = csrf_token(client)
    assert client.post(f"/admin/bookings/{booking.id}/cancel",
                       data={"reason": "x", "csrf_token": token}).status_code == 404


def test_a_manager_sees_only_their_sites_in_lists(world, client):
    sign_in(client, world.manager_b)
    html = client.get("/admin/sites").get_data(as_text=True)
    assert "WNH Varkala" in html and "WNH Kottarakkara" not in html
    html = client.get("/admin/").get_data(as_text=True)
    assert "WNH Varkala" in html and "Technopark Hostel" not in html


def test_writes_without_a_csrf_token_are_refused(world, client):
    sign_in(client, world.admin)
    response = client.post(f"/admin/sites/{world.site_a.id}/desks", data={"count": 2, "zone": "B"})
    assert response.status_code == 400


def _real_now():
    from booking.clock import now_in_kerala
    return now_in_kerala()
