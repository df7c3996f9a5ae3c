"""Engines and sessions, for both SQLite (embedded) and PostgreSQL.

No Flask here: the CLI, the tests and the web app all build sessions
through these functions.

SQLite notes. pysqlite's own transaction handling is switched off so that
SQLAlchemy's SAVEPOINTs work and so that we choose how each transaction
begins: a session meant for writing begins with ``BEGIN IMMEDIATE``, taking
the write lock up front. Without that, two deferred transactions that both
read and then write race to upgrade their locks and the loser fails at once
with "database is locked", which no busy timeout can cure.

PostgreSQL notes. A pooled connection is pre-pinged on checkout only when
there is a reason to doubt it: its socket has something to read while it sat
idle (a killed backend or a restarting server says goodbye and closes it), or
it has been idle longer than PING_AFTER_IDLE_SECONDS (a link that died
silently). Pinging on every checkout cost the hottest path (availability) a
full round trip per request; looking at the socket costs one system call.
"""
from __future__ import annotations

import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_SECONDS = 10.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Create an engine with the pragmas and pool settings the product relies on."""
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Pre-ping a pooled connection on checkout when it may have died while idle."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # brand new
        if not _seems_alive(engine, dbapi_conn, idle_since):
            # The pool discards this connection and hands out a fresh one.
            raise exc.DisconnectionError("stale pooled connection")


def _seems_alive(engine: Engine, dbapi_conn, idle_since: float) -> bool:
    """A connection idle since then: pinged only if it was idle long or the server spoke."""
    if time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS and not _has_input(dbapi_conn):
        return True
    try:
        return bool(engine.dialect.do_ping(dbapi_conn))
    except engine.dialect.loaded_dbapi.Error:
        return False


def _has_input(dbapi_conn) -> bool:
    """Has the server sent anything to this idle connection (e.g. its farewell)?"""
    try:
        readable, _, _ = select.select([dbapi_conn.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True  # closed or broken: let the ping decide
    return bool(readable)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement on its own; no snapshot held between them
        mode = "IMMEDIATE" if options.get("sqlite_immediate") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


@dataclass
class Database:
    """The engines and session factories of one app or one CLI run."""

    url: str
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    _pinned: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def pinned_reader(self) -> Iterator[Connection]:
        """This thread's own autocommit connection, kept from one request to the next.

        For the hottest read path only (API availability): checking a
        connection out of the pool and resetting it on return cost as much as
        the query itself. Autocommit means it never holds a transaction (or a
        SQLite read snapshot) between uses. If it breaks, it is dropped and
        the next use connects afresh.
        """
        connection = self.pinned_connection()
        try:
            yield connection
        except exc.DBAPIError:
            self._pinned.connection = None
            connection.invalidate()
            raise

    def pinned_connection(self) -> Connection:
        """This thread's autocommit connection (see ``pinned_reader``), for longer uses.

        One that SQLAlchemy invalidated (a lost server) is replaced here, and
        so is one that died while idle, judged as the pool judges its own
        (``_ping_idle_connections``): it skips the pool's checkout.
        """
        connection = getattr(self._pinned, "connection", None)
        usable = connection is not None and not (connection.closed or connection.invalidated)
        if usable and not self.is_sqlite and not _seems_alive(
                self.engine, connection.connection.dbapi_connection, self._pinned.used_at):
            connection.invalidate()
            usable = False
        if not usable:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._pinned.connection = connection
        self._pinned.used_at = time.monotonic()
        return connection

    def dispose(self) -> None:
        connection = getattr(self._pinned, "connection", None)
        if connection is not None:
            connection.close()
            self._pinned.connection = None
        self.engine.dispose()


def open_database(url: str, *, pool_size: int = 5) -> Database:
    """Build engines and the two session factories (read-mostly and write)."""
    engine = make_engine(url, pool_size=pool_size)
    # The writer engine shares the pool; only its BEGIN differs (SQLite).
    write_engine = engine.execution_options(sqlite_immediate=True)
    return Database(
        url=url,
        engine=engine,
        reader=sessionmaker(bind=engine, expire_on_commit=False),
        writer=sessionmaker(bind=write_engine, expire_on_commit=False),
    )
