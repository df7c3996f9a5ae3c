"""PostgreSQL connections that died in the pool are replaced, not handed out."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import exc, text

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


def test_a_connection_killed_moments_ago_is_replaced_on_checkout(pg_url):
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
