"""The member flows people use, in a real browser (headless Chromium)."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import DayPart, OutboxMessage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _next_open_day(days_ahead: int = 2):
    """A weekday at least `days_ahead` away (centres here open Mon-Sat)."""
    day = today_in_kerala() + timedelta(days=days_ahead)
    return day + timedelta(days=1) if day.weekday() == 6 else day


def _sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()


def _mailed_link(db, address: str) -> str:
    """The path of the link in the last notice written to ``address`` (as the worker would send)."""
    with db.reader() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                        .order_by(OutboxMessage.id.desc())).first()
    text = message_from_bytes(row.message, policy=policy.default).get_body(("plain",))
    return urlsplit(re.search(r"https?://\S+", text.get_content()).group(0)).path


def test_register_sign_in_book_a_desk_then_cancel_it(page, make, session, db):
    make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=4, opening_days="012345")
    session.commit()
    day = _next_open_day()

    page.goto("/")
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Full name").fill("Devika Nair")
    page.get_by_label("Email").fill("devika@example.org")
    page.get_by_label("Password", exact=True).fill("kottarakkara-1")
    page.get_by_label("Repeat the password").fill("kottarakkara-1")
    page.get_by_label("Women's or men's hostel rooms (optional)").select_option("women")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("your account is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="My bookings")).to_be_visible()  # signed in
    expect(page.get_by_text("Confirm your email address to book.")).to_be_visible()
    page.goto(_mailed_link(db, "devika@example.org"))
    expect(page.get_by_role("heading", name="Your email address is confirmed")).to_be_visible()
    expect(page.get_by_text("Confirm your email address to book.")).to_have_count(0)

    page.get_by_role("link", name="Find a place").first.click()
    page.get_by_role("link", name="WNH Kottarakkara").click()
    page.get_by_role("link", name="Book a desk").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("radio", name=re.compile("^Morning")).check()
    page.get_by_role("button", name="Show free desks").click()
    expect(page.get_by_text("4 desks free")).to_be_visible()
    page.get_by_label("Desk", exact=True).select_option("A03")
    page.get_by_role("button", name="Book this desk").click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    expect(page.get_by_text("Desk A03, zone A")).to_be_visible()
    page.get_by_role("link", name="My bookings").last.click()
    upcoming = page.locator(".booking-list").first
    expect(upcoming).to_contain_text("WNH Kottarakkara")
    expect(upcoming).to_contain_text(f"{day.day} {day:%b %Y}")

    upcoming.get_by_role("link", name=re.compile("Cancel")).click()
    expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_text("Your booking at WNH Kottarakkara is cancelled.")).to_be_visible()
    expect(page.get_by_text("Nothing booked yet.")).to_be_visible()


def test_a_visitor_registers_from_the_booking_page_and_lands_back_on_it_signed_in(
        page, make, session):
    make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=4, opening_days="012345")
    session.commit()
    day = _next_open_day()
    booking_page = f"/sites/kottarakkara/book-desk?day={day.isoformat()}&part=morning"

    page.goto(booking_page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # sent to sign in
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Arjun Menon")
    page.get_by_label("Email").fill("arjun@example.org")
    page.get_by_label("Password", exact=True).fill("kottarakkara-1")
    page.get_by_label("Repeat the password").fill("kottarakkara-1")
    page.get_by_label("Mobile phone (optional)").fill("094470 12345")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Book a desk at WNH Kottarakkara")).to_be_visible()
    assert page.url.endswith(booking_page)
    expect(page.get_by_text("Welcome, Arjun Menon: your account is ready.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    page.goto("/account")
    expect(page.get_by_label("Mobile phone (optional)")).to_have_value("+919447012345")


def test_book_a_bed_for_three_nights(page, make, session):
    make.member(email="meera@example.org", hostel_eligibility="women")
    make.hostel(name="Technopark Hostel", slug="technopark-hostel",
                rooms=(("A101", "dormitory", "women", 2), ("B101", "dormitory", "men", 2)))
    session.commit()
    check_in = today_in_kerala() + timedelta(days=4)
    check_out = check_in + timedelta(days=3)

    _sign_in(page, "meera@example.org")
    page.goto("/sites/technopark-hostel")
    page.get_by_role("link", name="Book a bed").click()
    page.get_by_label("Check-in").fill(check_in.isoformat())
    page.get_by_label("Check-out").fill(check_out.isoformat())
    page.get_by_role("button", name="Show suitable rooms").click()
    expect(page.get_by_text("3 nights")).to_be_visible()
    rooms = page.get_by_role("table")
    expect(rooms).to_contain_text("A101")
    expect(rooms).not_to_contain_text("B101")  # a men's room is not offered
    page.get_by_role("button", name="Book this bed").click()

    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    details = page.locator(".facts")
    expect(details).to_contain_text(f"{check_in.day} {check_in:%b %Y}, from 14:00")
    expect(details).to_contain_text(f"{check_out.day} {check_out:%b %Y}, by 11:00")
    expect(details).to_contain_text("Nights3")


def test_a_refusal_is_shown_on_the_form(page, make, session):
    make.member(email="rahul@example.org")
    site = make.centre(name="WNH Pala", slug="pala", desks=1)
    session.commit()
    day = _next_open_day(3)

    _sign_in(page, "rahul@example.org")
    page.goto(f"/sites/pala/book-desk?day={day.isoformat()}&part=full")
    expect(page.get_by_text("1 desk free")).to_be_visible()
    # Someone else takes the last desk while the member is still deciding.
    make.desk_booking(site=site, day=day, part=DayPart.MORNING, now=now_in_kerala())
    session.commit()
    page.get_by_role("button", name="Book this desk").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check this")
    expect(summary).to_contain_text("No desk is free at WNH Pala")
    expect(summary).to_be_focused()
    expect(page.get_by_role("heading", name="Book a desk at WNH Pala")).to_be_visible()


def test_availability_calendar_fits_a_phone(phone_page, make, session):
    make.centre(name="WNH Thodupuzha", slug="thodupuzha", desks=20)
    session.commit()
    phone_page.goto("/sites/thodupuzha")
    expect(phone_page.get_by_role("heading", name="Availability")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    first_day = phone_page.locator(".cal-day:not(.cal-pad)").first
    expect(first_day).to_contain_text("Morning")
    box = first_day.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # On a phone the days read as a list, one full-width row each.
    assert box["width"] > 300


def test_keyboard_reaches_the_booking_button_with_a_visible_focus(page, make, session):
    make.member(email="joseph@example.org")
    make.centre(name="WNH Pala", slug="pala")
    session.commit()
    _sign_in(page, "joseph@example.org")
    page.goto("/sites/pala")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Book a desk":
            break
    else:
        pytest.fail("Tab never reached the Book a desk link")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_member_pages_raise_no_browser_errors(page, make, session):
    """Nothing blocked by the Content-Security-Policy, no script errors, no broken assets."""
    make.member(email="fathima@example.org", hostel_eligibility="women")
    make.centre(slug="pala", name="WNH Pala")
    make.hostel(slug="infopark", name="Infopark Hostel")
    session.commit()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(r.url) if r.status >= 400 else None)
    _sign_in(page, "fathima@example.org")
    for path in ("/", "/sites/pala", "/sites/infopark", "/sites/pala/book-desk",
                 "/sites/infopark/book-bed", "/bookings", "/account"):
        page.goto(path)
    assert problems == []


def test_member_pages_fit_a_phone_without_sideways_scrolling(phone_page, make, session):
    member = make.member(email="anu@example.org", hostel_eligibility="women")
    centre = make.centre(slug="perinthalmanna", name="WNH Perinthalmanna Government Polytechnic")
    hostel = make.hostel(slug="cyberpark", name="Cyberpark Professionals' Hostel",
                         rooms=(("G1", "dormitory", "women", 4),))
    make.desk_booking(member=member, site=centre, day=_next_open_day(), now=now_in_kerala())
    make.bed_booking(member=member, site=hostel, check_in=today_in_kerala() + timedelta(days=9),
                     nights=3, now=now_in_kerala())
    session.commit()
    _sign_in(phone_page, "anu@example.org")
    for path in ("/", "/sites/cyberpark", "/sites/perinthalmanna/book-desk",
                 "/sites/cyberpark/book-bed", "/bookings", "/account", "/account/delete"):
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"
