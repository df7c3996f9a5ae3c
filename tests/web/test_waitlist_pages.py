"""The waitlist on the member pages: offered when full, joined, listed with position, left."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import DayPart, WaitlistEntry
from booking.services.bookings.member import cancel_booking

from .conftest import csrf_token, submit, text_of


def _full_day(make, session):
    site = make.centre(desks=1, name="WNH Pala", slug="pala")
    day = today_in_kerala() + timedelta(days=3)
    holder = make.member()
    booking = make.desk_booking(holder, site, day, now=now_in_kerala())
    session.commit()
    return site, day, booking


def test_a_full_day_offers_the_waitlist_and_a_free_one_does_not(member_client, make, session):
    site, day, _ = _full_day(make, session)
    full = text_of(member_client.get(f"/sites/pala/book-desk?day={day}&part=full"))
    assert "Join the waitlist" in full and 'formaction="/sites/pala/waitlist"' in full
    free = text_of(member_client.get(f"/sites/pala/book-desk?day={day + timedelta(days=1)}"
                                     "&part=full"))
    assert "Join the waitlist" not in free and "Book this desk" in free


def test_joining_lists_the_entry_with_its_position_then_leaving(member_client, member, make,
                                                                session):
    site, day, _ = _full_day(make, session)
    form_url = f"/sites/pala/book-desk?day={day}&part=full"
    response = submit(member_client, "/sites/pala/waitlist",
                      {"day": day.isoformat(), "part": "full", "action": "wait"},
                      form_url=form_url)
    assert response.status_code == 303 and response.location.endswith("/bookings#waitlist")
    page = text_of(member_client.get("/bookings"))
    assert "You are on the waitlist at WNH Pala, number 1 in line" in page
    assert "Number 1 in line" in page
    entry_id = session.scalars(select(WaitlistEntry.id)).one()
    session.rollback()  # end the test's transaction before the page writes
    leave = f"/waitlist/{entry_id}/leave"
    assert leave in page
    response = member_client.post(leave, data={"csrf_token": csrf_token(member_client,
                                                                        "/bookings")})
    assert response.status_code == 303
    page = text_of(member_client.get("/bookings"))
    assert "You have left the waitlist at WNH Pala." in page and "Number 1 in line" not in page


def test_joining_when_a_desk_is_free_says_book_it(member_client, make, session):
    make.centre(desks=1, slug="pala")
    session.commit()
    day = today_in_kerala() + timedelta(days=3)
    response = submit(member_client, "/sites/pala/waitlist",
                      {"day": day.isoformat(), "part": "full"},
                      form_url=f"/sites/pala/book-desk?day={day}&part=full")
    assert response.status_code == 303 and "/sites/pala/book-desk" in response.location
    assert "book it instead" in text_of(member_client.get(response.location))


def test_joining_without_the_csrf_token_is_refused(member_client, make, session):
    _site, day, _ = _full_day(make, session)
    response = member_client.post("/sites/pala/waitlist",
                                  data={"day": day.isoformat(), "part": "full"})
    assert response.status_code in (303, 400)
    assert session.scalars(select(WaitlistEntry)).first() is None
    session.rollback()


def test_someone_elses_entry_cannot_be_left(member_client, make, session):
    site, day, _ = _full_day(make, session)
    from booking.services.bookings.book import DeskRequest
    from booking.services.bookings.waitlist import join_waitlist
    entry = join_waitlist(session, make.member(), DeskRequest(site, day, DayPart.FULL),
                          now_in_kerala())
    entry_id = entry.id
    session.commit()
    token = csrf_token(member_client, "/bookings")
    response = member_client.post(f"/waitlist/{entry_id}/leave", data={"csrf_token": token})
    assert response.status_code == 404


def test_a_filled_entry_shows_as_a_booking_from_the_waitlist(member_client, member, make,
                                                             session):
    site, day, booking = _full_day(make, session)
    submit(member_client, "/sites/pala/waitlist", {"day": day.isoformat(), "part": "full"},
           form_url=f"/sites/pala/book-desk?day={day}&part=full")
    cancel_booking(session, booking, booking.member, now=now_in_kerala())
    session.commit()
    page = text_of(member_client.get("/bookings"))
    upcoming = page.split('id="past-h"')[0]
    assert "From the waitlist" in upcoming and "WNH Pala" in upcoming
    booking_id = session.scalars(select(WaitlistEntry.booking_id)).one()
    session.rollback()
    shown = text_of(member_client.get(f"/bookings/{booking_id}"))
    assert "From the waitlist" in shown and "You're booked" in shown


def test_a_full_hostel_stay_offers_the_waitlist(member_client, make, session):
    site = make.hostel(slug="tp", rooms=(("W1", "single", "women", 1),))
    check_in = today_in_kerala() + timedelta(days=2)
    make.bed_booking(make.member(hostel_eligibility="women"), site, check_in, nights=2,
                     now=now_in_kerala())
    session.commit()
    out = check_in + timedelta(days=1)
    page = text_of(member_client.get(f"/sites/tp/book-bed?check_in={check_in}&check_out={out}"))
    assert "Join the waitlist" in page
    response = submit(member_client, "/sites/tp/waitlist",
                      {"check_in": check_in.isoformat(), "check_out": out.isoformat()},
                      form_url=f"/sites/tp/book-bed?check_in={check_in}&check_out={out}")
    assert response.status_code == 303 and response.location.endswith("/bookings#waitlist")
