"""A 100-bed hostel on the warden's phone: ninety residents arriving today fit one page at
390 px, each with its actions, and the free beds per room add up."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from booking.clock import today_in_kerala
from booking.services.accounts import roles
from booking.services.bookings.stays import book_monthly

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WARDEN_SHOTS", "/tmp/warden-shots"))


def test_a_hundred_bed_hostel_on_the_wardens_phone(phone_page, make, session):
    rooms = tuple((f"R{i}", "dormitory", "anyone", 10) for i in range(1, 11))
    site = make.hostel(name="Kakkanad Big Hostel", slug="big-hostel", rooms=rooms,
                       stay_kinds="nightly,monthly")
    admin = make.member(role="admin")
    warden = make.member(email="big-warden@example.org", name="Big Warden")
    roles.set_role(session, admin, warden, "manager", [site.id])
    today = today_in_kerala()
    for _ in range(90):
        book_monthly(session, make.resident(), site, today, 1, confirm=False)
    session.commit()

    page = phone_page
    page.goto("/sign-in")
    page.get_by_label("Email").fill("big-warden@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/admin/sites/{site.id}/hostel")

    arriving = page.locator("li.stay").filter(has=page.get_by_role("button", name="Mark arrival"))
    expect(arriving).to_have_count(90)
    expect(page.get_by_text("of 100 beds free")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "sideways scroll"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "big-hostel.png"))

    arriving.first.get_by_role("button", name="Mark arrival").click()
    expect(page.get_by_text("has arrived")).to_be_visible()
    expect(arriving).to_have_count(89)
