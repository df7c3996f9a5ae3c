"""Booking load: N client threads POST desk bookings with http.client.

Each request comes on a new connection, as nginx sends them (see
deploy/nginx-wnh-booking.conf): a gunicorn gthread worker keeps each
kept-alive connection it accepted, and with 16 long-lived connections one of
the two workers could end up serving every booking (``--keep-alive`` shows it).

Each client has its own members (and their tokens), so no two requests
compete for the same member's day part; every request names a random
centre and lets the service pick the desk. Every answer that is not 201 is
an error. Run through bench/run.py, which makes the members and tokens.
"""
from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class ClientStats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    exceptions: int = 0
    samples: list[str] = field(default_factory=list)  # the first few failures, for the log


def booking_requests(tokens: list[str], first: date, days: int, centres: int, rng):
    """(token, body) pairs no member repeats: each member books each day part once."""
    slots = [(first + timedelta(days=offset), part) for offset in range(days)
             for part in ("morning", "afternoon")
             if (first + timedelta(days=offset)).weekday() != 6]  # centres open Mon-Sat
    for token in tokens:
        # Spread over the whole window so repeated runs do not fill the first days.
        for day, part in rng.sample(slots, len(slots)):
            yield token, {"site": f"scale-centre-{rng.randint(1, centres):03d}",
                          "date": day.isoformat(), "part": part}


def client(port: int, tokens: list[str], first: date, stop_at: float, stats: ClientStats,
           centres: int, seed: int, keep_alive: bool) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random(f"{seed}-{time.time()}")
    for token, body in booking_requests(tokens, first, 28, centres, rng):
        if time.monotonic() >= stop_at:
            break
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        if not keep_alive:
            headers["Connection"] = "close"  # http.client then reconnects for the next one
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/bookings", body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            stats.exceptions += 1
            stats.samples.append(repr(error))
            conn.close()
            continue
        stats.latencies.append(time.perf_counter() - started)
        stats.statuses[response.status] = stats.statuses.get(response.status, 0) + 1
        if response.status != 201 and len(stats.samples) < 5:
            stats.samples.append(f"{response.status} {payload[:200]!r}")
    conn.close()


def run(port: int, tokens_per_client: list[list[str]], duration: float, first: date,
        centres: int, keep_alive: bool = False) -> dict:
    stop_at = time.monotonic() + duration
    stats = [ClientStats() for _ in tokens_per_client]
    threads = [threading.Thread(target=client, args=(port, tokens, first, stop_at, s, centres, i, keep_alive))
               for i, (tokens, s) in enumerate(zip(tokens_per_client, stats))]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for s in stats for x in s.latencies)
    statuses: dict[int, int] = {}
    for s in stats:
        for code, n in s.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    created = statuses.get(201, 0)
    return {
        "requests_per_s": created / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else None,
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else None,
        "created": created,
        "statuses": statuses,
        # A 409 is the right answer when the centre asked for is full that day
        # part (the seeded data leaves a few nearly full); anything else is an error.
        "refused_full": statuses.get(409, 0),
        "errors": sum(s.exceptions for s in stats) + sum(
            n for code, n in statuses.items() if code not in (201, 409)),
        "sample_errors": [e for s in stats for e in s.samples][:5],
    }
