"""Sessions and abuse (issue 13): sessions that end when they should, CSRF secrets
rotated at sign-in, personal answers never cached, limits that spelling cannot dodge,
guessing that cannot switch encodings to escape the throttle."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking.security import DEVICE_COOKIE, RATE_LIMITS
from booking.services.accounts.tokens import create_token
from tests.conftest import PASSWORD, FakeClock
from tests.web.conftest import csrf_token, submit

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


# ---------------------------------------------------------------- sessions end on the server (item 2)

SESSION, REMEMBER = "session", "remember_token"


@pytest.fixture
def web(make_app):
    """The app as in production: CSRF on, tokens read from the pages like a browser."""
    return make_app()


@pytest.fixture
def owner(make, session):
    member = make.member(email="devika@example.org")
    session.commit()
    return member


def browser(app, email=None, *, remember=False):
    """A new browser, signed in through the form when given an email."""
    client = app.test_client()
    if email:
        data = {"email": email, "password": PASSWORD}
        if remember:
            data["remember"] = "y"
        assert submit(client, "/sign-in", data).status_code == 302
    return client


def copy_of(client, *names):
    """Another browser holding copies of these cookies (stolen, or left on a shared PC)."""
    thief = client.application.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def is_signed_in(client) -> bool:
    answer = client.get("/account")
    assert answer.status_code in (200, 302)
    return answer.status_code == 200


def test_a_password_change_signs_out_every_other_browser_and_remember_cookie(web, owner):
    laptop, phone = browser(web, owner.email, remember=True), browser(web, owner.email,
                                                                      remember=True)
    phone_remembered_only = copy_of(phone, REMEMBER)
    assert is_signed_in(phone) and is_signed_in(phone_remembered_only)
    changed = submit(laptop, "/account/password", {
        "current": PASSWORD, "password": "a-brand-new-secret-77", "confirm":
        "a-brand-new-secret-77"})
    assert changed.status_code == 302
    assert is_signed_in(laptop)  # the browser that changed it stays signed in...
    assert is_signed_in(copy_of(laptop, REMEMBER))  # ...remembered, on a new cookie
    assert not is_signed_in(phone) and not is_signed_in(phone_remembered_only)


def test_signing_out_ends_that_session_for_copies_of_its_cookies_not_for_other_browsers(
        web, owner):
    shared_pc, phone = browser(web, owner.email, remember=True), browser(web, owner.email)
    left_behind = copy_of(shared_pc, SESSION, REMEMBER)
    remembered_only = copy_of(shared_pc, REMEMBER)
    assert is_signed_in(left_behind) and is_signed_in(remembered_only)
    assert submit(shared_pc, "/sign-out", {}, form_url="/account").status_code == 302
    assert not is_signed_in(shared_pc)
    assert not is_signed_in(left_behind) and not is_signed_in(remembered_only)
    assert is_signed_in(phone)  # a plain sign-out ends only this browser's session


def test_sign_out_of_all_other_devices_keeps_this_browser_signed_in(web, owner):
    laptop, phone = browser(web, owner.email, remember=True), browser(web, owner.email,
                                                                      remember=True)
    stale_laptop_copy = copy_of(laptop, SESSION, REMEMBER)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Sign out of all other devices" in page
    answer = submit(laptop, "/account/sign-out-others", {}, form_url="/account",
                    follow_redirects=True)
    assert "You are still signed in here" in answer.get_data(as_text=True)
    assert is_signed_in(laptop) and is_signed_in(copy_of(laptop, REMEMBER))
    assert not is_signed_in(phone) and not is_signed_in(copy_of(phone, REMEMBER))
    assert not is_signed_in(stale_laptop_copy)  # the laptop's old cookies were renewed


def test_the_remember_cookie_lasts_30_days_is_new_at_each_sign_in_and_same_site_lax(
        web, owner):
    first, second = browser(web, owner.email, remember=True), browser(web, owner.email,
                                                                      remember=True)
    cookies = [c.get_cookie(REMEMBER) for c in (first, second)]
    assert cookies[0].value != cookies[1].value
    for cookie in cookies:
        lasts = cookie.expires.replace(tzinfo=UTC) - datetime.now(UTC)
        assert timedelta(days=29, hours=23) < lasts <= timedelta(days=30)
        assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookies[0].secure  # plain http locally; production below


def test_in_production_the_remember_cookie_is_secure(make_app, owner):
    from booking.config import load_config

    production = load_config({"BOOKING_ENV": "production", "SECRET_KEY": "x" * 32,
                              "DATABASE_URL": "sqlite://", "PUBLIC_URL": "https://booking.example.org"})
    app = make_app(REMEMBER_COOKIE_SECURE=production["REMEMBER_COOKIE_SECURE"],
                   REMEMBER_COOKIE_DURATION=production["REMEMBER_COOKIE_DURATION"],
                   REMEMBER_COOKIE_SAMESITE=production["REMEMBER_COOKIE_SAMESITE"],
                   WTF_CSRF_ENABLED=False)
    answer = app.test_client().post("/sign-in", base_url="https://localhost", data={
        "email": owner.email, "password": PASSWORD, "remember": "y"})
    remember = next(v for v in answer.headers.getlist("Set-Cookie") if v.startswith(REMEMBER))
    assert "Secure" in remember and "SameSite=Lax" in remember and "HttpOnly" in remember


def test_a_cookie_naming_only_the_user_id_signs_nobody_in(web, owner):
    forged = web.test_client()
    with forged.session_transaction() as s:
        s["_user_id"] = str(owner.id)  # what the session cookie held before this change
    assert not is_signed_in(forged)


def test_deleting_the_account_ends_its_other_sessions(web, owner):
    laptop, phone = browser(web, owner.email), browser(web, owner.email, remember=True)
    deleted = submit(laptop, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert deleted.status_code == 302
    assert not is_signed_in(phone) and not is_signed_in(copy_of(phone, REMEMBER))


# ---------------------------------------------------------------- CSRF at sign-in (item 3)

def test_a_csrf_token_from_before_sign_in_is_refused_after_it(web, owner):
    client = web.test_client()
    before = csrf_token(client, "/sign-in")  # e.g. planted by someone who shared the PC
    assert client.post("/sign-in", data={"email": owner.email, "password": PASSWORD,
                                         "csrf_token": before}).status_code == 302
    reused = client.post("/account", data={"name": "Renamed By Attacker", "csrf_token": before})
    assert reused.status_code == 400
    fresh = submit(client, "/account", {"name": "Devika Nair"})
    assert fresh.status_code == 302  # the page's new token works


# ---------------------------------------------------------------- caching (item 4)

def test_a_page_restored_from_the_remember_cookie_alone_is_not_stored(web, owner):
    remembered_only = copy_of(browser(web, owner.email, remember=True), REMEMBER)
    page = remembered_only.get("/bookings")
    assert page.status_code == 200 and "Cache-Control" in page.headers
    assert page.headers["Cache-Control"] == "no-store"


def test_public_pages_for_nobody_may_be_cached_but_not_for_the_signed_in(web, owner):
    assert "no-store" not in browser(web).get("/").headers.get("Cache-Control", "")
    assert browser(web, owner.email).get("/").headers["Cache-Control"] == "no-store"
