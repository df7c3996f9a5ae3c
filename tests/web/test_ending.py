"""Ending a booking in progress from its page: the confirmation, the refusals, other people's → 404.

The pages read the clock through ``now_in_kerala``; the tests set it to a
moment inside the booking (a day or two ahead of the real today, so the
public availability still counts those days as bookable).
"""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import BedNight, Booking, DayPart, DeskCell
from booking.services.dates import at_kerala

from .conftest import csrf_token, submit, text_of

DAY = today_in_kerala() + timedelta(days=2)


@pytest.fixture
def clock(monkeypatch):
    """Set the pages' clock: clock(hour) on DAY, or clock(hour, day)."""
    def set_to(hour: int, day=DAY):
        moment = at_kerala(day, time(hour))
        for module in ("booking.web.ending", "booking.web.bookings"):
            monkeypatch.setattr(f"{module}.now_in_kerala", lambda: moment)
        return moment
    return set_to


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, name="WNH Pala", slug="pala")
    session.commit()
    return site


@pytest.fixture
def full_day(make, session, member, centre):
    booking = make.desk_booking(member=member, site=centre, day=DAY, desk="A01",
                                now=now_in_kerala())
    session.commit()
    return booking


def _afternoon_free(client) -> int:
    days = client.get(f"/api/v1/availability?site=pala&from={DAY}&to={DAY}").get_json()["days"]
    return days[0]["afternoon"]["free"]


def _cells(session, booking) -> list[str]:
    session.expire_all()
    parts = sorted(session.scalars(select(DeskCell.part).where(DeskCell.booking_id == booking.id)))
    session.rollback()
    return parts


def test_a_full_day_under_way_is_ended_after_a_summary_of_what_is_kept_and_freed(
        member_client, full_day, session, clock):
    clock(10)
    show = text_of(member_client.get(f"/bookings/{full_day.id}"))
    url = f"/bookings/{full_day.id}/end"
    assert "End this booking now" in show and url in show
    page = text_of(member_client.get(url))
    assert "End this booking now?" in page
    assert "You keep</dt><dd>Morning (08:00–13:00)" in page
    assert "Given back</dt><dd>Afternoon (13:00–20:00)" in page
    assert _afternoon_free(member_client) == 1  # looking changes nothing
    assert _cells(session, full_day) == ["afternoon", "morning"]

    response = submit(member_client, url, {}, follow_redirects=True)

    page = text_of(response)
    assert response.request.path == f"/bookings/{full_day.id}"
    assert "Done: the rest of your booking is free for others now." in page
    assert "Ended early" in page and "booked: Full day" in page
    assert "End this booking now" not in page  # the morning under way is all that is left
    assert _cells(session, full_day) == ["morning"]
    assert _afternoon_free(member_client) == 2  # public availability, at once


def test_a_stay_page_counts_the_nights_kept_and_given_back(member_client, member, make, session,
                                                          clock):
    hostel = make.hostel(name="Infopark Hostel", rooms=(("W1", "dormitory", "women", 1),))
    stay = make.bed_booking(member=member, site=hostel, check_in=DAY, nights=4,
                            now=now_in_kerala())
    session.commit()
    clock(9, DAY + timedelta(days=1))
    page = text_of(member_client.get(f"/bookings/{stay.id}/end"))
    assert "You keep</dt><dd>1 night:" in page and "Given back</dt><dd>3 nights:" in page
    submit(member_client, f"/bookings/{stay.id}/end", {})
    session.expire_all()
    nights = list(session.scalars(select(BedNight.night_on).where(BedNight.booking_id == stay.id)))
    assert nights == [DAY]
    assert session.get(Booking, stay.id).ends_on == DAY + timedelta(days=1)


def test_a_booking_not_begun_points_to_cancelling_instead(member_client, full_day, clock):
    clock(9, DAY - timedelta(days=1))
    assert "End this booking now" not in text_of(member_client.get(f"/bookings/{full_day.id}"))
    page = text_of(member_client.get(f"/bookings/{full_day.id}/end"))
    assert "has not begun: cancel it instead." in page
    assert f'href="/bookings/{full_day.id}/cancel"' in page
    assert "Yes, end it now" not in page


def test_ending_when_nothing_is_left_is_a_message_not_an_error(member_client, full_day, session,
                                                               clock):
    clock(10)
    token = csrf_token(member_client, f"/bookings/{full_day.id}/end")
    clock(14)  # the page was opened in the morning, sent in the afternoon
    response = member_client.post(f"/bookings/{full_day.id}/end", data={"csrf_token": token})
    assert response.status_code == 422
    assert "The afternoon is under way and is the last of this booking" in text_of(response)
    assert _cells(session, full_day) == ["afternoon", "morning"]


def test_another_members_booking_is_404_to_see_and_to_end(member_client, make, session, centre,
                                                          clock):
    theirs = make.desk_booking(site=centre, day=DAY, part=DayPart.FULL, now=now_in_kerala())
    session.commit()
    clock(10)
    assert member_client.get(f"/bookings/{theirs.id}/end").status_code == 404
    token = csrf_token(member_client, "/account")
    response = member_client.post(f"/bookings/{theirs.id}/end", data={"csrf_token": token})
    assert response.status_code == 404
    assert _cells(session, theirs) == ["afternoon", "morning"]


def test_ending_without_a_csrf_token_is_refused(member_client, full_day, session, clock):
    clock(10)
    response = member_client.post(f"/bookings/{full_day.id}/end", data={})
    assert response.status_code == 400
    assert _cells(session, full_day) == ["afternoon", "morning"]


def test_signed_out_visitors_are_sent_to_sign_in(client, full_day):
    response = client.get(f"/bookings/{full_day.id}/end")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_cancelling_a_booking_under_way_points_to_ending_it_instead(member_client, full_day,
                                                                    monkeypatch):
    moment = at_kerala(DAY, time(10))
    monkeypatch.setattr("booking.web.bookings.now_in_kerala", lambda: moment)
    page = text_of(member_client.get(f"/bookings/{full_day.id}/cancel"))
    assert "already started" in page
    assert f'href="/bookings/{full_day.id}/end"' in page and "End this booking now instead" in page
