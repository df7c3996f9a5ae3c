"""A member's booking page shows what capacity changes did to it."""
from __future__ import annotations

import re
from datetime import timedelta

from booking.clock import now_in_kerala
from booking.models import DayPart
from booking.services.sites import capacity
from booking.services.bookings.book import book_desk
from booking.services.dates import format_day
from tests.web.conftest import text_of


def test_a_moved_booking_says_where_it_went(member_client, member, make, session):
    site = make.centre(desks=2)
    day = now_in_kerala().date() + timedelta(days=3)
    booking = book_desk(session, member, site, day, DayPart.FULL, "A01")
    capacity.retire_desk(session, site.desks[0], day, None)
    session.commit()
    page = text_of(member_client.get(f"/bookings/{booking.id}"))
    assert "What happened" in page
    assert "Moved: Desk A01 was retired; moved to desk A02." in page


def test_a_booking_in_conflict_needs_attention(member_client, member, make, session):
    site = make.centre(desks=1)
    day = now_in_kerala().date() + timedelta(days=3)
    booking = book_desk(session, member, site, day, DayPart.FULL)
    capacity.add_closure(session, site, day, day, reason="Flooding")
    session.commit()
    page = text_of(member_client.get(f"/bookings/{booking.id}"))
    assert _heading(page) == "Needs attention" and "Confirmed" not in page
    assert f"closed on {format_day(day)}: Flooding." in page
    # The site is shut that day: nobody can move the member to another desk.
    assert "will contact you" in page and "move you" not in page
    assert "book another day" in page
    assert "Needs attention" in text_of(member_client.get("/bookings"))


def _heading(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S)[1].strip()


def test_a_flagged_booking_says_what_happened_and_who_acts_not_booked(
        member_client, member, make, session):
    site = make.centre(desks=1, name="WNH Kollam")
    day = now_in_kerala().date() + timedelta(days=3)
    booking = book_desk(session, member, site, day, DayPart.FULL, "A01")
    capacity.retire_desk(session, site.desks[0], day, None)  # nothing to move it to
    session.commit()

    page = text_of(member_client.get(f"/bookings/{booking.id}"))
    assert _heading(page) == "Needs attention"
    assert "✓" not in page and "You're booked" not in page and "Confirmed" not in page
    assert f"Desk A01 retired from {format_day(day)}" in page  # what happened
    assert "Staff at WNH Kollam will move you to another desk or contact you." in page
    assert "you can cancel it" in page and f"/bookings/{booking.id}/cancel" in page

    mine = text_of(member_client.get("/bookings"))
    assert "Needs attention" in mine and "Confirmed" not in mine
    assert "Staff will contact you." in mine


def test_a_normal_booking_still_says_booked_and_confirmed(member_client, member, make, session):
    site = make.centre(desks=1)
    booking = book_desk(session, member, site, now_in_kerala().date() + timedelta(days=3),
                        DayPart.FULL)
    session.commit()

    page = text_of(member_client.get(f"/bookings/{booking.id}"))
    assert _heading(page) == "You're booked" and "✓" in page and "Confirmed" in page
    assert "Needs attention" not in page and "What happens next" not in page
