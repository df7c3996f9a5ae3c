"""A member's booking page shows what capacity changes did to it."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import now_in_kerala
from booking.models import DayPart
from booking.services import capacity
from booking.services.bookings import book_desk
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
    assert "Needs attention:" in page and "Flooding" in page
    assert "Needs attention" in text_of(member_client.get("/bookings"))
