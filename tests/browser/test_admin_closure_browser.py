"""A site manager closes a centre for a day; a member's calendar shows that day closed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.clock import today_in_kerala
from booking.services.accounts import roles as users_admin
from tests.browser.test_admin_capacity_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_managers_closure_shows_on_the_members_calendar(page, phone_page, make, session):
    session.expire_on_commit = False
    admin = make.member(role="admin")
    manager = make.member(email="manager@example.org")
    make.member(email="meera@example.org")
    site = make.centre(desks=3, name="WNH Varkala", slug="wnh-varkala")
    users_admin.set_role(session, admin, manager, "manager", [site.id])
    session.commit()
    day = today_in_kerala() + timedelta(days=3)

    sign_in(page, "manager@example.org")
    page.goto(f"/admin/sites/{site.id}/closures")
    page.get_by_label("First closed day").fill(day.isoformat())
    page.get_by_label("Last closed day").fill(day.isoformat())
    page.get_by_label("Reason (members see it)").fill("Sree Narayana Guru Jayanti")
    page.get_by_role("button", name="Check affected bookings").click()
    assert page.get_by_text("0 live booking(s) on those days").is_visible()
    page.get_by_role("button", name="Confirm the closure").click()
    assert page.get_by_text("Closed. 0 booking(s) moved.").is_visible()

    sign_in(phone_page, "meera@example.org")
    phone_page.goto(f"/sites/{site.slug}")
    closed_day = day_cell(phone_page, day)
    assert closed_day.get_by_text("Sree Narayana Guru Jayanti").is_visible()
    open_day = day_cell(phone_page, day + timedelta(days=1))
    assert open_day.get_by_text("3 free").count() == 2  # morning and afternoon


def day_cell(page, day):
    """The calendar cell of a day ("1 Dec" must not match "11 Dec" or "21 Dec")."""
    return page.locator(".cal-day").filter(has_text=re.compile(rf"(?<!\d){day.day} {day:%b}"))
