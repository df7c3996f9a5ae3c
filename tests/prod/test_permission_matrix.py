"""Every route of the app, asked by everyone: who gets what.

Iterates app.url_map (so a new route is covered the day it is added) with
five people: nobody signed in, a member who owns a booking, another member,
a manager of another site, and an administrator. CSRF stays on; every POST
carries a valid token so that it reaches the authorisation checks (missing
tokens have their own test). Nothing may
answer 5xx; protected routes must refuse the people they are not for; and
nobody's attempts change the member's booking.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import url_for

from booking.models import ApiToken, Booking, BookingStatus, DayPart, Payment
from booking.services.bookings.series import book_series
from booking.services.bookings.book import DeskRequest
from booking.services.bookings.waitlist import join_waitlist
from booking.services.sites import capacity, photos as site_photos
from booking.services.accounts import roles as users_admin
from booking.services.accounts.tokens import create_token
from booking.services.notices.outbox import compose, enqueue
from booking.services.notices.feed import create_feed
from booking.services.notices.preferences import unsubscribe_path
from booking.services.notices.settings import MailSettings

from tests.conftest import sign_in_as
from tests.images import photo_bytes

from .conftest import csrf_headers

# Routes anyone may use, signed in or not. Every other route is protected.
PUBLIC = {"web.home", "web.site_page", "web.site_photo", "web.sign_in", "web.register", "static", "ops.healthz",
          "api_docs", "api.sites", "api.availability", "api.openapi", "api.ping",
          "web.forgot_password", "web.verify_email", "web.reset_password",
          "web.policy_page",  # the house rules and privacy notice, read before signing up
          "web.about_data",  # where the PIN code positions come from (the licence asks it)
          "web.choose_language",  # a visitor chooses English or Malayalam too
          "web.calendar_feed",  # the feed's secret address is its key (asked with a live one)
          # The signed link in a mail is its key (RFC 8058 one-click: no sign-in, no CSRF).
          "web.unsubscribe_page", "web.unsubscribe"}
# Routes about one member's own booking: another member must not reach it.
OWN_BOOKING = {"web.booking_page", "web.cancel_booking_page", "api.get_booking",
               "api.delete_booking", "web.end_booking_page", "api.end_booking",
               "web.series_page", "web.cancel_series_page", "api.get_booking_series",
               "api.delete_booking_series",
               "api.check_in_booking",
               "web.leave_waitlist_page", "api.leave_waitlist_api",
               "web.my_payments", "web.my_receipt", "api.list_receipts"}
# Admin routes about one site (site A): a manager of another site must not reach them.
SITE_SCOPED_ARGS = {"site_id", "booking_id", "closure_id", "thing_id", "photo_id", "payment_id"}
REFUSED = {401, 403, 404}
ENDS_A_PERSONA = {"web.delete_account", "web.revoke_token"}
ORDER = ("anonymous", "other_member", "other_manager", "member", "admin")


@dataclass
class World:
    ids: dict[str, int | str]
    tokens: dict[str, str]
    users: dict[str, int]
    booking_id: int


@pytest.fixture
def world(make, session) -> World:
    site = make.centre(desks=3, slug="kottarakkara")
    elsewhere = make.centre(desks=2, slug="varkala")
    make.hostel(slug="technopark")
    admin = make.member(role="admin", password=None)
    member, other = make.member(password=None), make.member(password=None)
    manager = make.member(password=None)
    users_admin.set_role(session, admin, manager, "manager", [elsewhere.id])
    booking = make.desk_booking(member=member, site=site, now=None,
                                day=date.today() + timedelta(days=5))
    series = book_series(session, member, site, DayPart.FULL, "0123456",
                         date.today() + timedelta(days=10), date.today() + timedelta(days=12)
                         ).series
    closure, _ = capacity.add_closure(session, site, date(2030, 1, 1), date(2030, 1, 2))
    full = make.centre(desks=1)  # the member waits there for the day another holds
    day = date.today() + timedelta(days=6)
    make.desk_booking(member=other, site=full, now=None, day=day)
    entry = join_waitlist(session, member, DeskRequest(full, day, DayPart.FULL))
    photo = site_photos.add_photo(session, admin, site, photo_bytes((400, 300)), "Desks")
    tokens = {"member": create_token(session, member, "m")[1],
              "other_member": create_token(session, other, "o")[1],
              "other_manager": create_token(session, manager, "x")[1],
              "admin": create_token(session, admin, "a")[1]}
    member_token = create_token(session, member, "kept")[0]
    mail = enqueue(session, compose(sender="no-reply@localhost", to="m@example.org",
                                    subject="Your desk", text="Desk 1."), kind="test")
    feed_secret = create_feed(session, member, b"test-secret")[1]
    # A receipt on the member's booking (written directly: money is for hostel stays,
    # and the matrix's booking is a desk; the routes only need a row to find).
    receipt = Payment(site_id=site.id, booking_id=booking.id, member_id=member.id, receipt_no=1,
                      amount_paise=100, paid_on=date.today(), mode="cash", kind="payment")
    session.add(receipt)
    session.flush()
    # Read everything before committing: a lazy load afterwards would reopen a write
    # transaction (BEGIN IMMEDIATE on SQLite) and lock the app's writers out.
    ids = {"site_id": site.id, "booking_id": booking.id, "slug": site.slug, "kind": "desk",
           "thing_id": site.desks[0].id, "closure_id": closure.id, "user_id": member.id,
           "filename": "css/app.css", "token_id": member_token.id, "photo_id": photo.id,
           "size": "thumb", "action": "first", "secret": feed_secret,
           "token": unsubscribe_path(MailSettings(secret_key="test-secret"), member,
                                     "reminders").rsplit("/", 1)[1],
           "series_id": series.id, "message_id": mail.id,
           "code": "not-todays-code", "entry_id": entry.id,
           "payment_id": receipt.id}
    users = {"member": member.id, "other_member": other.id, "other_manager": manager.id,
             "admin": admin.id}
    booking_id = booking.id
    session.commit()
    return World(ids, tokens, users, booking_id)


def _requests(app, world: World):
    """(endpoint, method, url, rule arguments) for every route and method of the app."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            missing = set(rule.arguments) - set(world.ids)
            assert not missing, f"teach the matrix a value for {missing} ({rule.rule})"
            url = url_for(rule.endpoint, **{a: world.ids[a] for a in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, url, set(rule.arguments)


def _client(app, who: str, world: World):
    client = app.test_client()
    client.csrf = csrf_headers(app, client)
    if who in world.users:
        sign_in_as(client, world.users[who])
    return client


def _ask(client, method, url, endpoint, token):
    headers = dict(client.csrf)
    if token and endpoint.startswith("api"):
        headers["Authorization"] = f"Bearer {token}"
    kwargs = {"json": {}} if endpoint.startswith("api.") and method != "GET" else {"data": {}}
    response = client.open(url, method=method, headers=headers, **kwargs)
    response.close()
    return response


def _refusal_problems(who, endpoint, method, args, response) -> str | None:
    status = response.status_code
    protected = endpoint not in PUBLIC
    if who == "anonymous" and protected:
        if endpoint.startswith("api."):
            return None if status == 401 else "anonymous API call not refused with 401"
        signs_in = status == 302 and "/sign-in" in response.headers.get("Location", "")
        return None if signs_in else "anonymous visitor not sent to sign in"
    if who in ("member", "other_member") and endpoint.startswith("admin."):
        return None if status in REFUSED else "member reached an admin page"
    if who == "other_member" and endpoint in OWN_BOOKING:
        return None if status in REFUSED else "another member reached someone's booking"
    if who == "other_manager" and endpoint.startswith("admin.") and args & SITE_SCOPED_ARGS:
        return None if status in REFUSED else "manager reached another site's admin page"
    if who == "other_manager" and endpoint in OWN_BOOKING:
        return None if status in REFUSED else "manager reached a member's own booking page"
    if who == "admin" and method == "GET" and endpoint.startswith("admin.") and status in REFUSED:
        return f"administrator refused an admin page ({status})"
    if who == "member" and method == "GET" and endpoint in OWN_BOOKING and status != 200:
        return f"the member could not see their own booking ({status})"
    return None


def test_every_route_answers_everyone_without_5xx_and_refuses_whom_it_should(make_app, world, db):
    app = make_app()
    requests = list(_requests(app, world))
    assert len(requests) > 40
    problems, seen = [], 0
    for who in ORDER:
        for endpoint, method, url, args in requests:
            if endpoint == "web.sign_out" or (method == "POST" and endpoint in ENDS_A_PERSONA):
                continue  # would end the persona's session, account or token mid-matrix
            client = _client(app, who, world)
            response = _ask(client, method, url, endpoint, world.tokens.get(who))
            seen += 1
            if response.status_code >= 500:
                problems.append(f"{who} {method} {url}: {response.status_code}")
            problem = _refusal_problems(who, endpoint, method, args, response)
            if problem:
                problems.append(f"{who} {method} {url}: {response.status_code} {problem}")
        if who == "other_manager":  # nobody but the member (or staff of site A) touched it
            with db.reader() as s:
                assert s.get(Booking, world.booking_id).status == BookingStatus.LIVE
                assert s.get(ApiToken, world.ids["token_id"]).revoked_at is None
    assert problems == [], "\n".join(problems)
    assert seen > 5 * 40


INT_ARGS = {"site_id", "booking_id", "thing_id", "closure_id", "user_id", "token_id",
            "photo_id", "series_id", "message_id", "entry_id", "payment_id"}


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**30])
def test_ids_too_big_for_the_database_are_not_found_not_500(make_app, world, huge):
    app = make_app()
    answers = {}
    for who in ("member", "admin"):
        with app.test_request_context():
            urls = [(rule.endpoint, method, url_for(rule.endpoint, **{
                        a: huge if a in INT_ARGS else world.ids[a] for a in rule.arguments}))
                    for rule in app.url_map.iter_rules() if set(rule.arguments) & INT_ARGS
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
        client = _client(app, who, world)
        for endpoint, method, url in urls:
            answers[(who, method, url)] = _ask(client, method, url, endpoint,
                                               world.tokens[who]).status_code
    assert len(answers) > 20
    assert {k: v for k, v in answers.items() if v >= 500} == {}
    assert {k: v for k, v in answers.items() if v == 200} == {}
