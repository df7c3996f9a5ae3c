"""Booking a desk every Tuesday and Thursday on a phone (390 px), then cancelling the rest."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.clock import today_in_kerala
from booking.models import DayPart

from .test_member_flows import _sign_in

pytestmark = pytest.mark.browser


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390 px"


def test_book_tuesdays_and_thursdays_for_three_weeks_then_cancel_the_rest(
        phone_page, make, session):
    page = phone_page
    centre = make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=1,
                         opening_days="012345")
    member = make.member(email="devika@example.org")
    today = today_in_kerala()
    first = today + timedelta(days=1)
    while first.weekday() != 0:  # the next Monday
        first += timedelta(days=1)
    until = first + timedelta(days=20)
    taken = first + timedelta(days=8)  # the second Tuesday: someone else has the only desk
    make.desk_booking(site=centre, day=taken, part=DayPart.FULL, now=None)
    session.commit()

    _sign_in(page, member.email)
    page.goto("/sites/kottarakkara")
    page.get_by_role("link", name="Book every week").click()
    expect(page.get_by_role("heading", name="Book a desk every week at WNH Kottarakkara")
           ).to_be_visible()
    _fits_the_screen(page)
    page.get_by_label("Tue", exact=True).check()
    page.get_by_label("Thu", exact=True).check()
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("Until").fill(until.isoformat())
    page.get_by_role("button", name="Book these dates").click()

    expect(page.get_by_text("5 dates booked.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dates booked")).to_be_visible()
    booked = page.locator(".series-dates .booking-item")
    expect(booked).to_have_count(5)
    expect(page.locator(".refused-list")).to_contain_text("No desk is free")
    _fits_the_screen(page)

    page.get_by_role("link", name="Cancel the rest of this series").click()
    expect(page.get_by_role("heading", name="Cancel the rest of this series?")).to_be_visible()
    _fits_the_screen(page)
    page.get_by_role("button", name="Yes, cancel the rest").click()
    expect(page.get_by_text("5 dates cancelled.")).to_be_visible()
    expect(page.get_by_text("Rest cancelled")).to_be_visible()
    expect(page.locator(".series-dates .badge-closed")).to_have_count(5)
    expect(page.get_by_role("link", name="Cancel the rest of this series")).to_have_count(0)
