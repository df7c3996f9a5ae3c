"""The private calendar feed: made, shown, fetched without signing in, regenerated, revoked."""
from __future__ import annotations

import html
import logging
import re
import secrets
from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from booking.admin.audit_sentences import ACTION_LABELS, SENTENCES
from booking.clock import KOLKATA, today_in_kerala
from booking.models import AuditEntry, CalendarFeed, DayPart
from booking.observability import JsonLinesFormatter
from booking.services.accounts import privacy
from booking.services.notices.calendar import booking_uid

from .conftest import sign_in, submit, text_of

FEED_URL = re.compile(r'id="calendar-feed-url"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def _public_url_is_the_test_clients(app):
    # Feed addresses start with PUBLIC_URL (always set since the outbox); here, the test client's.
    app.config["PUBLIC_URL"] = "http://localhost"


def _now():
    return datetime.combine(today_in_kerala(), time(7), tzinfo=KOLKATA)


def create_feed(client) -> str:
    response = submit(client, "/account/calendar-feed", {}, form_url="/account")
    assert response.status_code == 302
    return feed_url(client)


def feed_url(client) -> str | None:
    match = FEED_URL.search(text_of(client.get("/account")))
    return html.unescape(match.group(1)) if match else None


def fetch(app, url: str):
    """As a calendar app does: no session cookie, just the address."""
    return app.test_client().get(url.removeprefix("http://localhost"))


def feed_events(app, url: str) -> dict[str, object]:
    response = fetch(app, url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def desk(make, session, member):
    booking = make.desk_booking(member=member, day=today_in_kerala() + timedelta(days=2),
                                part=DayPart.MORNING, now=_now())
    session.commit()
    return booking


def test_member_creates_a_feed_and_a_calendar_app_reads_it(app, member_client, desk):
    url = create_feed(member_client)

    assert re.fullmatch(r"http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics", url)
    page = text_of(member_client.get("/account"))
    assert 'href="webcal://localhost/calendar/' in page and "data-copy=" in page
    response = fetch(app, url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == booking_uid(desk)
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert event["URL"] == f"http://localhost/bookings/{desk.id}"


def test_a_cancelled_booking_shows_as_cancelled_with_a_higher_sequence(app, member_client,
                                                                      desk):
    url = create_feed(member_client)
    before = feed_events(app, url)[booking_uid(desk)]

    response = submit(member_client, f"/bookings/{desk.id}/cancel", {})
    assert response.status_code == 302

    after = feed_events(app, url)[booking_uid(desk)]
    assert before["STATUS"] == "CONFIRMED" and after["STATUS"] == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_regenerating_stops_the_old_address(app, member_client, desk, session):
    old = create_feed(member_client)
    new = create_feed(member_client)

    assert new != old
    assert fetch(app, old).status_code == 404
    assert booking_uid(desk) in feed_events(app, new)
    assert session.scalar(select(CalendarFeed.secret_hash)) not in (old, new)  # only a hash


def test_revoking_stops_the_address_and_the_page_offers_a_new_one(app, member_client, desk):
    url = create_feed(member_client)

    response = submit(member_client, "/account/calendar-feed/revoke", {}, form_url="/account")

    assert response.status_code == 302
    assert fetch(app, url).status_code == 404
    assert feed_url(member_client) is None
    assert "Create my calendar address" in text_of(member_client.get("/account"))


def test_each_feed_action_is_audited_with_a_sentence(member_client, member, session):
    create_feed(member_client)
    create_feed(member_client)
    submit(member_client, "/account/calendar-feed/revoke", {}, form_url="/account")

    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert actions == ["calendar_feed.create", "calendar_feed.regenerate",
                       "calendar_feed.revoke"]
    assert {e.actor_id for e in entries} == {member.id}
    assert {e.target for e in entries} == {f"user:{member.id}"}
    assert set(actions) <= set(SENTENCES) and set(actions) <= set(ACTION_LABELS)


@pytest.mark.parametrize("secret", [
    secrets.token_urlsafe(32),  # well-formed, unknown
    "a" * 43,
    "short",
    "x" * 400,
])
def test_unknown_secrets_are_404(app, client, member_client, desk, secret):
    create_feed(member_client)
    assert app.test_client().get(f"/calendar/{secret}.ics").status_code == 404


def test_a_nul_in_the_secret_is_refused_at_the_edge(app, member_client, desk):
    create_feed(member_client)
    assert app.test_client().get("/calendar/%00.ics").status_code == 400


def test_another_members_bookings_never_appear(app, make, session, member_client, member,
                                               desk):
    other = make.member(email="rahul@example.org", name="Rahul")
    theirs = make.desk_booking(member=other, site=desk.site, day=desk.starts_on,
                               part=DayPart.MORNING, now=_now())
    session.commit()
    url = create_feed(member_client)

    found = feed_events(app, url)

    assert set(found) == {booking_uid(desk)}
    assert booking_uid(theirs) not in found


def test_feed_holds_upcoming_and_the_last_30_days(app, make, session, member_client, member):
    site = make.centre()
    today = today_in_kerala()

    def book(day):
        return make.desk_booking(member=member, site=site, day=day,
                                 now=datetime.combine(day - timedelta(days=1), time(9),
                                                      tzinfo=KOLKATA))

    old, recent, ahead = (book(today - timedelta(days=31)), book(today - timedelta(days=10)),
                          book(today + timedelta(days=5)))
    session.commit()
    url = create_feed(member_client)

    found = feed_events(app, url)

    assert set(found) == {booking_uid(recent), booking_uid(ahead)}
    assert booking_uid(old) not in found


def test_a_deleted_account_has_no_feed(app, member_client, member, session, desk):
    url = create_feed(member_client)

    privacy.delete_account(session, session.merge(member), today_in_kerala())
    session.commit()

    assert fetch(app, url).status_code == 404
    assert session.scalar(select(CalendarFeed)) is None


def test_feed_buttons_need_a_signed_in_member_and_a_form_token(client, member, session):
    response = submit(client, "/account/calendar-feed", {}, form_url="/sign-in")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in(client, member.email)
    assert client.post("/account/calendar-feed", data={}).status_code == 400  # no CSRF token
    assert session.scalar(select(CalendarFeed)) is None


def test_the_feed_address_never_reaches_the_logs(app, member_client, desk, caplog):
    url = create_feed(member_client)
    secret = url.rpartition("/")[2].removesuffix(".ics")

    with caplog.at_level(logging.DEBUG):
        assert fetch(app, url).status_code == 200
        assert fetch(app, url.replace(secret, secret[::-1])).status_code == 404

    logged = "\n".join(JsonLinesFormatter().format(r) for r in caplog.records)
    assert "/calendar/[REDACTED].ics" in logged
    assert secret not in logged and secret[::-1] not in logged
