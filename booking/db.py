"""Engines and sessions, for both SQLite (embedded) and PostgreSQL.

No Flask here: the CLI, the tests and the web app all build sessions
through these functions.

SQLite notes. pysqlite's own transaction handling is switched off so that
SQLAlchemy's SAVEPOINTs work and so that we choose how each transaction
begins: a session meant for writing begins with ``BEGIN IMMEDIATE``, taking
the write lock up front. Without that, two deferred transactions that both
read and then write race to upgrade their locks and the loser fails at once
with "database is locked", which no busy timeout can cure.

PostgreSQL notes. Pooled connections are pre-pinged on checkout (SQLAlchemy's
``pool_pre_ping``), so one the server dropped while idle is replaced.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


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
    # pre-ping: a connection the server dropped while it sat in the pool
    # (a restart, a killed backend) is replaced instead of failing a request.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800,
                         pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised via every test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not just marked free: erased
        # personal data must not stay readable in the file (see erase_after_commit).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement on its own; no snapshot held between them
        mode = "IMMEDIATE" if options.get("sqlite_immediate") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def checkpoint_after_commit(session: Session) -> None:
    """Once this session's transaction commits, fold SQLite's WAL into the database file
    and truncate it.

    For erasures: with ``secure_delete`` the database file's pages are zeroed,
    but older copies of the same pages (holding the erased data) stay in the
    write-ahead log until a checkpoint resets it. Nothing to do on PostgreSQL.
    """
    engine = session.get_bind().engine
    if engine.dialect.name != "sqlite":
        return

    def _checkpoint(_session: Session) -> None:
        # A pooled connection outside any transaction (ours issue BEGIN themselves),
        # as a checkpoint must be: it waits (busy timeout) for readers to move on.
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        finally:
            connection.close()
        if busy:
            logging.getLogger("booking").warning(
                "The WAL checkpoint after an erasure was blocked; the next one completes it")

    event.listen(session, "after_commit", _checkpoint, once=True)


@dataclass
class Database:
    """The engine and session factories of one app or one CLI run."""

    url: str
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, pool_size: int = 5, info: dict | None = None) -> Database:
    """Build the engine and the two session factories (read-mostly and write).

    ``info`` is given to every session (``Session.info``): the mail settings
    services read when they write a notice.
    """
    engine = make_engine(url, pool_size=pool_size)
    # The writer shares the engine's pool; only its BEGIN differs (SQLite).
    write_engine = engine.execution_options(sqlite_immediate=True)
    return Database(
        url=url,
        engine=engine,
        reader=sessionmaker(bind=engine, expire_on_commit=False, info=info),
        writer=sessionmaker(bind=write_engine, expire_on_commit=False, info=info),
    )
