"""A member checks in with the QR code at a centre's entrance (the views, a fixed clock)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from booking.models import Booking
from booking.services.bookings.checkin import check_in_code
from tests.conftest import NOW, TODAY

from .conftest import csrf_token, text_of

SECRET = "test-secret"  # the app fixture's SECRET_KEY


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("booking.web.checkin.now_in_kerala", lambda: NOW)


@pytest.fixture
def centre(make, session):
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara")
    session.commit()
    return site


def _book_today(make, session, member, site):
    booking = make.desk_booking(member=member, site=site, day=TODAY, now=NOW - timedelta(days=1))
    session.commit()
    return booking.id


def _url(site, day=TODAY, code=None):
    return f"/check-in/{site.slug}/{code or check_in_code(SECRET, site, day)}"


def test_a_stranger_signs_in_first_and_comes_back(client, centre):
    response = client.get(_url(centre))
    assert response.status_code == 302
    assert "/sign-in" in response.location and "check-in" in response.location


def test_member_confirms_and_is_checked_in(member_client, make, session, member, centre, db):
    booking_id = _book_today(make, session, member, centre)
    page = member_client.get(_url(centre))
    assert page.status_code == 200 and "Check in now" in text_of(page)
    response = member_client.post(_url(centre), data={"csrf_token": csrf_token(member_client,
                                                                                _url(centre))})
    assert response.status_code == 303
    done = member_client.get(response.location)
    assert "checked in" in text_of(done)
    with db.reader() as s:
        assert s.get(Booking, booking_id).checked_in_at == NOW
    again = member_client.post(_url(centre), data={"csrf_token": csrf_token(member_client,
                                                                             _url(centre))},
                               follow_redirects=True)
    assert "already checked in" in text_of(again)


def test_yesterdays_or_another_sites_code_is_a_400_page(member_client, make, session, member,
                                                        centre, db):
    booking_id = _book_today(make, session, member, centre)
    other = make.centre(slug="varkala")
    session.commit()
    token = csrf_token(member_client, _url(centre))
    for url in (_url(centre, TODAY - timedelta(days=1)),
                _url(centre, code=check_in_code(SECRET, other, TODAY)), _url(centre, code="x")):
        page = member_client.get(url)
        assert page.status_code == 400 and "not valid" in text_of(page)
        assert member_client.post(url, data={"csrf_token": token}).status_code == 400
    with db.reader() as s:
        assert s.get(Booking, booking_id).checked_in_at is None


def test_without_a_booking_now_the_member_is_told_so(member_client, make, session, centre):
    page = member_client.get(_url(centre))
    assert page.status_code == 200 and "no desk booking here for now" in text_of(page)
    response = member_client.post(_url(centre), data={"csrf_token": csrf_token(member_client,
                                                                                _url(centre))},
                                  follow_redirects=True)
    assert "no desk booking at WNH Kottarakkara for now" in text_of(response)


def test_a_post_without_the_csrf_token_is_refused(member_client, make, session, member, centre,
                                                  db):
    booking_id = _book_today(make, session, member, centre)
    assert member_client.post(_url(centre)).status_code == 400
    with db.reader() as s:
        assert s.get(Booking, booking_id).checked_in_at is None


def test_hostels_and_unknown_sites_have_no_check_in(member_client, make, session):
    hostel = make.hostel(slug="technopark")
    session.commit()
    assert member_client.get(_url(hostel)).status_code == 404
    assert member_client.get("/check-in/nowhere/abc").status_code == 404
