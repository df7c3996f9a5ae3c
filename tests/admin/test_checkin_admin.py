"""Staff side of check-in: the printable QR page, checking members in from the day sheet,
what the day sheet shows, the site's no-show rule, and who may do each."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEntry, Booking, Site
from booking.services.bookings.checkin import check_in_code, release_no_shows
from tests.conftest import NOW, TODAY

from tests.admin.conftest import csrf_token, sign_in

WHO = ("admin", "manager_a", "manager_b", "member", "anonymous")
SITE_A = {"admin": 200, "manager_a": 200, "manager_b": 404, "member": 404, "anonymous": 302}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("booking.admin.checkin.now_in_kerala", lambda: NOW)
    monkeypatch.setattr("booking.admin.bookings.today_in_kerala", lambda: TODAY)


@pytest.fixture
def booking_id(world, make, session):
    booking = make.desk_booking(member=world.member, site=world.site_a, day=TODAY,
                                now=NOW - timedelta(days=1))
    booking.created_at = NOW - timedelta(days=1)
    session.commit()
    return booking.id


def _client_for(who, world, client):
    if who != "anonymous":
        sign_in(client, getattr(world, who))
    return client


@pytest.mark.parametrize("who", WHO)
def test_the_qr_page_is_for_that_sites_staff(world, client, app, who):
    response = _client_for(who, world, client).get(
        f"/admin/sites/{world.site_a.id}/check-in-code")
    assert response.status_code == SITE_A[who]
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        code = check_in_code("test-secret", world.site_a, TODAY)
        assert f"{app.config['PUBLIC_URL']}/check-in/kottarakkara/{code}" in page
        assert "<svg" in page and "Valid on 1 Dec 2026 only" in page


def test_a_hostel_has_no_qr_page_and_centres_link_to_theirs(world, client):
    sign_in(client, world.admin)
    assert client.get(f"/admin/sites/{world.hostel.id}/check-in-code").status_code == 404
    today = client.get(f"/admin/sites/{world.site_a.id}/today").get_data(as_text=True)
    assert f"/admin/sites/{world.site_a.id}/check-in-code" in today


@pytest.mark.parametrize("who", ["manager_b", "member"])
def test_staff_of_other_sites_and_members_cannot_check_in(world, client, booking_id, reader, who):
    sign_in(client, getattr(world, who))
    response = client.post(f"/admin/bookings/{booking_id}/check-in",
                           data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404
    assert reader.get(Booking, booking_id).checked_in_at is None


def test_manager_checks_a_member_in_from_the_day_sheet(world, as_user, booking_id, reader):
    client = as_user(world.manager_a)
    sheet = client.get(f"/admin/sites/{world.site_a.id}/today").get_data(as_text=True)
    assert "not yet" in sheet and f"/admin/bookings/{booking_id}/check-in" in sheet
    response = client.post(f"/admin/bookings/{booking_id}/check-in",
                           data={"csrf_token": client.csrf})
    assert response.status_code == 303
    sheet = client.get(response.location).get_data(as_text=True)
    assert "Meera Member is checked in." in sheet and "checked in " in sheet
    assert f"/admin/bookings/{booking_id}/check-in" not in sheet
    assert reader.get(Booking, booking_id).checked_in_at == NOW
    entry = reader.scalars(select(AuditEntry).where(AuditEntry.action == "booking.check_in")).one()
    assert entry.actor_id == world.manager_a.id
    log = client.get(f"/admin/audit?site={world.site_a.id}").get_data(as_text=True)
    assert "checked Meera Member in at WNH Kottarakkara" in log
    again = client.post(f"/admin/bookings/{booking_id}/check-in",
                        data={"csrf_token": client.csrf}, follow_redirects=True)
    assert "already checked in" in again.get_data(as_text=True)


def test_without_the_csrf_token_nothing_is_checked_in(world, as_user, booking_id, reader):
    client = as_user(world.admin)
    assert client.post(f"/admin/bookings/{booking_id}/check-in").status_code == 400
    assert reader.get(Booking, booking_id).checked_in_at is None


def test_the_day_sheet_shows_released_no_shows_and_counts_them(world, as_user, booking_id, db):
    with db.writer() as s:
        s.get(Site, world.site_a.id).no_show_after_minutes = 30
        assert [b.id for b in release_no_shows(s, NOW)] == [booking_id]
        s.commit()
    sheet = as_user(world.manager_a).get(f"/admin/sites/{world.site_a.id}/today")
    text = sheet.get_data(as_text=True)
    assert "released (no-show)" in text and "1 no-show" in text
    assert "Desks not checked in 30 minutes after the start are released." in text


def test_an_admin_sets_the_no_show_rule_on_the_site_form(world, as_user, reader):
    client = as_user(world.admin)
    a = world.site_a
    response = client.post(f"/admin/sites/{a.id}/edit", data={
        "csrf_token": client.csrf, "name": a.name, "district": "Kollam",
        "opening_days": ["0", "1", "2", "3", "4", "5", "6"], "opens_at": "08:00",
        "closes_at": "20:00", "check_in_time": "14:00", "check_out_time": "11:00",
        "advance_days": 30, "max_stay_nights": 180, "cancel_cutoff_hours": 0,
        "no_show_after_minutes": 60, "no_show_limit_days": 3})
    assert response.status_code == 302, response.get_data(as_text=True)
    site = reader.get(Site, a.id)
    assert (site.no_show_after_minutes, site.no_show_limit_days) == (60, 3)
    detail = client.get(f"/admin/sites/{a.id}").get_data(as_text=True)
    assert "released 60 min after the start if not checked in" in detail


def test_the_booking_page_shows_the_check_in(world, as_user, booking_id):
    client = as_user(world.admin)
    client.post(f"/admin/bookings/{booking_id}/check-in", data={"csrf_token": client.csrf})
    page = client.get(f"/admin/bookings/{booking_id}").get_data(as_text=True)
    assert "Checked in" in page and "1 Dec 2026" in page
