"""Shared fixtures: a migrated database per run, clean tables per test, factories.

The engine is SQLite (a fresh file) unless TEST_DATABASE_URL names another,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/booking_test. The schema is
made by the Alembic migrations, once per run, so they are tested too.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from booking import create_app, migrate
from booking.clock import KOLKATA
from booking.db import open_database
from booking.models import Base, DayPart
from booking.services.accounts import users as accounts
from booking.services.sites import capacity
from booking.services.bookings.book import book_bed, book_desk

# A fixed "now" for service tests: Tuesday 1 Dec 2026, 09:00 in Kerala.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=KOLKATA)
TODAY = NOW.date()
PASSWORD = "correct-horse-battery"


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'sqlite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def db(database_url):
    database = open_database(database_url, pool_size=10)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def is_postgres(db) -> bool:
    return db.engine.dialect.name == "postgresql"


def wipe(db) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts from empty tables (only if it used the database)."""
    yield
    if "db" in request.fixturenames:
        wipe(request.getfixturevalue("db"))


@pytest.fixture
def session(db):
    s = db.writer()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def app(db, database_url):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
    })
    yield app
    app.extensions["booking_db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class FakeClock:
    """A clock for code that takes ``clock=time.time``: tests move it instead of sleeping."""

    def __init__(self, now: float = 1_800_000_000.0):  # on a whole 5-minute and hour boundary
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---------------------------------------------------------------- factories

class Factory:
    """Builders with sensible defaults, so each test states only what matters."""

    def __init__(self, session):
        self.session = session
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def member(self, **overrides):
        n = self._next()
        values = {"email": f"member{n}@example.org", "name": f"Member {n}",
                  "password": PASSWORD, "role": "member", "hostel_eligibility": None}
        values.update(overrides)
        email, name, password = values.pop("email"), values.pop("name"), values.pop("password")
        return accounts.create_user(self.session, email, name, password, **values)

    def resident(self, **overrides):
        """A member who has accepted the house rules and privacy notice (a monthly stay
        needs them)."""
        from booking.services.accounts.policies import accept_policies

        user = self.member(**overrides)
        accept_policies(self.session, user)
        return user

    def centre(self, desks: int = 3, **overrides):
        n = self._next()
        values = {"kind": "centre", "name": f"WNH Centre {n}", "district": "Kollam",
                  "opening_days": "0123456", "opens_at": time(8), "closes_at": time(20)}
        values.update(overrides)
        site = capacity.create_site(self.session, values.pop("slug", f"centre-{n}"), **values)
        if desks:
            capacity.add_desks(self.session, site, desks)
        return site

    def hostel(self, rooms=(("R1", "dormitory", "anyone", 2),), **overrides):
        n = self._next()
        values = {"kind": "hostel", "name": f"Hostel {n}", "district": "Ernakulam",
                  "it_park": "Infopark"}
        values.update(overrides)
        site = capacity.create_site(self.session, values.pop("slug", f"hostel-{n}"), **values)
        for name, room_type, designation, beds in rooms:
            capacity.add_room(self.session, site, name, beds=beds, room_type=room_type,
                              designation=designation)
        return site

    def desk_booking(self, member=None, site=None, day: date | None = None,
                     part: DayPart = DayPart.FULL, desk: str | None = None, now=NOW):
        member = member or self.member()
        site = site or self.centre()
        day = day or now.date() + timedelta(days=1)
        return book_desk(self.session, member, site, day, part, desk, now=now)

    def bed_booking(self, member=None, site=None, check_in: date | None = None,
                    nights: int = 2, bed: str | None = None, now=NOW):
        member = member or self.member()
        site = site or self.hostel()
        check_in = check_in or now.date() + timedelta(days=1)
        return book_bed(self.session, member, site, check_in,
                        check_in + timedelta(days=nights), bed, now=now)


@pytest.fixture
def make(session) -> Factory:
    return Factory(session)


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port; its ``received`` list is what arrived."""
    from tests.mailserver import MailServer

    server = MailServer()
    server.start()
    yield server
    server.stop()


def sign_in_as(client, user_id: int) -> None:
    """Sign a test client in without the form: a new sign-in session, its id in the cookie."""
    from booking.models import User
    from booking.services.accounts.sign_in_sessions import start_session

    with client.application.extensions["booking_db"].writer() as s:
        key = start_session(s, s.get(User, user_id))
        s.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{user_id}:{key}"
        cookie["_fresh"] = True
