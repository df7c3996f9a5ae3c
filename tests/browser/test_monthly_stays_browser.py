"""A monthly hostel stay on a phone: ask for it on the hostel's page, extend it, give notice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from booking.clock import today_in_kerala
from booking.services.bookings.stays import add_months
from tests.browser.test_member_flows import _sign_in

pytestmark = pytest.mark.browser


def test_a_member_stays_by_the_month_extends_and_gives_notice(phone_page, make, session):
    page = phone_page
    make.resident(email="meera@example.org", hostel_eligibility="women")
    make.hostel(name="Infopark Hostel", slug="infopark-hostel", stay_kinds="nightly,monthly",
                min_months=1, notice_days=30, longest_stay_months=12,
                rooms=(("W1", "dormitory", "women", 2),))
    session.commit()
    check_in = today_in_kerala() + timedelta(days=3)

    _sign_in(page, "meera@example.org")
    page.goto("/sites/infopark-hostel")
    page.get_by_role("link", name="Stay by the month").click()
    page.get_by_label("Check-in").fill(check_in.isoformat())
    page.get_by_label("For").select_option("2")
    page.get_by_role("button", name="Book my monthly stay").click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    details = page.locator(".facts")
    expect(details).to_contain_text("By the month: 2 months")
    check_out = add_months(check_in, 2)
    expect(details).to_contain_text(f"{check_out.day} {check_out:%b %Y}, by 11:00")

    page.get_by_role("link", name="Extend this stay").click()
    page.get_by_label("Extend by").select_option("1")
    page.get_by_role("button", name="Extend", exact=True).click()
    expect(page.get_by_text("Your stay is extended.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("By the month: 3 months")

    page.get_by_role("link", name="Give notice").click()
    expect(page.get_by_text("The notice period at Infopark Hostel is 30 days")).to_be_visible()
    page.get_by_role("button", name="Give notice").click()
    expect(page.get_by_text("Notice given. Your stay ends on the day you chose.")).to_be_visible()
    leaving = max(today_in_kerala() + timedelta(days=30), add_months(check_in, 1))
    expect(page.locator(".facts")).to_contain_text(f"{leaving.day} {leaving:%b %Y}, by 11:00")
    page.screenshot(path="/tmp/stays-monthly-phone.png", full_page=True)
