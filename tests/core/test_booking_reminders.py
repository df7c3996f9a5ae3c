"""The day-before reminder: from 17:00 Kerala time, once per booking, as members chose.

The clock is injected; the worker test runs the real Worker twice against a
real SMTP server and counts what arrives.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from booking.clock import KOLKATA
from booking.models import OutboxMessage
from booking.services.bookings.member import cancel_booking
from booking.services.notices import preferences
from booking.services.notices.bookings import reminder_task, send_reminders
from booking.services.notices.settings import MailSettings
from booking.worker import Worker, periodic_tasks
from tests.conftest import NOW, TODAY

TOMORROW = TODAY + timedelta(days=1)
EVENING = datetime.combine(TODAY, datetime.min.time(), tzinfo=KOLKATA).replace(hour=17, minute=30)
SETTINGS = MailSettings(public_url="https://booking.example.org", secret_key="reminder-test")


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def reminders(session) -> list[OutboxMessage]:
    session.flush()
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "booking_reminder").order_by(OutboxMessage.id)))


@pytest.fixture(autouse=True)
def mail_settings(session):
    session.info["mail"] = SETTINGS


def test_tomorrows_bookings_are_reminded_from_five_in_the_evening(session, make):
    desk = make.desk_booking(day=TOMORROW)
    stay = make.bed_booking(check_in=TOMORROW)
    make.desk_booking(day=TOMORROW + timedelta(days=1))  # the day after: not yet

    assert send_reminders(session, now=EVENING.replace(hour=16, minute=59)) == 0
    assert reminders(session) == []
    assert send_reminders(session, now=EVENING) == 2

    rows = reminders(session)
    assert sorted(r.user_id for r in rows) == sorted([desk.member_id, stay.member_id])
    assert {r.dedupe_key for r in rows} == {f"reminder:{desk.id}:2026-12-02",
                                            f"reminder:{stay.id}:2026-12-02"}
    (desk_row,) = [r for r in rows if r.user_id == desk.member_id]
    assert desk_row.subject.startswith("Tomorrow: ") and "Wed 2 Dec 2026, full day" in desk_row.subject
    assert b"List-Unsubscribe: <https://booking.example.org/notices/unsubscribe/" in desk_row.message


def test_running_again_writes_no_second_reminder(session, make):
    make.desk_booking(day=TOMORROW)
    assert send_reminders(session, now=EVENING) == 1
    assert send_reminders(session, now=EVENING + timedelta(hours=1)) == 0
    assert send_reminders(session, now=EVENING + timedelta(hours=6)) == 0
    assert len(reminders(session)) == 1


def test_cancelled_opted_out_in_conflict_and_just_booked_are_not_reminded(session, make):
    cancelled = make.desk_booking(day=TOMORROW)
    cancel_booking(session, cancelled, cancelled.member, now=NOW)
    quiet = make.member()
    preferences.set_wanted(session, quiet, {preferences.REMINDERS: False})
    make.desk_booking(member=quiet, day=TOMORROW)
    flagged = make.desk_booking(day=TOMORROW)
    flagged.conflict = "Desk retired"
    late = make.desk_booking(day=TOMORROW)
    # Booked after the reminder hour: its confirmation has just gone.
    late.created_at = EVENING.astimezone(timezone.utc) - timedelta(minutes=10) + timedelta(hours=1)

    assert send_reminders(session, now=EVENING + timedelta(hours=2)) == 0
    assert reminders(session) == []


def test_the_worker_runs_the_reminder_task(db):
    assert "booking reminders" in [name for name, _task in periodic_tasks()]


def test_the_worker_run_twice_delivers_one_reminder_over_smtp(db, database_url, session, make,
                                                              mail_server, tmp_path):
    booking = make.desk_booking(day=TOMORROW, member=make.member(email="latha@example.org"))
    session.execute(delete(OutboxMessage))  # the confirmation is not what this test counts
    session.commit()
    clock = Clock(EVENING)
    worker = Worker(database_url=database_url, mail_url=mail_server.url,
                    mail_from="Kerala WNH Booking <no-reply@booking.example.org>",
                    mail_dir=tmp_path, info={"mail": SETTINGS},
                    tasks=[("booking reminders", reminder_task(clock))])

    assert worker.run_once() == 1
    clock.now += timedelta(minutes=5)
    assert worker.run_once() == 0

    (got,) = mail_server.messages_to("latha@example.org")
    assert got["Subject"].startswith("Tomorrow: ")
    assert "is waiting for you tomorrow" in got.get_body(("plain",)).get_content()
    assert f"https://booking.example.org/bookings/{booking.id}" in got.get_body(
        ("html",)).get_content()


def test_two_workers_at_once_write_each_reminder_once(db, session, make):
    for _ in range(3):
        make.desk_booking(day=TOMORROW)
    session.execute(delete(OutboxMessage))
    session.commit()
    barrier, written, errors = threading.Barrier(2), [], []

    def worker():
        try:
            with db.writer() as own:
                own.info["mail"] = SETTINGS
                barrier.wait(timeout=30)
                with own.begin():
                    written.append(send_reminders(own, now=EVENING))
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # However the two interleave, each booking is reminded by exactly one of them.
    assert sum(written) == 3 and len(reminders(session)) == 3
