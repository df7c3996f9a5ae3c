"""An unverified member cannot book through the API either: 403 problem+json saying what to do."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.models import Booking, User, utcnow
from booking.services.accounts import tokens


def test_an_unverified_member_is_refused_with_403_saying_how_to_verify(api, make, session,
                                                                       centre, tomorrow):
    member = make.member(email="new@example.org", email_verified=False)
    _record, secret = tokens.create_token(session, member, "phone app")
    session.commit()
    body = {"site": centre.slug, "date": tomorrow.isoformat(), "part": "morning"}

    refused = api.as_(secret).post("/api/v1/bookings", json_body=body)
    assert refused.status_code == 403
    problem = refused.get_json()
    assert problem["title"] == "Email address not verified"
    assert "Verify your email address" in problem["detail"]
    assert "new@example.org" in problem["detail"] and "Resend" in problem["detail"]
    assert "/account" in problem["detail"]
    assert session.scalar(select(func.count()).select_from(Booking)) == 0

    session.get(User, member.id).email_verified_at = utcnow()
    session.commit()
    assert api.as_(secret).post("/api/v1/bookings", json_body=body).status_code == 201
