"""Release-day rush: 200 members press "any bed" for the same 30 nights at a new hostel of 120 beds.

    .venv/bin/python bench/rush.py --database-url sqlite:////tmp/bench-1y.sqlite3
    .venv/bin/python bench/rush.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/booking_bench

Makes a new open hostel (30 rooms x 4 beds, a fresh slug per run) with the
app's own CLI and 200 fresh members with a token each through its services,
serves the app with the production gunicorn.conf.py (4 gthread workers on
PostgreSQL, 2 sync workers on SQLite, as docs/production.md runs them), then
200 client threads wait at a barrier and each POSTs one booking on a new
connection, as nginx sends them. Reports the statuses and latencies, and
checks in the database that exactly the winners hold exactly their nights.

The limiter stays on, with its counters on Redis as in production: the only
limited API route, POST /bookings, counts per token, and each member has
their own, so it never throttles this load.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import ROOT, Server, make_members, python_speed, worker_class_for  # noqa: E402
from booking.clock import today_in_kerala  # noqa: E402

PORT = 5310
ROOMS, BEDS_PER_ROOM, NIGHTS = 30, 4, 30


def create_hostel(env: dict, slug: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "booking", "sites", "create", slug,
                    "--kind", "hostel", "--name", f"Rush {slug}", "--district", "Ernakulam",
                    "--rooms", str(ROOMS), "--beds-per-room", str(BEDS_PER_ROOM),
                    "--designation", "anyone", "--status", "open"],
                   cwd=ROOT, env=env, check=True, capture_output=True)


def press(body: str, token: str, barrier: threading.Barrier, out: list, i: int) -> None:
    """One member: wait for everyone, then book on a fresh connection and time the answer."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Idempotency-Key": f"rush-{i}-{time.time_ns()}", "Connection": "close"}
    barrier.wait()
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request("POST", "/api/v1/bookings", body=body, headers=headers)
        response = conn.getresponse()
        status, payload = response.status, response.read()
        conn.close()
    except (OSError, http.client.HTTPException) as error:
        status, payload = 0, repr(error).encode()
    out[i] = (status, time.perf_counter() - started, started, payload)


def rush(tokens: list[str], body: str) -> tuple[list, float]:
    """All members at once; their answers, and the client's CPU seconds."""
    out: list = [None] * len(tokens)
    barrier = threading.Barrier(len(tokens))
    threads = [threading.Thread(target=press, args=(body, t, barrier, out, i))
               for i, t in enumerate(tokens)]
    before = os.times()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.times()
    return out, (after.user - before.user) + (after.system - before.system)


def warm_up(tokens: list[str]) -> None:
    """A server that has been up a while: every worker has opened its pool and loaded its code."""
    def get(token):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        conn.request("GET", "/api/v1/bookings", headers={"Authorization": f"Bearer {token}",
                                                          "Connection": "close"})
        conn.getresponse().read()
        conn.close()
    for _ in range(3):
        threads = [threading.Thread(target=get, args=(t,)) for t in tokens[:16]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def check_database(url: str, slug: str) -> dict:
    """What the database holds for the hostel: the truth the answers must match."""
    from sqlalchemy import text

    from booking.db import open_database

    db = open_database(url)
    with db.engine.connect() as c:
        site = c.scalar(text("SELECT id FROM sites WHERE slug = :s"), {"s": slug})
        one = lambda sql: c.scalar(text(sql), {"site": site})  # noqa: E731
        facts = {
            "live_bookings": one("SELECT count(*) FROM bookings WHERE site_id = :site"
                                 " AND status = 'live'"),
            "distinct_beds": one("SELECT count(DISTINCT bed_id) FROM bookings"
                                 " WHERE site_id = :site AND status = 'live'"),
            "bed_nights": one("SELECT count(*) FROM bed_nights WHERE site_id = :site"),
            "bed_nights_distinct": one("SELECT count(*) FROM (SELECT DISTINCT bed_id, night_on"
                                       " FROM bed_nights WHERE site_id = :site) x"),
            "members_twice_a_night": one("SELECT count(*) FROM (SELECT member_id, night_on"
                                         " FROM bed_nights WHERE site_id = :site"
                                         " GROUP BY member_id, night_on HAVING count(*) > 1) x"),
        }
    db.dispose()
    return facts


def quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a migrated database")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: 2 on SQLite, 4 on PostgreSQL)")
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    url = args.database_url
    is_sqlite = url.startswith("sqlite")
    workers = args.workers or (2 if is_sqlite else 4)
    env = dict(os.environ, DATABASE_URL=url, LOG_LEVEL="WARNING",
               RATELIMIT_STORAGE_URI=args.ratelimit_storage)
    slug = f"rush-{time.strftime('%Y%m%d-%H%M%S')}"
    create_hostel(env, slug)
    tokens = make_members(url, args.members, "rush")
    check_in = today_in_kerala() + timedelta(days=7)
    body = json.dumps({"site": slug, "check_in": check_in.isoformat(),
                       "check_out": (check_in + timedelta(days=NIGHTS)).isoformat()})
    speed = python_speed()
    with Server("wsgi:app", PORT, env, "/tmp/bench-rush.log", workers=workers,
                worker_class=worker_class_for(url)) as server:
        warm_up(tokens)
        cpu_before = sum(server.worker_cpu().values())
        out, client_cpu = rush(tokens, body)
        worker_cpu = sum(server.worker_cpu().values()) - cpu_before
    report(url, slug, workers, worker_class_for(url), out, client_cpu, worker_cpu, speed)


def report(url, slug, workers, worker_class, out, client_cpu, worker_cpu, speed) -> None:
    statuses: dict[int, int] = {}
    for status, *_ in out:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(seconds for _, seconds, _, _ in out)
    spread = max(s for _, _, s, _ in out) - min(s for _, _, s, _ in out)
    wall = max(s + t for _, t, s, _ in out) - min(s for _, _, s, _ in out)
    beds = {json.loads(p)["booking"]["bed"] for st, _, _, p in out if st == 201}
    facts = check_database(url, slug)
    beds_total, members = ROOMS * BEDS_PER_ROOM, len(out)
    winners = min(members, beds_total)
    ms = {q: 1000 * quantile(latencies, q) for q in (0.5, 0.95, 0.99, 1.0)}
    correct = (statuses.get(201, 0) == winners and statuses.get(409, 0) == members - winners
               and len(beds) == winners and facts["live_bookings"] == winners
               and facts["distinct_beds"] == winners
               and facts["bed_nights"] == facts["bed_nights_distinct"] == winners * NIGHTS
               and facts["members_twice_a_night"] == 0)
    print(f"\n### rush: {url.split(':')[0]}, {workers} {worker_class} workers,"
          f" {members} members, {beds_total} beds, {NIGHTS} nights ({slug})\n")
    print(f"statuses: {dict(sorted(statuses.items()))}; distinct beds in the 201 answers: {len(beds)}")
    print(f"database: {facts}")
    print(f"correct (exactly {winners} won, each a different bed, the rest 409): {correct}")
    print(f"latency ms: p50 {ms[0.5]:.0f}, p95 {ms[0.95]:.0f}, p99 {ms[0.99]:.0f},"
          f" max {ms[1.0]:.0f}; p99 target 1500: {'met' if ms[0.99] <= 1500 else 'NOT met'}")
    for code in sorted(statuses):
        own = sorted(t for st, t, _, _ in out if st == code)
        print(f"  {code}: p50 {1000 * quantile(own, 0.5):.0f} ms, max {1000 * own[-1]:.0f} ms")
    print(f"all answered in {wall:.2f} s; the clients' sends spread over {1000 * spread:.0f} ms;"
          f" client CPU {client_cpu:.2f} s, workers' CPU {worker_cpu:.2f} s"
          f" ({1000 * worker_cpu / members:.1f} ms per request)")
    print(f"load average {os.getloadavg()[0]:.1f}; 5-million-step Python loop {speed:.2f} s")
    refusals: dict[str, int] = {}
    for status, _, _, payload in out:
        if status == 409:
            detail = json.loads(payload).get("detail", "")[:70]
            refusals[detail] = refusals.get(detail, 0) + 1
    print(f"409 details: {refusals}")
    for status, _, _, payload in out:
        if status not in (201, 409):
            print(f"unexpected answer {status}: {payload[:300]!r}")
            break
    with open("/tmp/bench-results.jsonl", "a") as log:
        log.write(json.dumps({"bench": "rush", "database": url.split(":")[0], "workers": workers,
                              "statuses": statuses, "latency_ms": ms, "correct": correct,
                              "database_facts": facts, "client_cpu_s": client_cpu,
                              "worker_cpu_s": worker_cpu}) + "\n")


if __name__ == "__main__":
    main()
