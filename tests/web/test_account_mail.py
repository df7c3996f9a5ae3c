"""Account mails followed to the end: a real SMTP server receives them, the links are opened.

Registering mails a verification link (the member cannot book until it is
opened); "Forgot your password?" mails a reset link valid 1 hour and once.
Time is moved with an injected clock (ACCOUNT_LINK_CLOCK), never slept.
"""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from booking import create_app
from booking.clock import today_in_kerala
from booking.models import AuditEntry, Booking, OutboxMessage, User
from booking.services.notices.delivery import SmtpServer, smtp_sender
from booking.services.notices.outbox import deliver_due
from tests.conftest import PASSWORD, FakeClock

from .conftest import sign_in, submit, text_of

LINK = re.compile(r"https?://[^/\s]+(/(?:verify-email|reset-password)/[A-Za-z0-9_.\-]+)")
HOUR = 3600


@pytest.fixture
def clock(app) -> FakeClock:
    clock = FakeClock()
    app.config["ACCOUNT_LINK_CLOCK"] = clock
    return clock


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, name="WNH Pala")
    session.commit()
    return site


def deliver(db, mail_server) -> list:
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@localhost")
    return deliver_due(db.writer, send)


def mailed_link(mail_server, address: str, index: int = -1) -> str:
    """The path of the link in the text part, checked to be in the HTML part too."""
    message = mail_server.messages_to(address)[index]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    url = LINK.search(text).group(0)
    assert url in html
    return urlsplit(url).path


def register(client, email="nimmi@example.org", password="kottarakkara-1"):
    response = submit(client, "/register", {"name": "Nimmi Thomas", "email": email,
                                            "password": password, "confirm": password})
    assert response.status_code == 302, text_of(response)
    return response


def book_desk(client, site):
    day = (today_in_kerala() + timedelta(days=2)).isoformat()
    data = {"day": day, "part": "morning", "desk": "", "shown_day": day,
            "shown_part": "morning", "action": "book"}
    return submit(client, f"/sites/{site.slug}/book-desk", data)


def user(db, email) -> User:
    with db.reader() as s:
        return s.scalar(select(User).where(User.email == email))


def outbox_count(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage))


# ---------------------------------------------------------------- verification

def test_registering_mails_a_link_that_verifies_the_address_and_lets_the_member_book(
        client, db, mail_server, centre, clock):
    landed = client.get(register(client).location)
    page = text_of(landed)
    assert "Confirm your email address to book." in page and "Resend the link" in page

    refused = book_desk(client, centre)
    assert refused.status_code == 422
    assert "Verify your email address before your first booking" in text_of(refused)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 0

    assert [o.status for o in deliver(db, mail_server)] == ["sent"]
    (mail,) = mail_server.messages_to("nimmi@example.org")
    assert mail["Subject"] == "Confirm your email address" and "Nimmi Thomas" in mail["To"]
    text = mail.get_body(("plain",)).get_content()
    assert "48 hours" in text and "If this wasn't you, ignore this mail" in text
    path = mailed_link(mail_server, "nimmi@example.org")

    clock.advance(47 * HOUR)
    opened = client.get(path)
    assert opened.status_code == 200
    assert "Your email address is confirmed" in text_of(opened)
    assert user(db, "nimmi@example.org").email_verified_at is not None
    assert "Confirm your email address to book." not in text_of(client.get("/account"))

    booked = book_desk(client, centre)
    assert booked.status_code == 302 and "/bookings/" in booked.location

    again = client.get(path)
    assert again.status_code == 410 and "already been used" in text_of(again)


def test_a_verification_link_works_signed_out_and_names_the_way_to_sign_in(
        app, client, db, mail_server, clock):
    register(client)
    deliver(db, mail_server)
    other_browser = app.test_client()
    opened = other_browser.get(mailed_link(mail_server, "nimmi@example.org"))
    assert opened.status_code == 200 and "Sign in to book" in text_of(opened)


def test_a_refused_registration_mails_nobody(client, db, make, session):
    make.member(email="taken@example.org")
    session.commit()
    response = submit(client, "/register", {"name": "N", "email": "taken@example.org",
                                            "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422
    assert "Forgot your password?" in text_of(response)
    assert outbox_count(db) == 0


def test_resend_mails_a_new_link_and_an_expired_one_is_refused_with_a_way_to_ask_again(
        client, db, mail_server, clock):
    register(client)
    deliver(db, mail_server)
    first = mailed_link(mail_server, "nimmi@example.org")
    clock.advance(48 * HOUR + 1)
    expired = client.get(first)
    assert expired.status_code == 410
    page = text_of(expired)
    assert "This link has expired" in page and "Send me a new link" in page
    assert user(db, "nimmi@example.org").email_verified_at is None

    resent = submit(client, "/account/verify-email", {"next": "/account"}, form_url="/account")
    assert resent.status_code == 302 and resent.location.endswith("/account")
    assert "We have sent a new link" in text_of(client.get("/account"))
    deliver(db, mail_server)
    assert len(mail_server.messages_to("nimmi@example.org")) == 2
    fresh = mailed_link(mail_server, "nimmi@example.org")
    assert fresh != first and client.get(fresh).status_code == 200


def test_resend_to_a_verified_member_sends_nothing(member_client, db):
    response = submit(member_client, "/account/verify-email", {}, form_url="/account")
    assert response.status_code == 302
    assert "already verified" in text_of(member_client.get(response.location))
    assert outbox_count(db) == 0


def test_tampered_and_foreign_links_are_refused_cleanly(client, db, mail_server, clock):
    register(client)
    deliver(db, mail_server)
    path = mailed_link(mail_server, "nimmi@example.org")
    token = path.rsplit("/", 1)[1]
    changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (f"/verify-email/{changed}", "/verify-email/not-a-link",
                f"/reset-password/{token}",  # a verification link is no reset link
                "/reset-password/x.y.z"):
        response = client.get(bad)
        assert response.status_code == 400, bad
        assert "This link cannot be used" in text_of(response)
    assert user(db, "nimmi@example.org").email_verified_at is None


def test_members_made_by_the_cli_or_the_seed_are_verified(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "priya@example.org", "--name", "Priya",
                               "--password", PASSWORD]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(User)
                        .where(User.email_verified_at.is_(None))) == 0
    assert outbox_count(db) == 0


# ---------------------------------------------------------------- password reset

def test_forgot_password_mails_a_link_that_sets_a_new_password_once(
        client, db, mail_server, member, clock):
    sign_in_page = text_of(client.get("/sign-in"))
    assert 'href="/forgot-password"' in sign_in_page
    asked = submit(client, "/forgot-password", {"email": "  ASHA@example.org "})
    assert asked.status_code == 200 and "Check your mail" in text_of(asked)

    assert [o.status for o in deliver(db, mail_server)] == ["sent"]
    (mail,) = mail_server.messages_to("asha@example.org")
    assert mail["Subject"] == "Set a new password"
    text = mail.get_body(("plain",)).get_content()
    assert "1 hour" in text and "If this wasn't you, ignore this mail" in text
    path = mailed_link(mail_server, "asha@example.org")

    clock.advance(59 * 60)
    assert client.get(path).status_code == 200
    short = submit(client, path, {"password": "short", "confirm": "short"})
    assert short.status_code == 422  # the same password rules as everywhere
    done = submit(client, path, {"password": "new-secret-words", "confirm": "new-secret-words"})
    assert done.status_code == 302 and done.location.endswith("/bookings")
    assert "signed in" in text_of(client.get(done.location))

    fresh = client.application.test_client()
    old = submit(fresh, "/sign-in", {"email": "asha@example.org", "password": PASSWORD})
    assert old.status_code == 422
    sign_in(fresh, "asha@example.org", "new-secret-words")

    reused = fresh.get(path)
    assert reused.status_code == 410 and "already been used" in text_of(reused)
    reused_post = submit(fresh, path, {"password": "another-one-1", "confirm": "another-one-1"},
                         form_url="/forgot-password")
    assert reused_post.status_code == 410
    with db.reader() as s:
        actions = s.scalars(select(AuditEntry.action)).all()
    assert actions == ["account.password_reset"]


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, db, mail_server, member):
    known = text_of(submit(client, "/forgot-password", {"email": "asha@example.org"}))
    unknown = text_of(submit(client, "/forgot-password", {"email": "nobody@example.org"}))

    def strip(page):
        page = re.sub(r'value="[^"]+"', "", page)  # CSRF tokens
        return page.replace("asha@example.org", "X").replace("nobody@example.org", "X")

    assert strip(known) == strip(unknown)
    with db.reader() as s:
        assert s.scalars(select(OutboxMessage.to_address)).all() == ["asha@example.org"]
    deliver(db, mail_server)
    assert mail_server.messages_to("nobody@example.org") == []


def test_a_reset_link_expires_after_an_hour(client, db, mail_server, member, clock):
    submit(client, "/forgot-password", {"email": "asha@example.org"})
    deliver(db, mail_server)
    path = mailed_link(mail_server, "asha@example.org")
    clock.advance(HOUR + 1)
    for response in (client.get(path),
                     submit(client, path, {"password": "new-secret-words",
                                           "confirm": "new-secret-words"},
                            form_url="/forgot-password")):
        assert response.status_code == 410
        assert "This link has expired" in text_of(response)
        assert 'href="/forgot-password"' in text_of(response)
    assert sign_in(client, "asha@example.org")  # the old password still works


def test_changing_the_password_voids_a_reset_link(member_client, db, mail_server, clock):
    submit(member_client, "/forgot-password", {"email": "asha@example.org"})
    deliver(db, mail_server)
    path = mailed_link(mail_server, "asha@example.org")
    changed = submit(member_client, "/account/password", {
        "current": PASSWORD, "password": "changed-on-page", "confirm": "changed-on-page"})
    assert changed.status_code == 302
    assert member_client.get(path).status_code == 410


def test_a_reset_link_also_confirms_an_unverified_address(client, db, mail_server, clock):
    register(client, email="devika@example.org")
    fresh = client.application.test_client()
    submit(fresh, "/forgot-password", {"email": "devika@example.org"})
    deliver(db, mail_server)
    path = mailed_link(mail_server, "devika@example.org")  # the last: the reset mail
    assert "/reset-password/" in path
    submit(fresh, path, {"password": "new-secret-words", "confirm": "new-secret-words"})
    assert user(db, "devika@example.org").email_verified_at is not None


# ---------------------------------------------------------------- rate limits

@pytest.fixture
def limited_app(db, database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    yield app
    app.extensions["booking_db"].dispose()


def _ask_reset(client, email, address):
    return submit(client, "/forgot-password", {"email": email},
                  environ_base={"REMOTE_ADDR": address})


def test_reset_requests_are_limited_per_address_typed_from_anywhere(limited_app, db, member):
    client = limited_app.test_client()
    answers = [_ask_reset(client, email, f"10.0.0.{i}").status_code
               for i, email in enumerate(["asha@example.org", "Asha@Example.org ",
                                          "asha@example.org", "ASHA@example.org"])]
    assert answers == [200, 200, 200, 429]
    assert outbox_count(db) == 3
    assert _ask_reset(client, "other@example.org", "10.0.0.9").status_code == 200


def test_reset_requests_are_limited_per_client_whatever_the_address(limited_app, db):
    client = limited_app.test_client()
    answers = [_ask_reset(client, f"n{i}@example.org", "10.1.1.1").status_code
               for i in range(11)]
    assert answers == [200] * 10 + [429]
    assert _ask_reset(client, "n0b@example.org", "10.1.1.2").status_code == 200


def test_resend_is_limited_per_member(limited_app, db, make, session):
    make.member(email="ravi@example.org", email_verified=False)
    session.commit()
    client = limited_app.test_client()
    sign_in(client, "ravi@example.org")
    answers = [submit(client, "/account/verify-email", {}, form_url="/account").status_code
               for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert outbox_count(db) == 3


def test_without_a_mail_server_the_worker_writes_the_verification_mail_as_a_file(
        app, client, db, tmp_path, clock):
    app.config.update(MAIL_URL="", MAIL_DIR=str(tmp_path / "mail"))
    register(client)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "delivered 1 message" in result.output
    (eml,) = (tmp_path / "mail").glob("*.eml")
    text = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",))
    path = urlsplit(LINK.search(text.get_content()).group(0)).path
    assert client.get(path).status_code == 200
    assert user(db, "nimmi@example.org").email_verified_at is not None


def test_a_password_reset_ends_the_sessions_of_every_other_browser(
        client, db, mail_server, member, clock):
    elsewhere = client.application.test_client()
    sign_in(elsewhere, "asha@example.org")  # say, a phone left signed in
    assert elsewhere.get("/account").status_code == 200
    submit(client, "/forgot-password", {"email": "asha@example.org"})
    deliver(db, mail_server)
    path = mailed_link(mail_server, "asha@example.org")
    done = submit(client, path, {"password": "new-secret-words", "confirm": "new-secret-words"})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # the browser that reset is signed in
    gone = elsewhere.get("/account")
    assert gone.status_code == 302 and "/sign-in" in gone.location
