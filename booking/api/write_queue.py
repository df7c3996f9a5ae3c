"""A queue for API writes on SQLite: the write lock handed over without sleeping.

SQLite has one writer at a time; a second worker's BEGIN IMMEDIATE waits in
SQLite's busy handler, which polls with sleeps of 1, 2, 5, 10... ms. With
bookings holding the lock a few milliseconds, profiling the booking load
showed workers asleep while the lock was already free. API writers therefore
queue on an advisory file lock (flock wakes the next waiter the moment the
holder lets go), taken after the request has decided what to write (see
``services/holds.py``) and just before its first write statement, and
released after its commit. Other writers (web pages, CLI) are unaffected:
they still meet the busy handler, exactly as before. PostgreSQL needs none
of this.
"""
from __future__ import annotations

import fcntl
import os
import threading

from flask import Flask, current_app, g
from sqlalchemy.engine import make_url


class WriteQueue:
    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._local = threading.local()  # flock excludes per open file, so one per thread

    def _fd(self) -> int:
        fd = getattr(self._local, "fd", None)
        if fd is None:
            fd = self._local.fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return fd

    def acquire(self) -> None:
        fcntl.flock(self._fd(), fcntl.LOCK_EX)

    def release(self) -> None:
        fcntl.flock(self._fd(), fcntl.LOCK_UN)


def init_write_queue(app: Flask) -> None:
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        app.extensions["api_write_queue"] = WriteQueue(f"{url.database}.api-write-lock")


def join_write_queue() -> None:
    """Wait for our turn to write (SQLite); released by leave_write_queue after commit."""
    queue = current_app.extensions.get("api_write_queue")
    if queue is not None and not g.get("api_write_turn"):
        queue.acquire()
        g.api_write_turn = True


def leave_write_queue(_exc=None) -> None:
    if g.pop("api_write_turn", False):
        current_app.extensions["api_write_queue"].release()
