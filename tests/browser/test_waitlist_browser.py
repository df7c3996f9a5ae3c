"""The waitlist flow on a phone (390 px): full day → join → someone cancels → booked."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.clock import now_in_kerala, today_in_kerala
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(tab, email: str) -> None:
    tab.goto("/sign-in")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="My bookings")).to_be_visible()


def _fits_the_phone(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_full_day_join_the_waitlist_then_a_cancellation_books_it(
        browser, live_server, make, session, javascript):
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=1)
    make.member(email="devika@example.org", name="Devika Nair")
    holder = make.member(email="arjun@example.org", name="Arjun Menon")
    day = today_in_kerala() + timedelta(days=3)
    make.desk_booking(holder, site, day, now=now_in_kerala())
    session.commit()
    contexts = [browser.new_context(viewport=PHONE, base_url=live_server, is_mobile=True,
                                    java_script_enabled=javascript) for _ in range(2)]
    waiting, other = (c.new_page() for c in contexts)
    try:
        _sign_in(waiting, "devika@example.org")
        waiting.goto("/sites/kottarakkara/book-desk")
        waiting.get_by_label("Date").fill(day.isoformat())
        waiting.get_by_role("radio", name=re.compile("^Full day")).check()
        waiting.get_by_role("button", name="Show free desks").click()
        expect(waiting.get_by_text("Every desk is taken then")).to_be_visible()
        _fits_the_phone(waiting)
        waiting.get_by_role("button", name="Join the waitlist").click()

        expect(waiting.get_by_text("You are on the waitlist at WNH Kottarakkara, number 1"
                                   " in line")).to_be_visible()
        entries = waiting.locator("#waitlist")
        expect(entries).to_contain_text("Number 1 in line")
        expect(entries.get_by_role("button", name=re.compile("Leave"))).to_be_visible()
        _fits_the_phone(waiting)

        _sign_in(other, "arjun@example.org")
        other.locator(".booking-list").first.get_by_role(
            "link", name=re.compile("Cancel")).click()
        other.get_by_role("button", name="Yes, cancel it").click()
        expect(other.get_by_text("Your booking at WNH Kottarakkara is cancelled.")).to_be_visible()

        waiting.goto("/bookings")
        upcoming = waiting.locator(".booking-list").first
        expect(upcoming).to_contain_text("WNH Kottarakkara")
        expect(upcoming).to_contain_text("From the waitlist")
        expect(waiting.locator("#waitlist")).to_have_count(0)
        upcoming.get_by_role("link", name="WNH Kottarakkara").click()
        expect(waiting.get_by_role("heading", name="You're booked")).to_be_visible()
        _fits_the_phone(waiting)
    finally:
        for c in contexts:
            c.close()


def test_leaving_the_waitlist_on_a_phone(phone_page, make, session):
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=1)
    make.member(email="devika@example.org", name="Devika Nair")
    day = today_in_kerala() + timedelta(days=3)
    make.desk_booking(make.member(), site, day, now=now_in_kerala())
    session.commit()
    _sign_in(phone_page, "devika@example.org")
    phone_page.goto(f"/sites/kottarakkara/book-desk?day={day.isoformat()}&part=morning")
    phone_page.get_by_role("button", name="Join the waitlist").click()
    phone_page.locator("#waitlist").get_by_role("button", name=re.compile("Leave")).click()
    expect(phone_page.get_by_text("You have left the waitlist at WNH Kottarakkara.")).to_be_visible()
    expect(phone_page.locator("#waitlist")).to_have_count(0)
