"""My bookings: upcoming and past, the confirmation step for cancelling, other people's → 404."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import Booking, DayPart

from .conftest import csrf_token, submit, text_of


def _past_and_upcoming(make, member):
    site = make.centre(name="WNH Pala")
    then = now_in_kerala() - timedelta(days=10)
    past = make.desk_booking(member=member, site=site, day=then.date() + timedelta(days=1),
                             part=DayPart.MORNING, now=then)
    upcoming = make.desk_booking(member=member, site=site,
                                 day=today_in_kerala() + timedelta(days=3), now=now_in_kerala())
    return past, upcoming


def test_my_bookings_splits_upcoming_from_past(member_client, member, make, session):
    past, upcoming = _past_and_upcoming(make, member)
    session.commit()
    page = text_of(member_client.get("/bookings"))
    upcoming_part, past_part = page.split('id="past-h"')
    assert f"/bookings/{upcoming.id}/cancel" in upcoming_part
    assert f"/bookings/{past.id}" in past_part and "Completed" in past_part
    assert f"/bookings/{past.id}/cancel" not in page


def test_cancelling_asks_first_then_frees_the_desk(member_client, member, make, session):
    _, upcoming = _past_and_upcoming(make, member)
    session.commit()
    url = f"/bookings/{upcoming.id}/cancel"
    page = text_of(member_client.get(url))
    assert "Cancel this booking?" in page and "Yes, cancel it" in page
    assert session.get(Booking, upcoming.id).is_live  # looking changes nothing
    session.rollback()
    response = submit(member_client, url, {})
    assert response.status_code == 302 and response.location.endswith("/bookings")
    page = text_of(member_client.get("/bookings"))
    assert "Your booking at WNH Pala is cancelled." in page
    session.expire_all()
    assert session.get(Booking, upcoming.id).status == "cancelled"


def test_cancelling_twice_is_a_form_message_not_an_error(member_client, member, make, session):
    _, upcoming = _past_and_upcoming(make, member)
    session.commit()
    url = f"/bookings/{upcoming.id}/cancel"
    token = csrf_token(member_client, url)
    assert member_client.post(url, data={"csrf_token": token}).status_code == 302
    again = member_client.post(url, data={"csrf_token": token})
    assert again.status_code == 422
    assert "already cancelled" in text_of(again)


def test_cut_off_is_respected(member_client, member, make, session):
    site = make.centre(cancel_cutoff_hours=72)
    booking = make.desk_booking(member=member, site=site,
                                day=today_in_kerala() + timedelta(days=1), now=now_in_kerala())
    session.commit()
    url = f"/bookings/{booking.id}/cancel"
    page = text_of(member_client.get(url))
    assert "can be cancelled until 72 hours before they start" in page
    assert "Yes, cancel it" not in page
    assert "Too late to cancel" in text_of(member_client.get("/bookings"))
    response = member_client.post(url, data={"csrf_token": csrf_token(member_client, "/")})
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Booking, booking.id).is_live


def test_cancel_without_csrf_token_is_refused(member_client, member, make, session):
    _, upcoming = _past_and_upcoming(make, member)
    session.commit()
    assert member_client.post(f"/bookings/{upcoming.id}/cancel").status_code == 400
    session.expire_all()
    assert session.get(Booking, upcoming.id).is_live


def test_other_peoples_and_unknown_bookings_are_404(member_client, make, session):
    someone_else = make.desk_booking(now=now_in_kerala(),
                                     day=today_in_kerala() + timedelta(days=2))
    session.commit()
    for url in (f"/bookings/{someone_else.id}", f"/bookings/{someone_else.id}/cancel",
                "/bookings/999999", "/bookings/999999/cancel", "/bookings/-1"):
        assert member_client.get(url).status_code == 404, url
    token = csrf_token(member_client, "/")
    response = member_client.post(f"/bookings/{someone_else.id}/cancel",
                                  data={"csrf_token": token})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Booking, someone_else.id).is_live


def test_empty_my_bookings_invites_a_first_booking(member_client):
    page = text_of(member_client.get("/bookings"))
    assert "Nothing booked yet." in page and "No past or cancelled bookings." in page
