"""Backups that restore: back up, change data, restore, and the data is back (both engines)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import create_app, migrate
from booking.backup import pg_dump_command
from booking.db import open_database
from booking.models import Booking, BookingStatus, DeskCell, User
from booking.services.bookings.member import cancel_booking
from tests.conftest import NOW, Factory


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
    else:
        yield request.getfixturevalue("scratch_pg_url")


def _cli(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "backup-test"})
    return app, app.test_cli_runner()


def _snapshot(db) -> tuple[int, list[str], list[str]]:
    with db.reader() as s:
        users = s.scalar(select(func.count()).select_from(User))
        statuses = [str(b.status) for b in s.scalars(select(Booking).order_by(Booking.id))]
        emails = sorted(s.scalars(select(User.email)))
    return users, statuses, emails


def test_a_backup_restores_the_data_as_it_was(scratch_url, tmp_path):
    migrate.upgrade(scratch_url)
    db = open_database(scratch_url)
    with db.writer() as session:
        make = Factory(session)
        booking = make.desk_booking(day=NOW.date() + timedelta(days=2))
        make.bed_booking()
        session.commit()
        booking_id = booking.id
    before = _snapshot(db)
    app, runner = _cli(scratch_url)
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "wnh.backup")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "wnh.backup").stat().st_size > 0

        with db.writer() as session:  # life goes on after the backup
            held = session.get(Booking, booking_id)
            cancel_booking(session, held, held.member, now=NOW)
            Factory(session).member(email="late.joiner@example.org")
            session.commit()
        assert _snapshot(db) != before

        result = runner.invoke(args=["restore", str(tmp_path / "wnh.backup"), "--yes"])
        assert result.exit_code == 0, result.output
        db.dispose()  # fresh connections see the restored database
        assert _snapshot(db) == before
        with db.reader() as s:
            assert s.get(Booking, booking_id).status == BookingStatus.LIVE
            cells = select(func.count()).select_from(DeskCell).where(DeskCell.booking_id == booking_id)
            assert s.scalar(cells) == 2
    finally:
        db.dispose()
        app.extensions["booking_db"].dispose()


def test_restore_asks_for_confirmation(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    (tmp_path / "old.backup").write_bytes(b"")
    app, runner = _cli(url)
    result = runner.invoke(args=["restore", str(tmp_path / "old.backup")])
    assert result.exit_code != 0 and "--yes" in result.output
    app.extensions["booking_db"].dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    app, runner = _cli(url)
    result = runner.invoke(args=["restore", str(tmp_path / "notes.txt"), "--yes"])
    assert result.exit_code != 0 and "not a SQLite backup" in result.output
    app.extensions["booking_db"].dispose()


def test_backup_never_overwrites_an_existing_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    migrate.upgrade(url)
    (tmp_path / "taken.backup").write_text("yesterday's backup")
    app, runner = _cli(url)
    result = runner.invoke(args=["backup", str(tmp_path / "taken.backup")])
    assert result.exit_code != 0
    assert (tmp_path / "taken.backup").read_text() == "yesterday's backup"
    app.extensions["booking_db"].dispose()


def test_pg_dump_command_keeps_the_password_off_the_command_line(tmp_path):
    command = pg_dump_command("postgresql+psycopg://booking:s3cret@db.internal:5432/booking",
                              tmp_path / "x.dump")
    assert "s3cret" not in command.shown()
    assert command.env == {"PGPASSWORD": "s3cret"}
    assert "postgresql://booking@db.internal:5432/booking" in command.argv
