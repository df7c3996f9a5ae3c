"""Faults under load behind gunicorn: nothing committed is lost, nothing half-saved.

- The database kills the app's connections mid-load (pg_terminate_backend):
  the requests caught in it get a clean 503 problem+json, the pool's pre-ping
  heals every worker by itself, and the next requests all succeed.
- A gunicorn worker is killed (SIGKILL) mid-load, on PostgreSQL and on
  SQLite: every booking answered 201 is in the database, whole; gunicorn
  replaces the worker and the next requests all succeed.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from booking import migrate
from booking.clock import today_in_kerala
from booking.db import open_database
from booking.models import Booking, BookingStatus, DeskCell
from booking.services.accounts.tokens import create_token
from tests.conftest import Factory

from .conftest import PG_ADMIN_URL
from .gunicorn_server import (Outcome, gunicorn, post_booking, race, unexpected_errors,
                              wait_until_healthy)

pytestmark = pytest.mark.slow

CLIENTS, DAYS_EACH = 16, 6  # each client books a full desk on 6 days, one after another


@dataclass
class Load:
    centre: str
    first_day: object
    tokens: list[str]


def build_load(url: str) -> Load:
    migrate.upgrade(url)
    db = open_database(url)
    try:
        with db.writer() as session:
            make = Factory(session)
            centre = make.centre(desks=CLIENTS + 8)
            tokens = [create_token(session, make.member(password=None), "load")[1]
                      for _ in range(CLIENTS + 8)]
            session.commit()
            return Load(centre.slug, today_in_kerala() + timedelta(days=2), tokens)
    finally:
        db.dispose()


def run_load(server_url: str, load: Load, clients: int = CLIENTS,
             first_day_offset: int = 0) -> list[Outcome]:
    """Each client books DAYS_EACH consecutive days; all outcomes, in no particular order."""
    results: list[Outcome] = []
    lock = threading.Lock()

    def client(index: int, token: str):
        mine = []
        for d in range(DAYS_EACH):
            day = load.first_day + timedelta(days=first_day_offset + d)
            # Each client its own desk: this test is about faults, not about racing.
            mine.append(post_booking(server_url, token, {
                "site": load.centre, "date": day.isoformat(), "part": "full",
                "desk": f"A{index + 1:02d}"}))
        with lock:
            results.extend(mine)
        return None

    race([lambda i=i, t=t: client(i, t) for i, t in enumerate(load.tokens[:clients])])
    return results


def terminate_app_connections(url: str) -> int:
    """pg_terminate_backend on every connection to the app's database; how many died."""
    database = make_url(url).database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchone()[0]


def bookings_in_database(url: str) -> dict[int, int]:
    """Live booking id → number of desk cells it holds."""
    db = open_database(url)
    try:
        with db.reader() as s:
            rows = s.execute(
                select(Booking.id, func.count(DeskCell.desk_id))
                .outerjoin(DeskCell, DeskCell.booking_id == Booking.id)
                .where(Booking.status == BookingStatus.LIVE).group_by(Booking.id)).all()
            return dict(rows)
    finally:
        db.dispose()


def assert_nothing_lost_nothing_partial(url: str, outcomes: list[Outcome]) -> None:
    held = bookings_in_database(url)
    answered = [o.body["booking"]["id"] for o in outcomes if o.status == 201]
    assert set(answered) <= set(held), "a booking answered 201 is missing"
    assert all(cells == 2 for cells in held.values()), "a booking holds half its cells"
    unanswered = sum(1 for o in outcomes if o.status != 201)
    assert len(answered) <= len(held) <= len(answered) + unanswered


def test_killed_database_connections_give_clean_503s_and_the_app_heals(scratch_pg_url, tmp_path):
    load = build_load(scratch_pg_url)
    killed = []

    def killer():
        for _ in range(4):
            time.sleep(0.25)
            killed.append(terminate_app_connections(scratch_pg_url))

    with gunicorn(scratch_pg_url, tmp_path, workers=4) as server:
        chaos = threading.Thread(target=killer)
        chaos.start()
        outcomes = run_load(server.url, load)
        chaos.join()
        # Healed by itself: the same workers, no restart, every next booking succeeds.
        after = run_load(server.url, load, first_day_offset=DAYS_EACH)
        healthy = server.process.poll() is None
    assert sum(killed) > 0, "the fault was never injected"
    statuses = {o.status for o in outcomes}
    assert statuses <= {201, 503}, [o for o in outcomes if o.status not in (201, 503)]
    for failed in (o for o in outcomes if o.status == 503):
        assert failed.content_type.startswith("application/problem+json")
        assert failed.body["status"] == 503
    assert [o.status for o in after] == [201] * len(after)
    assert healthy and unexpected_errors(server.log()) == []
    assert_nothing_lost_nothing_partial(scratch_pg_url, outcomes + after)


@pytest.fixture(params=["postgresql", "sqlite"])
def engine_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wnh.sqlite3'}"
    return request.getfixturevalue("scratch_pg_url")


def test_a_killed_worker_loses_no_committed_booking(engine_url, tmp_path):
    load = build_load(engine_url)
    workers = 2 if engine_url.startswith("sqlite") else 4
    with gunicorn(engine_url, tmp_path, workers=workers) as server:
        victims = []

        def kill_a_worker():
            time.sleep(0.3)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            victims.append(victim)

        chaos = threading.Thread(target=kill_a_worker)
        chaos.start()
        outcomes = run_load(server.url, load)
        chaos.join()
        wait_until_healthy(server, workers=workers)  # gunicorn replaced the worker
        assert victims[0] not in server.worker_pids()
        after = run_load(server.url, load, first_day_offset=DAYS_EACH)
    assert {o.status for o in outcomes} <= {201, None}, [o for o in outcomes if o.status != 201]
    assert [o.status for o in after] == [201] * len(after)
    assert_nothing_lost_nothing_partial(engine_url, outcomes + after)
