"""Room eligibility in a browser: a member asks on a phone, a hostel warden grants it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from booking.services.accounts import roles as users_admin
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()


def test_member_asks_on_a_phone_and_a_warden_grants(phone_page, page, make, session):
    admin = make.member(role="admin", password=None)
    hostel = make.hostel(slug="technopark", rooms=(("W1", "dormitory", "women", 2),))
    warden = make.member(email="warden@example.org", name="Lakshmi Warden")
    users_admin.set_role(session, admin, warden, "manager", [hostel.id])
    make.member(email="neha@example.org", name="Neha Joshy")
    session.commit()

    _sign_in(phone_page, "neha@example.org")
    phone_page.goto("/account")
    expect(phone_page.get_by_text("rooms for anyone only", exact=True)).to_be_visible()
    phone_page.get_by_text("Women's rooms").click()
    phone_page.get_by_role("button", name="Send my request").click()
    expect(phone_page.get_by_text("You asked for women's rooms")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    _sign_in(page, "warden@example.org")
    page.get_by_role("link", name="Admin").first.click()
    page.get_by_role("link", name="Room eligibility").click()
    card = page.locator(".request", has_text="Neha Joshy")
    card.get_by_label("Note to the member").fill("Saw her company ID")
    card.get_by_role("button", name="Grant women's rooms").click()
    expect(page.get_by_text("Neha Joshy may now book women's rooms.")).to_be_visible()
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()

    phone_page.reload()
    expect(phone_page.get_by_text("women's rooms and rooms for anyone")).to_be_visible()
