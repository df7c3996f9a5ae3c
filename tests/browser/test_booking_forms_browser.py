"""The two-step booking forms book exactly what step 1 shows (issue 11, item 1).

Step 2 arrives filled in for tomorrow; a person who changes step 1 and then
presses the big button must never get the old choice booked. With the script,
step 2 hides its choice until "Show ..." is pressed; without it, the server
refuses and shows step 2 for the new choice. Desktop and a 390 px phone.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import Booking
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _sign_in(tab, email: str) -> None:
    tab.goto("/sign-in")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="My bookings")).to_be_visible()


def _bookings(session) -> list[Booking]:
    session.expire_all()
    result = list(session.scalars(select(Booking).order_by(Booking.id)))
    session.rollback()  # release SQLite's write lock for the app
    return result


def _focus_is_in_step_two(tab) -> bool:
    return tab.evaluate("!!document.activeElement.closest('#step2')")


def _step_two_is_in_view(tab) -> bool:
    return tab.evaluate("""() => {
        const box = document.getElementById('step2').getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
    }""")


@pytest.fixture(params=["page", "phone_page"])
def tab(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def centre(make, session):
    make.member(email="devika@example.org")
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara", desks=4)
    session.commit()
    return site


@pytest.fixture
def hostel(make, session):
    make.member(email="meera@example.org", hostel_eligibility="women")
    site = make.hostel(name="Technopark Hostel", slug="technopark",
                       rooms=(("A101", "dormitory", "women", 2), ("S1", "single", "anyone", 1)))
    session.commit()
    return site


def test_changing_step_one_then_booking_books_exactly_the_new_day_and_part(
        tab, centre, session):
    chosen = today_in_kerala() + timedelta(days=7)
    _sign_in(tab, "devika@example.org")
    tab.goto("/sites/kottarakkara/book-desk")
    book = tab.get_by_role("button", name="Book this desk")
    expect(book).to_be_visible()  # step 2 arrives filled in: tomorrow, full day

    tab.get_by_label("Date").fill(chosen.isoformat())
    tab.get_by_role("radio", name=re.compile("^Morning")).check()
    # Step 2 no longer matches step 1: its choice and button are gone, and it says why.
    expect(book).to_be_hidden()
    expect(tab.get_by_text("You changed the day or time.")).to_be_visible()

    tab.get_by_role("button", name="Show free desks").click()
    expect(tab.get_by_text("4 desks free")).to_be_visible()
    expect(tab.locator(".summary-line")).to_contain_text(f"{chosen.day} {chosen:%b %Y}")
    assert _focus_is_in_step_two(tab)
    assert _step_two_is_in_view(tab)
    book.click()

    expect(tab.get_by_role("heading", name="You're booked")).to_be_visible()
    [booking] = _bookings(session)
    assert (booking.starts_on, booking.part) == (chosen, "morning")


def test_changing_step_one_back_shows_step_two_again(page, centre):
    tomorrow = today_in_kerala() + timedelta(days=1)
    _sign_in(page, "devika@example.org")
    page.goto("/sites/kottarakkara/book-desk")
    book = page.get_by_role("button", name="Book this desk")
    page.get_by_role("radio", name=re.compile("^Afternoon")).check()
    expect(book).to_be_hidden()
    page.get_by_role("radio", name=re.compile("^Full day")).check()
    page.get_by_label("Date").fill(tomorrow.isoformat())
    expect(book).to_be_visible()
    expect(book).to_be_enabled()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_without_javascript_a_changed_step_one_is_refused_not_booked_as_before(
        browser, live_server, centre, session, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server,
                                  java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    chosen = today_in_kerala() + timedelta(days=8)
    try:
        _sign_in(tab, "devika@example.org")
        tab.goto("/sites/kottarakkara/book-desk")
        tab.get_by_label("Date").fill(chosen.isoformat())
        tab.get_by_role("radio", name=re.compile("^Morning")).check()
        tab.get_by_role("button", name="Book this desk").click()  # still there without JS

        expect(tab.get_by_role("alert")).to_contain_text("nothing was booked")
        assert _bookings(session) == []
        # Step 2 now shows the new choice; booking it books exactly that.
        expect(tab.locator(".summary-line")).to_contain_text(f"{chosen.day} {chosen:%b %Y}")
        expect(tab.locator(".summary-line")).to_contain_text("Morning")
        tab.get_by_role("button", name="Book this desk").click()
        expect(tab.get_by_role("heading", name="You're booked")).to_be_visible()
        [booking] = _bookings(session)
        assert (booking.starts_on, booking.part) == (chosen, "morning")
    finally:
        context.close()


def test_changing_the_stay_then_booking_books_exactly_the_new_nights(tab, hostel, session):
    check_in = today_in_kerala() + timedelta(days=20)
    check_out = check_in + timedelta(days=3)
    _sign_in(tab, "meera@example.org")
    tab.goto("/sites/technopark/book-bed")
    book = tab.get_by_role("button", name="Book this bed")
    expect(book).to_be_visible()  # tomorrow, one night

    tab.get_by_label("Check-in").fill(check_in.isoformat())
    tab.get_by_label("Check-out").fill(check_out.isoformat())
    expect(book).to_be_hidden()
    expect(tab.get_by_text("You changed the dates.")).to_be_visible()

    tab.get_by_role("button", name="Show suitable rooms").click()
    expect(tab.get_by_text("3 nights")).to_be_visible()
    assert _focus_is_in_step_two(tab)
    assert _step_two_is_in_view(tab)
    book.click()

    expect(tab.get_by_role("heading", name="You're booked")).to_be_visible()
    [booking] = _bookings(session)
    assert (booking.starts_on, booking.ends_on) == (check_in, check_out)


def test_without_javascript_changed_stay_dates_are_refused(browser, live_server, hostel, session):
    context = browser.new_context(viewport=PHONE, base_url=live_server,
                                  java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    check_in = today_in_kerala() + timedelta(days=21)
    try:
        _sign_in(tab, "meera@example.org")
        tab.goto("/sites/technopark/book-bed")
        tab.get_by_label("Check-in").fill(check_in.isoformat())
        tab.get_by_label("Check-out").fill((check_in + timedelta(days=3)).isoformat())
        tab.get_by_role("button", name="Book this bed").click()
        expect(tab.get_by_role("alert")).to_contain_text("nothing was booked")
        assert _bookings(session) == []
        tab.get_by_role("button", name="Book this bed").click()
        expect(tab.get_by_role("heading", name="You're booked")).to_be_visible()
        [booking] = _bookings(session)
        assert (booking.starts_on, booking.nights) == (check_in, 3)
    finally:
        context.close()


def test_pressing_enter_in_step_one_shows_step_two_and_never_books(page, centre, session):
    """Step 1 and step 2 are one form now: Enter must press "Show", not "Book"."""
    chosen = today_in_kerala() + timedelta(days=5)
    _sign_in(page, "devika@example.org")
    page.goto("/sites/kottarakkara/book-desk")
    page.get_by_label("Date").fill(chosen.isoformat())
    page.get_by_label("Date").press("Enter")
    expect(page).to_have_url(re.compile(rf"day={chosen.isoformat()}&part=full#step2$"))
    expect(page.locator(".summary-line")).to_contain_text(f"{chosen.day} {chosen:%b %Y}")
    assert _focus_is_in_step_two(page)
    assert _bookings(session) == []
