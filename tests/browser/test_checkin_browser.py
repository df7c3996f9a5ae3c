"""A member scans a centre's check-in code on a 390 px phone: sign in, confirm, checked in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.services.bookings.checkin import check_in_code
from tests.conftest import NOW, PASSWORD, TODAY

pytestmark = pytest.mark.browser


def test_member_scans_the_code_signs_in_and_checks_in(phone_page, make, session, monkeypatch):
    monkeypatch.setattr("booking.web.checkin.now_in_kerala", lambda: NOW)
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara")
    member = make.member(email="devika@example.org", name="Devika Nair")
    make.desk_booking(member=member, site=site, day=TODAY, now=NOW - timedelta(days=1))
    session.commit()
    page = phone_page

    page.goto(f"/check-in/kottarakkara/{check_in_code('test-secret', site, TODAY)}")
    page.get_by_label("Email").fill("devika@example.org")  # sent to sign in first
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Check in at WNH Kottarakkara")).to_be_visible()
    expect(page.get_by_text("Full day")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Check in now").click()

    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    expect(page.get_by_text("Checked in at WNH Kottarakkara.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_old_code_says_so(phone_page, make, session, monkeypatch):
    monkeypatch.setattr("booking.web.checkin.now_in_kerala", lambda: NOW)
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara")
    make.member(email="devika@example.org")
    session.commit()
    page = phone_page
    page.goto("/sign-in")
    page.get_by_label("Email").fill("devika@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    yesterday = check_in_code("test-secret", site, TODAY - timedelta(days=1))
    response = page.goto(f"/check-in/kottarakkara/{yesterday}")
    assert response.status == 400
    expect(page.get_by_role("heading", name="This check-in code is not valid")).to_be_visible()
