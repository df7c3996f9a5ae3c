"""How long an API booking holds SQLite's write lock, and how long it takes in all.

    .venv/bin/python bench/lock_hold.py sqlite:////tmp/bench-1y.sqlite3 [BOOKINGS]

In-process (Flask's test client, one client, no HTTP): books BOOKINGS desks
(default 500) at random centres of the seed-scale dataset and times, for each
after a warm-up of 50, the whole request and the span between taking and
releasing the API write queue's lock (which is when SQLite's write lock is
held). One booking at a time, so nothing waits: this is the cost itself. The
lock's hold time caps bookings per second for the whole database at about
1 / (hold time).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_UP = 50


def main() -> None:
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    os.environ.update(DATABASE_URL=url, LOG_LEVEL="WARNING", RATELIMIT_ENABLED="false")
    from bench.run import make_tokens
    from booking import create_app
    from booking.api.write_queue import WriteQueue
    from booking.clock import today_in_kerala

    held: list[float] = []
    acquire, release = WriteQueue.acquire, WriteQueue.release

    def timed_acquire(queue):
        acquire(queue)
        queue.taken_at = time.perf_counter()

    def timed_release(queue):
        held.append(time.perf_counter() - queue.taken_at)
        release(queue)

    WriteQueue.acquire, WriteQueue.release = timed_acquire, timed_release
    tokens = [t for group in make_tokens(url, 4, 50) for t in group]
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    http = app.test_client()
    rng = random.Random(5)
    first = today_in_kerala() + timedelta(days=1)
    slots = [(first + timedelta(days=d), part) for d in range(28) for part in ("morning", "afternoon")
             if (first + timedelta(days=d)).weekday() != 6]
    requests = [(token, day, part) for token in tokens for day, part in rng.sample(slots, 3)]
    rng.shuffle(requests)
    totals, statuses = [], {}
    for n, (token, day, part) in enumerate(requests[:count + WARM_UP]):
        if n == WARM_UP:
            held.clear()
            totals.clear()
        started = time.perf_counter()
        response = http.post("/api/v1/bookings", json={
            "site": f"scale-centre-{rng.randint(1, 200):03d}", "date": day.isoformat(),
            "part": part}, headers={"Authorization": f"Bearer {token}",
                                    "Idempotency-Key": str(uuid.uuid4())})
        totals.append(time.perf_counter() - started)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    ms = lambda xs, q: 1000 * statistics.quantiles(xs, n=100)[q - 1]  # noqa: E731
    print(f"{len(totals)} bookings timed after {WARM_UP} to warm up; statuses of all: {statuses}")
    print(f"whole request: p50 {ms(totals, 50):.2f} ms, p90 {ms(totals, 90):.2f} ms")
    print(f"write lock held: p50 {ms(held, 50):.2f} ms, p90 {ms(held, 90):.2f} ms"
          f" (1 / p50 = {1 / statistics.median(held):.0f} bookings/s)")


if __name__ == "__main__":
    main()
