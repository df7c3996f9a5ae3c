"""PostgreSQL connections that died in the pool are replaced, not handed out."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import exc, text

from booking import db as db_module
from booking.db import make_engine


@pytest.fixture
def pg_url(database_url, is_postgres):
    if not is_postgres:
        pytest.skip("PostgreSQL connection-pool behaviour (SQLite has no server to lose)")
    return database_url


def _kill(url: str, pid: int) -> None:
    """Terminate a backend and wait until it has gone (and so said its farewell).

    pg_terminate_backend only signals it: on a busy machine the backend may
    not have exited yet when the call returns.
    """
    killer = make_engine(url)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        gone_by = time.monotonic() + 10
        alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        while conn.execute(alive, {"pid": pid}).scalar() and time.monotonic() < gone_by:
            conn.commit()  # the activity view is a snapshot per transaction
            time.sleep(0.01)
    killer.dispose()


def test_a_connection_killed_moments_ago_is_replaced_on_checkout(pg_url, monkeypatch):
    # Even when it was in use a moment ago: the server's farewell is on its socket.
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    engine = make_engine(pg_url, pool_size=1)
    with engine.connect() as conn:
        first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    _kill(pg_url, first_pid)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
    engine.dispose()


def test_a_connection_killed_while_checked_out_fails_once_then_the_pool_recovers(pg_url):
    engine = make_engine(pg_url, pool_size=1)
    with pytest.raises(exc.OperationalError), engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        _kill(pg_url, pid)
        conn.execute(text("SELECT 1"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    engine.dispose()


@pytest.mark.parametrize("idle_limit, pings", [(3600.0, 0), (0.0, 1)])
def test_only_a_connection_idle_too_long_is_pinged(pg_url, monkeypatch, idle_limit, pings):
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", idle_limit)
    engine = make_engine(pg_url, pool_size=1)
    calls = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: calls.append(c) or real_ping(c))
    for _ in range(2):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    assert len(calls) == pings
    engine.dispose()


def test_the_pinned_reader_sees_every_commit_made_after_its_last_use(db, session, make):
    # It is kept between requests, so it must never hold a snapshot between uses.
    count = text("SELECT count(*) FROM sites")
    with db.pinned_reader() as conn:
        assert conn.execute(count).scalar() == 0
    make.centre()
    session.commit()
    with db.pinned_reader() as conn:
        assert conn.execute(count).scalar() == 1


def test_a_broken_pinned_reader_is_replaced(db):
    with pytest.raises(exc.DBAPIError), db.pinned_reader() as conn:
        first = conn
        conn.execute(text("SELECT * FROM no_such_table"))
    with db.pinned_reader() as conn:
        assert conn is not first and conn.execute(text("SELECT 1")).scalar() == 1
