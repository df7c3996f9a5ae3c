"""Booking and cancelling through the API mail the member, as the pages do; refusals mail nobody."""
from __future__ import annotations

from sqlalchemy import select

from booking.models import OutboxMessage


def outbox(session) -> list[tuple[str, str]]:
    found = session.execute(select(OutboxMessage.kind, OutboxMessage.to_address)
                            .order_by(OutboxMessage.id)).all()
    session.commit()
    return [tuple(row) for row in found]


def test_booking_and_cancelling_through_the_api_write_the_members_notices(
        authed, centre, tomorrow, member, session):
    response = authed.post("/api/v1/bookings",
                           json_body={"site": "kottarakkara", "date": tomorrow.isoformat()})
    assert response.status_code == 201
    assert outbox(session) == [("booking_confirmed", member.email)]

    booking_id = response.get_json()["booking"]["id"]
    assert authed.delete(f"/api/v1/bookings/{booking_id}").status_code == 200
    assert outbox(session) == [("booking_confirmed", member.email),
                               ("booking_cancelled", member.email)]


def test_a_refused_api_booking_writes_nothing(authed, centre, tomorrow, session):
    body = {"site": "kottarakkara", "date": tomorrow.isoformat(), "desk": "Z99"}
    assert authed.post("/api/v1/bookings", json_body=body).status_code == 404
    assert outbox(session) == []
