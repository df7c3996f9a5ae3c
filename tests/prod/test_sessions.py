"""Sessions and abuse (issue 13): sessions that end when they should, CSRF secrets
rotated at sign-in, personal answers never cached, limits that spelling cannot dodge,
guessing that cannot switch encodings to escape the throttle."""
from __future__ import annotations

import pytest

from booking.security import RATE_LIMITS
from booking.services.accounts.tokens import create_token


# ---------------------------------------------------------------- API limit (item 5)

def test_every_spelling_of_the_bearer_scheme_shares_one_api_allowance(make_app, make, session):
    secret = create_token(session, make.member(), "t")[1]
    session.commit()
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    limit = int(RATE_LIMITS["api.create_booking"].limit.split(" ")[0])
    spellings = [f"Bearer {secret}", f"bearer {secret}", f"BEARER {secret}",
                 f"Bearer   {secret}", f"bEaReR {secret}  "]

    def book(authorization):
        return client.post("/api/v1/bookings", json={},
                           headers={"Authorization": authorization}).status_code

    statuses = [book(spellings[i % len(spellings)]) for i in range(limit)]
    assert 429 not in statuses and set(statuses) == {400}  # each spelling authenticates
    assert [book(spelling) for spelling in spellings] == [429] * len(spellings)
