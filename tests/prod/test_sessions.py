"""Sessions and abuse (issue 13): sessions that end when they should, CSRF secrets
rotated at sign-in, personal answers never cached, limits that spelling cannot dodge,
guessing that cannot switch encodings to escape the throttle."""
from __future__ import annotations

import pytest

from booking.security import DEVICE_COOKIE, RATE_LIMITS
from booking.services.accounts.tokens import create_token
from tests.conftest import PASSWORD, FakeClock

from .conftest import csrf_headers
from .test_signin_throttle import OFFICE, QUICK_HASH

REDIS_DB11 = "redis://127.0.0.1:6379/11"


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


# ---------------------------------------------------------------- sign-in guessing (items 1, 6)

def test_sign_in_by_json_is_refused_so_guesses_cannot_skip_the_throttle(make_app, make, session):
    member = make.member()
    session.commit()
    app = make_app()
    client = app.test_client()
    headers = csrf_headers(app, client)  # the token in X-CSRFToken, as the tester sent it

    def by_json(password):
        return client.post("/sign-in", json={"email": member.email, "password": password},
                           headers=headers)

    guesses = [by_json(f"wrong-guess-{n}") for n in range(12)]
    assert [g.status_code for g in guesses] == [415] * 12  # no password was even checked
    assert "Sign in with the form" in guesses[0].get_data(as_text=True)
    assert by_json(PASSWORD).status_code == 415
    with client.session_transaction() as s:
        assert "_user_id" not in s
    form = client.post("/sign-in", data={"email": member.email, "password": PASSWORD},
                       headers=headers)
    assert form.status_code == 302  # the form still signs in


@pytest.fixture
def redis_db11():
    import redis

    client = redis.Redis.from_url(REDIS_DB11)
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.fail(f"Redis (production rate-limit storage) unreachable: {error}")
    yield REDIS_DB11
    client.flushdb()
    client.close()


def test_with_redis_two_workers_share_the_lockout_and_honour_each_others_device_cookie(
        make_app, make, session, redis_db11):
    owner = make.member(password=None)
    owner.password_hash = QUICK_HASH
    email = owner.email
    session.commit()
    settings = dict(WTF_CSRF_ENABLED=False, SIGNIN_THROTTLE_CLOCK=FakeClock(),
                    RATELIMIT_STORAGE_URI=redis_db11, SIGNIN_THROTTLE_PER_ACCOUNT="4 per hour")
    workers = [make_app(**settings), make_app(**settings)]

    def attempt(worker, address, password="a-wrong-guess", client=None, encoding="data"):
        client = client or workers[worker].test_client()
        client.environ_base["REMOTE_ADDR"] = address
        body = {encoding: {"email": email, "password": password}}
        return client.post("/sign-in", **body).status_code

    owner_browser = workers[0].test_client()
    assert attempt(0, OFFICE, PASSWORD, owner_browser) == 302  # the device cookie is set
    owner_browser.post("/sign-out")
    # One pair's failures, spread over both workers, pause that pair on both.
    assert [attempt(n % 2, OFFICE) for n in range(6)] == [422] * 5 + [429]
    # Switching to JSON does not get round the pause (nor, before it, the counting).
    assert [attempt(n % 2, OFFICE, encoding="json") for n in range(2)] == [415] * 2
    # Guesses from many addresses, spread over both workers, meet one account ceiling...
    assert [attempt(n % 2, f"10.0.0.{n}") for n in range(5)] == [422] * 4 + [429]
    # ...while the owner's browser, known to worker A, signs in through worker B
    # from the office address the guessing paused.
    owner_browser_on_b = workers[1].test_client()
    owner_browser_on_b.set_cookie(DEVICE_COOKIE, owner_browser.get_cookie(DEVICE_COOKIE).value)
    assert attempt(1, OFFICE, PASSWORD, owner_browser_on_b) == 302
