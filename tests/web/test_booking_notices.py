"""Booking mail through the pages: written by the flows people use, delivered over real SMTP,
chosen on the account page, and turned off from the mail itself (one-click, no sign-in)."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import NoticeOptOut, OutboxMessage
from booking.services.notices.delivery import SmtpServer, smtp_sender
from booking.services.notices.outbox import deliver_due

from .conftest import sign_in, submit, text_of

DAY = today_in_kerala() + timedelta(days=2)


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, name="WNH Pala", slug="pala")
    session.commit()
    return site


def book_desk(client, site, part="morning"):
    data = {"action": "book", "day": DAY.isoformat(), "part": part, "desk": "",
            "shown_day": DAY.isoformat(), "shown_part": part}
    response = submit(client, f"/sites/{site.slug}/book-desk", data)
    assert response.status_code == 302, text_of(response)
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def outbox(session) -> list:
    """The outbox as plain rows (read, then the read transaction ended: SQLite has one writer)."""
    found = session.execute(select(OutboxMessage.kind, OutboxMessage.to_address,
                                   OutboxMessage.message_id, OutboxMessage.message)
                            .order_by(OutboxMessage.id)).all()
    session.commit()  # (not a rollback: that would expire the test's objects)
    return found


def deliver(db, mail_server):
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@localhost")
    return deliver_due(db.writer, send)


def opt_outs(session, user) -> set[str]:
    found = set(session.scalars(select(NoticeOptOut.topic).where(NoticeOptOut.user_id == user.id)))
    session.commit()
    return found


def test_booking_and_cancelling_on_the_pages_mail_the_member_end_to_end(
        member_client, member, centre, session, db, mail_server):
    booking_id = book_desk(member_client, centre)
    assert [(r.kind, r.to_address) for r in outbox(session)] == [
        ("booking_confirmed", "asha@example.org")]
    assert [o.status for o in deliver(db, mail_server)] == ["sent"]

    (got,) = mail_server.messages_to("asha@example.org")
    assert got["Subject"] == f"Booked: WNH Pala, {DAY:%a} {DAY.day} {DAY:%b %Y}, morning"
    assert got["To"].addresses[0].display_name == "Asha Varghese"
    assert got["From"].addresses[0].addr_spec == "no-reply@localhost"
    assert got["Message-ID"] == outbox(session)[0].message_id
    plain = got.get_body(("plain",)).get_content()
    html = got.get_body(("html",)).get_content()
    assert "WNH Pala, Desk A01" in plain and "08:00–13:00, Kerala time" in plain
    assert f"/bookings/{booking_id}" in plain and f'/bookings/{booking_id}"' in html
    (attachment,) = list(got.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    confirmed = Calendar.from_ical(attachment.get_content())
    assert confirmed["METHOD"] == "PUBLISH"
    (event,) = confirmed.walk("VEVENT")
    # The link in the mail leads to the booking's page.
    path = urlsplit(str(event["URL"])).path
    assert "WNH Pala" in text_of(member_client.get(path))

    response = submit(member_client, f"/bookings/{booking_id}/cancel", {})
    assert response.status_code == 302
    assert deliver(db, mail_server)[0].status == "sent"
    cancelled = mail_server.messages_to("asha@example.org")[1]
    assert cancelled["Subject"].startswith("Cancelled: WNH Pala")
    calendar = Calendar.from_ical(next(cancelled.iter_attachments()).get_content())
    (gone,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and gone["STATUS"] == "CANCELLED"
    assert gone["UID"] == event["UID"] and gone["SEQUENCE"] > event["SEQUENCE"]


def test_a_refused_booking_on_the_page_mails_nothing(member_client, member, centre, make,
                                                     session):
    make.desk_booking(site=centre, day=DAY, desk="A01")
    make.desk_booking(site=centre, day=DAY, desk="A02")
    session.commit()
    before = len(outbox(session))
    data = {"action": "book", "day": DAY.isoformat(), "part": "full", "desk": "",
            "shown_day": DAY.isoformat(), "shown_part": "full"}
    assert submit(member_client, f"/sites/{centre.slug}/book-desk", data).status_code == 422
    assert len(outbox(session)) == before


def test_the_account_page_lets_a_member_choose_optional_mail(member_client, member, centre,
                                                             session):
    page = text_of(member_client.get("/account"))
    assert 'id="notices"' in page and "A reminder the day before each booking" in page
    # Both on until the member says otherwise.
    assert re.search(r'<input checked[^>]*id="own_bookings"', page)
    assert re.search(r'<input checked[^>]*id="reminders"', page)

    response = submit(member_client, "/account/notices", {"reminders": "y"}, form_url="/account")
    assert response.status_code == 302 and response.location.endswith("/account#notices")
    assert opt_outs(session, member) == {"own_bookings"}
    page = text_of(member_client.get("/account"))
    assert not re.search(r'<input checked[^>]*id="own_bookings"', page)
    assert re.search(r'<input checked[^>]*id="reminders"', page)
    book_desk(member_client, centre)
    assert outbox(session) == []  # own confirmations are off

    submit(member_client, "/account/notices", {"own_bookings": "y", "reminders": "y"},
           form_url="/account")
    assert opt_outs(session, member) == set()


def test_saving_choices_needs_the_csrf_token(member_client, member, session):
    assert member_client.post("/account/notices", data={}).status_code in (302, 400)
    assert opt_outs(session, member) == set()


def test_one_click_unsubscribe_from_a_delivered_mail_works_without_signing_in(
        member_client, member, centre, session, db, mail_server, app):
    book_desk(member_client, centre)
    deliver(db, mail_server)
    (got,) = mail_server.messages_to("asha@example.org")
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(got["List-Unsubscribe"].strip("<>")).path

    stranger = app.test_client()  # the mail client, or the member on another device
    page = stranger.get(path)
    assert page.status_code == 200
    assert "Stop sending asha@example.org this kind of mail?" in text_of(page)
    assert opt_outs(session, member) == set()  # looking changes nothing

    # RFC 8058: a POST with this body and no cookie, no CSRF token.
    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "we will no longer send" in text_of(done)
    assert opt_outs(session, member) == {"own_bookings"}
    assert stranger.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

    book_desk(member_client, centre, part="afternoon")
    assert [r.kind for r in outbox(session)] == ["booking_confirmed"]  # only the first


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_gets_a_clear_400_page(member_client, member, centre,
                                                           session, app, method):
    book_desk(member_client, centre)
    (row,) = outbox(session)
    header = row.message.split(b"List-Unsubscribe: <", 1)[1].split(b">", 1)[0].decode()
    path = urlsplit(header).path
    tampered = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")

    response = getattr(app.test_client(), method)(tampered)
    assert response.status_code == 400
    page = text_of(response)
    assert "This link does not work" in page and "not valid" in page
    assert opt_outs(session, member) == set()


def test_a_link_for_a_deleted_account_does_nothing_harmful(member_client, member, centre,
                                                           session, app):
    book_desk(member_client, centre)
    (row,) = outbox(session)
    header = row.message.split(b"List-Unsubscribe: <", 1)[1].split(b">", 1)[0].decode()
    deleted = submit(member_client, "/account/delete",
                     {"password": "correct-horse-battery", "understood": "y"})
    assert deleted.status_code == 302
    response = app.test_client().post(urlsplit(header).path)
    assert response.status_code == 200 and "no longer exists" in text_of(response)


def test_staff_cancelling_on_the_admin_page_mails_the_reason(client, make, session, centre,
                                                             mail_server, db):
    admin = make.member(role="admin", email="admin@example.org", name="Admin Kumar")
    booking = make.desk_booking(site=centre, day=DAY,
                                member=make.member(email="devi@example.org"))
    session.commit()
    sign_in(client, admin.email)
    page = f"/admin/bookings/{booking.id}"
    response = submit(client, f"/admin/bookings/{booking.id}/cancel",
                      {"reason": "Flooding\r\nBcc: x@evil.example"}, form_url=page)
    assert response.status_code == 302, text_of(response)
    deliver(db, mail_server)
    got = mail_server.messages_to("devi@example.org")[-1]
    assert got["Bcc"] is None and mail_server.received[-1].envelope_to == ["devi@example.org"]
    body = got.get_body(("plain",)).get_content()
    assert "Staff at WNH Pala have cancelled your booking." in body
    assert "Reason: Flooding" in body
    assert "Admin Kumar" not in body
