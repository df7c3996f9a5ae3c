"""The hostel calendar shows each person the beds they can book, and everyone the breakdown."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROOMS = (("W1", "dormitory", "women", 12), ("M1", "dormitory", "men", 8),
         ("A1", "twin", "anyone", 3))


@pytest.fixture(params=["page", "phone_page"])
def tab(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def hostel(make, session):
    make.member(email="rahul@example.org", hostel_eligibility="men")
    site = make.hostel(name="Technopark Hostel", slug="technopark", rooms=ROOMS)
    session.commit()
    return site


def _sign_in(tab, email: str) -> None:
    tab.goto("/sign-in")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="My bookings")).to_be_visible()


def test_visitor_sees_the_breakdown_and_a_member_sees_what_they_can_book(tab, hostel):
    tab.goto("/sites/technopark")
    summary = tab.locator("#bed-summary")
    expect(summary).to_contain_text("Tonight: 23 beds free")
    expect(summary).to_contain_text("3 in rooms for anyone, 12 in women's rooms, "
                                    "8 in men's rooms")
    tonight = tab.locator(".cal-day:not(.cal-pad)").first
    expect(tonight).to_contain_text("23 free")
    expect(tonight.locator(".cal-shares")).to_have_text("Anyone 3 Women 12 Men 8")

    _sign_in(tab, "rahul@example.org")
    tab.goto("/sites/technopark")
    expect(summary).to_contain_text("11 of them are in rooms you can book.")
    expect(tonight).to_contain_text("For you 11 free")
    expect(tonight).not_to_contain_text("23 free")
    expect(tonight.locator(".cal-shares")).to_be_visible()
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"]
    box = tonight.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= tab.viewport_size["width"]


def test_bed_form_tells_the_member_about_beds_in_rooms_not_open_to_them(page, hostel):
    _sign_in(page, "rahul@example.org")
    page.goto("/sites/technopark/book-bed")
    expect(page.get_by_role("table")).not_to_contain_text("W1")
    expect(page.locator("#not-yours")).to_contain_text("12 in women's rooms")
