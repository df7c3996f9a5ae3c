"""PostgreSQL connections that died in the pool are replaced, not handed out."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import exc, func, select, text

from booking import db as db_module
from booking.db import make_engine
from booking.direct import Direct, savepoint


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


def test_a_pinned_connection_killed_while_idle_is_replaced_before_use(pg_url, monkeypatch):
    # It skips the pool's checkout, so it needs the pool's check of its own.
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    database = db_module.open_database(pg_url, pool_size=1)
    try:
        first_pid = database.pinned_connection().execute(text("SELECT pg_backend_pid()")).scalar()
        _kill(pg_url, first_pid)
        again = database.pinned_connection()
        assert again.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
    finally:
        database.dispose()


def test_a_direct_statement_on_a_lost_connection_is_a_clean_disconnect(pg_url):
    # The app answers 503 to exactly this error; anything else would be a 500.
    engine = make_engine(pg_url, pool_size=1)
    pid_of = Direct(select(func.pg_backend_pid()))
    try:
        with engine.connect() as conn:  # killed inside a savepoint
            pid = pid_of.scalar(conn)
            with pytest.raises(exc.OperationalError) as raised, savepoint(conn, "probe"):
                _kill(pg_url, pid)
                pid_of.scalar(conn)
            assert raised.value.connection_invalidated and conn.invalidated
        with engine.connect() as conn:  # closed before the statement
            conn.connection.driver_connection.close()
            with pytest.raises(exc.OperationalError):
                pid_of.scalar(conn)
        with engine.connect() as conn:
            assert pid_of.scalar(conn) != pid
    finally:
        engine.dispose()
