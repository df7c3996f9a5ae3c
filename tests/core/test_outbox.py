"""The outbox: written with its change, delivered by a real SMTP conversation, never lost.

The SMTP server is aiosmtpd on a free port; the clock is injected, so retries
and back-off are moved through without sleeping.
"""
from __future__ import annotations

import threading
from email.policy import SMTP
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from booking.models import OutboxMessage
from booking.services.notices.delivery import SmtpServer, file_sender, smtp_sender
from booking.services.notices.outbox import (
    MAX_ATTEMPTS, Attachment, compose, deliver_due, enqueue, resend,
)

T0 = datetime(2026, 12, 1, 3, 30, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now


def message(to="asha@example.org", name="Asha", subject="Your desk", **kw):
    return compose(sender="WNH <no-reply@booking.example.org>", to=to, to_name=name,
                   subject=subject, text="Plain words.", html="<p>Plain words.</p>",
                   domain="booking.example.org", **kw)


def put(db, *messages, **kw):
    with db.writer() as session, session.begin():
        for m in messages:
            enqueue(session, m, kind="test", now=T0, **kw)


def rows(db):
    with db.reader() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_is_kept(db):
    with db.writer() as session:
        with session.begin():
            enqueue(session, message(), kind="test")
            session.rollback()
    assert rows(db) == []
    put(db, message())
    assert [r.status for r in rows(db)] == ["pending"]


def test_delivered_over_smtp_with_both_parts_an_attachment_and_a_stable_message_id(db, mail_server):
    m = message(attachments=[Attachment("booking.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                        "text", "calendar", {"method": "PUBLISH"})])
    put(db, m)
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@booking.example.org")
    outcomes = deliver_due(db.writer, send, clock=Clock())
    assert [(o.status, o.error) for o in outcomes] == [("sent", None)]
    (got,) = mail_server.messages_to("asha@example.org")
    assert got["Message-ID"] == m["Message-ID"] == rows(db)[0].message_id
    assert got["Subject"] == "Your desk" and "Asha" in got["To"]
    assert got.get_body(("plain",)).get_content().strip() == "Plain words."
    assert "<p>Plain words.</p>" in got.get_body(("html",)).get_content()
    (attachment,) = list(got.iter_attachments())
    assert attachment.get_filename() == "booking.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert mail_server.received[0].envelope_from == "no-reply@booking.example.org"
    assert deliver_due(db.writer, send, clock=Clock()) == []  # nothing twice


def test_server_down_then_up_loses_nothing_and_sends_nothing_twice(db, mail_server):
    put(db, message(to="a@example.org"), message(to="b@example.org"))
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@booking.example.org")
    clock = Clock()
    mail_server.stop()
    outcomes = deliver_due(db.writer, send, clock=clock)
    assert [o.status for o in outcomes] == ["pending", "pending"]
    assert all(r.attempts == 1 and r.due_at > T0 and r.last_error for r in rows(db))
    assert deliver_due(db.writer, send, clock=clock) == []  # backing off, not hammering
    mail_server.start()
    clock.now = T0 + timedelta(minutes=2)
    assert [o.status for o in deliver_due(db.writer, send, clock=clock)] == ["sent", "sent"]
    clock.now = T0 + timedelta(days=1)
    assert deliver_due(db.writer, send, clock=clock) == []
    ids = sorted(r.message["Message-ID"] for r in mail_server.received)
    assert ids == sorted(r.message_id for r in rows(db))  # each once, same ids


def test_after_the_last_try_a_message_is_failed_and_can_be_sent_again(db, mail_server):
    put(db, message())
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@booking.example.org")
    mail_server.stop()
    clock = Clock()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db.writer, send, clock=clock)
        clock.now += timedelta(days=1)
    (row,) = rows(db)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.last_error
    mail_server.start()
    assert deliver_due(db.writer, send, clock=clock) == []
    with db.writer() as session, session.begin():
        resend(session, session.get(OutboxMessage, row.id), now=clock.now)
    assert [o.status for o in deliver_due(db.writer, send, clock=clock)] == ["sent"]
    assert len(mail_server.received) == 1


def test_a_worker_that_dies_mid_send_leaves_the_message_due_after_its_lease(db):
    put(db, message())
    clock = Clock()
    sent = []

    def dies(_to, _bytes):
        raise KeyboardInterrupt  # the process is gone before it records anything

    with pytest.raises(KeyboardInterrupt):
        deliver_due(db.writer, dies, clock=clock)
    assert deliver_due(db.writer, lambda to, b: sent.append(b), clock=clock) == []  # leased
    clock.now += timedelta(minutes=6)
    assert [o.status for o in deliver_due(db.writer, lambda to, b: sent.append(b),
                                          clock=clock)] == ["sent"]
    assert len(sent) == 1


def test_workers_in_parallel_send_every_message_exactly_once(db):
    put(db, *[message(to=f"m{i}@example.org") for i in range(40)])
    sent: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def send(to, _bytes):
        with lock:
            sent.append(to)

    def worker():
        barrier.wait()
        deliver_due(db.writer, send, clock=Clock())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sent) == sorted(f"m{i}@example.org" for i in range(40))
    assert {r.status for r in rows(db)} == {"sent"}


def test_one_notice_per_occasion(db):
    with db.writer() as session, session.begin():
        assert enqueue(session, message(), kind="reminder", dedupe_key="reminder:1") is not None
        assert enqueue(session, message(), kind="reminder", dedupe_key="reminder:1") is None
        assert enqueue(session, message(), kind="confirmed") is not None
    with db.reader() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_newlines_in_names_and_subjects_never_become_headers(db, mail_server):
    m = message(name="Asha\r\nBcc: victim@example.org", subject="Hi\nBcc: victim@example.org")
    put(db, m)
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@booking.example.org")
    deliver_due(db.writer, send, clock=Clock())
    (got,) = [r for r in mail_server.received]
    assert got.envelope_to == ["asha@example.org"]
    assert got.message["Bcc"] is None
    assert "\n" not in got.message["Subject"]


def test_an_unusual_but_valid_address_is_delivered(db, mail_server):
    address = "o'brien+desk.kerala@example.org"
    put(db, message(to=address, name="Seán O'Brien"))
    send = smtp_sender(SmtpServer.from_url(mail_server.url), "no-reply@booking.example.org")
    assert [o.status for o in deliver_due(db.writer, send, clock=Clock())] == ["sent"]
    assert mail_server.received[0].envelope_to == [address]


def test_without_a_mail_server_messages_are_written_as_eml_files(db, tmp_path, caplog):
    m = message()
    put(db, m)
    caplog.set_level("INFO")
    deliver_due(db.writer, file_sender(tmp_path / "mail"), clock=Clock())
    (path,) = (tmp_path / "mail").glob("*.eml")
    assert path.read_bytes() == m.as_bytes(policy=SMTP)
    assert str(path) in caplog.text and "asha@example.org" not in caplog.text


def test_mail_url_forms():
    s = SmtpServer.from_url("smtp://user%40x:p%3Ass@mail.example.org:587")
    assert (s.host, s.port, s.implicit_tls, s.username, s.password) == (
        "mail.example.org", 587, False, "user@x", "p:ss")
    s = SmtpServer.from_url("smtps://mail.example.org")
    assert (s.port, s.implicit_tls, s.username) == (465, True, None)
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example.org")
