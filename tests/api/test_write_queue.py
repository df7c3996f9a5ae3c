"""On SQLite, API bookings queue for the one write lock only to write.

Deciding, refusing and replaying a retried request happen before the queue,
so they are answered while another writer holds it; a booking that does
write waits for its turn. (PostgreSQL has no such queue.)
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from booking.api.write_queue import WriteQueue


@pytest.fixture
def queue_path(app, is_postgres) -> str:
    if is_postgres:
        pytest.skip("only SQLite has a single write lock to queue for")
    return app.extensions["api_write_queue"].lock_path


def post_in_background(app, token: str, body: dict, key: str | None = None):
    result: dict = {}

    def run() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        result["response"] = app.test_client().post("/api/v1/bookings", json=body,
                                                   headers=headers)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def answered(thread, result, seconds: float = 20):
    thread.join(seconds)
    assert not thread.is_alive(), "the request waited for the write lock"
    return result["response"]


def test_only_writing_waits_for_the_write_lock(app, queue_path, token, centre, tomorrow):
    http = app.test_client()
    first = {"site": "kottarakkara", "date": tomorrow.isoformat(), "desk": "A01"}
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "first"}
    assert http.post("/api/v1/bookings", json=first, headers=headers).status_code == 201

    other_writer = WriteQueue(queue_path)
    other_writer.acquire()
    try:
        replay = answered(*post_in_background(app, token, first, key="first"))
        assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
        past = dict(first, date=(tomorrow - timedelta(days=2)).isoformat())
        assert answered(*post_in_background(app, token, past)).status_code == 422
        twice = dict(first, desk="A02")
        assert answered(*post_in_background(app, token, twice)).status_code == 409

        later = dict(first, date=(tomorrow + timedelta(days=1)).isoformat())  # open every day
        writer, result = post_in_background(app, token, later)
        writer.join(0.5)
        assert writer.is_alive(), "a booking must wait for its turn to write"
    finally:
        other_writer.release()
    assert answered(writer, result).status_code == 201
