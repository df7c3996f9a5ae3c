"""The sign-in throttle at the edge: a stranger's guesses never lock the owner out.

Clients are told apart by address (REMOTE_ADDR, or X-Forwarded-For behind the
proxy) and by the signed device cookie set at a successful sign-in. Time is a
FakeClock: no test sleeps.
"""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from booking.security import DEVICE_COOKIE
from tests.conftest import PASSWORD, FakeClock

ATTACKER, OWNER, OFFICE = "203.0.113.9", "198.51.100.4", "192.0.2.10"
OWNER_EMAIL = "anjali@example.org"
# Password hashing is not under test here: a cheap hash keeps dozens of attempts fast.
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


@pytest.fixture
def clock():
    return FakeClock()  # 15 Jan 2027, 1:30 PM in Kerala


@pytest.fixture
def owner(make, session):
    member = make.member(email=OWNER_EMAIL, password=None)
    member.password_hash = QUICK_HASH
    session.commit()
    return member


@pytest.fixture
def throttled_app(make_app, clock, owner):
    return make_app(WTF_CSRF_ENABLED=False, SIGNIN_THROTTLE_CLOCK=clock)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, password: str = PASSWORD, email: str = OWNER_EMAIL, url: str = "/sign-in",
            **kwargs):
    return client.post(url, data={"email": email, "password": password}, **kwargs)


def fail(client, times: int, **kwargs) -> list[int]:
    return [sign_in(client, "a-wrong-guess", **kwargs).status_code for _ in range(times)]


def test_an_attacker_failing_from_one_address_does_not_stop_the_owner_from_another(
        throttled_app, clock):
    attacker = client_at(throttled_app, ATTACKER)
    assert fail(attacker, 7) == [422] * 5 + [429] * 2
    assert sign_in(client_at(throttled_app, OWNER)).status_code == 302
    clock.advance(5 * 60)  # the pair's window has passed
    assert sign_in(client_at(throttled_app, ATTACKER)).status_code == 302


def test_a_paused_pair_is_refused_even_the_right_password_and_told_when_to_retry(
        throttled_app, clock):
    client = client_at(throttled_app, ATTACKER)
    fail(client, 5)
    clock.advance(60)
    paused = sign_in(client, url="/sign-in?next=/sites/x/book-desk")
    text = paused.get_data(as_text=True).replace("\u202f", " ")  # CLDR's narrow space
    assert paused.status_code == 429 and paused.headers["Retry-After"] == "240"
    assert "paused for 4 minutes: try again at 1:35 PM." in text
    assert 'name="password"' in text  # the sign-in form, ready for later
    assert "/register?next=/sites/x/book-desk" in text
    with client.session_transaction() as s:
        assert "_user_id" not in s


def test_the_wait_grows_for_a_pair_that_keeps_failing(throttled_app, clock):
    client = client_at(throttled_app, ATTACKER)
    fail(client, 5)
    first = int(sign_in(client).headers["Retry-After"])
    clock.advance(first)
    fail(client, 5)
    second = sign_in(client)
    assert first == 300 and int(second.headers["Retry-After"]) > 3000
    assert "paused for 55 minutes" in second.get_data(as_text=True)


def test_the_owners_device_signs_in_behind_an_address_an_attacker_has_paused(
        throttled_app, clock):
    owner = client_at(throttled_app, OFFICE)  # a Technopark office: one NAT address
    assert sign_in(owner).status_code == 302
    device = owner.get_cookie(DEVICE_COOKIE)
    assert device is not None and device.http_only and device.max_age > 300 * 24 * 3600
    owner.post("/sign-out")
    colleague = client_at(throttled_app, OFFICE)  # guessing at the same desk row
    assert fail(colleague, 6)[-1] == 429
    assert sign_in(owner).status_code == 302  # the device is its own client


def test_a_forged_device_cookie_counts_as_no_device(throttled_app):
    attacker = client_at(throttled_app, ATTACKER)
    fail(attacker, 5)
    attacker.set_cookie(DEVICE_COOKIE, "forged.value")
    assert sign_in(attacker).status_code == 429


def test_guessing_from_many_addresses_slows_new_clients_but_not_the_owners_known_address(
        make_app, clock, owner):
    app = make_app(WTF_CSRF_ENABLED=False, SIGNIN_THROTTLE_CLOCK=clock,
                   SIGNIN_THROTTLE_PER_ACCOUNT="3 per hour")
    assert sign_in(client_at(app, OWNER)).status_code == 302
    for n in range(3):
        assert fail(client_at(app, f"10.0.0.{n}"), 1) == [422]
    stranger = sign_in(client_at(app, "10.0.1.1"))
    assert stranger.status_code == 429
    assert "from many places" in stranger.get_data(as_text=True)
    assert sign_in(client_at(app, OWNER)).status_code == 302  # a fresh browser, known address
    clock.advance(int(stranger.headers["Retry-After"]))
    assert sign_in(client_at(app, "10.0.1.1")).status_code == 302  # slowed, never locked


def test_behind_the_proxy_each_forwarded_address_is_its_own_client(make_app, clock, owner):
    app = make_app(WTF_CSRF_ENABLED=False, SIGNIN_THROTTLE_CLOCK=clock, BEHIND_PROXY=True)
    nginx = client_at(app, "127.0.0.1")
    assert fail(nginx, 6, headers={"X-Forwarded-For": ATTACKER})[-1] == 429
    assert sign_in(nginx, headers={"X-Forwarded-For": OWNER}).status_code == 302


def test_sixty_people_behind_one_office_address_all_sign_in_within_a_minute(
        make_app, make, session):
    emails = []
    for _ in range(60):
        member = make.member(password=None)
        member.password_hash = QUICK_HASH
        emails.append(member.email)
    session.commit()
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False)
    statuses = [sign_in(client_at(app, OFFICE), email=email).status_code for email in emails]
    assert statuses == [302] * 60


def test_with_redis_two_workers_share_the_count_of_a_pair(make_app, clock, owner, redis_db15):
    settings = dict(WTF_CSRF_ENABLED=False, SIGNIN_THROTTLE_CLOCK=clock,
                    RATELIMIT_STORAGE_URI=redis_db15)
    worker_a, worker_b = make_app(**settings), make_app(**settings)
    fail(client_at(worker_a, ATTACKER), 3)
    fail(client_at(worker_b, ATTACKER), 2)
    assert sign_in(client_at(worker_a, ATTACKER)).status_code == 429
    assert sign_in(client_at(worker_b, OWNER)).status_code == 302
