"""Monthly stays on the member pages: ask on the hostel's page, see it, extend it, give notice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import Bed, Booking
from booking.services.bookings.book import book_bed
from booking.services.bookings.stays import add_months

from .conftest import sign_in, submit, text_of

CHECK_IN = today_in_kerala() + timedelta(days=2)


@pytest.fixture(autouse=True)
def _policies_accepted(member, session):
    """A monthly stay needs the house rules and privacy notice accepted (test_register.py
    tests the refusal); here the member has accepted them."""
    from booking.services.accounts.policies import accept_policies

    accept_policies(session, member)
    session.commit()


@pytest.fixture
def hostel(make, session):
    site = make.hostel(name="Infopark Hostel", slug="infopark", stay_kinds="nightly,monthly",
                       min_months=1, notice_days=30, longest_stay_months=6,
                       rooms=(("A1", "dormitory", "anyone", 2),))
    session.commit()
    return site


def _book(client, months="2", check_in=CHECK_IN):
    return submit(client, "/sites/infopark/book-month",
                  {"check_in": check_in.isoformat(), "months": months})


def _latest(db, booking_id: int | None = None) -> Booking:
    with db.reader() as s:
        query = select(Booking).order_by(Booking.id.desc())
        if booking_id is not None:
            query = query.where(Booking.id == booking_id)
        booking = s.scalars(query).first()
        s.expunge_all()
        return booking


def test_the_hostel_page_offers_a_monthly_stay(client, member_client, hostel):
    page = text_of(client.get("/sites/infopark"))
    assert "/sites/infopark/book-month" in page and "Stay by the month" in page


def test_a_member_books_a_monthly_stay_and_sees_its_check_out(member_client, hostel, db):
    response = _book(member_client)
    assert response.status_code == 302, text_of(response)
    booking = _latest(db)
    assert booking.is_monthly and booking.months == 2
    page = text_of(member_client.get(response.headers["Location"]))
    assert "By the month: 2 months" in page and "Extend this stay" in page
    assert "Give notice" in page and "End this booking now" not in page
    mine = text_of(member_client.get("/bookings"))
    assert "Monthly stay, 2 months" in mine


def test_an_open_ended_stay(member_client, hostel, db):
    assert _book(member_client, months="open").status_code == 302
    booking = _latest(db)
    assert booking.months is None and booking.ends_on == add_months(CHECK_IN, 6)


def test_refusals_are_shown_next_to_the_field(member_client, hostel, db):
    response = _book(member_client, check_in=today_in_kerala() - timedelta(days=1))
    assert response.status_code == 422
    assert 'id="check_in-error"' in text_of(response)
    assert _book(member_client, months="9").status_code == 422  # not a choice here
    assert _latest(db) is None


def test_a_hostel_without_monthly_stays_says_so(member_client, make, session):
    make.hostel(slug="nightly-only")
    session.commit()
    page = member_client.get("/sites/nightly-only/book-month")
    assert page.status_code == 200 and "does not offer monthly stays" in text_of(page)


def test_extend_then_give_notice(member_client, hostel, db):
    _book(member_client, months="2")
    booking = _latest(db)
    url = f"/bookings/{booking.id}/extend"
    response = submit(member_client, url, {"months": "1"})
    assert response.status_code == 302, text_of(response)
    assert _latest(db).months == 3

    notice_url = f"/bookings/{booking.id}/notice"
    too_soon = submit(member_client, notice_url,
                      {"leaving_on": (CHECK_IN + timedelta(days=3)).isoformat()})
    assert too_soon.status_code == 422 and 'id="leaving_on-error"' in text_of(too_soon)
    earliest = max(today_in_kerala() + timedelta(days=30), add_months(CHECK_IN, 1))
    response = submit(member_client, notice_url, {"leaving_on": earliest.isoformat()})
    assert response.status_code == 302, text_of(response)
    stay = _latest(db)
    assert stay.notice_given_on == today_in_kerala() and stay.ends_on == earliest
    page = text_of(member_client.get(f"/bookings/{booking.id}"))
    assert "Notice given" in page and "Extend this stay" not in page


def test_extending_into_a_taken_bed_offers_a_move(member_client, make, session, hostel, db):
    _book(member_client, months="1")
    booking = _latest(db)
    after = add_months(CHECK_IN, 1)
    own_bed = session.get(Bed, booking.bed_id).label
    book_bed(session, make.resident(), hostel, after, after + timedelta(days=2), own_bed)
    session.commit()
    url = f"/bookings/{booking.id}/extend"
    refused = submit(member_client, url, {"months": "1"})
    assert refused.status_code == 422 and "Move and extend" in text_of(refused)
    other_bed = "A1-2" if own_bed == "A1-1" else "A1-1"
    moved = submit(member_client, url, {"months": "1", "bed": other_bed})
    assert moved.status_code == 302, text_of(moved)
    assert _latest(db, booking.id).bed_id != booking.bed_id


def test_someone_elses_stay_is_not_found(app, make, session, hostel, db, member_client):
    _book(member_client)
    booking = _latest(db)
    other = make.resident(email="other@example.org")
    session.commit()
    stranger = app.test_client()
    sign_in(stranger, other.email)
    assert stranger.get(f"/bookings/{booking.id}/extend").status_code == 404
    assert stranger.get(f"/bookings/{booking.id}/notice").status_code == 404
