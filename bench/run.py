"""The app against bare Flask baselines, and its booking throughput, under gunicorn.

    .venv/bin/python bench/run.py --database-url sqlite:////tmp/bench-1y.sqlite3 --label "SQLite 1y"

Reads, in alternating rounds within one run (the machine's speed drifts, so
each ratio is taken within a round, then the median over rounds):
GET /api/v1/ping against bench/bare_ping.py, and GET /api/v1/availability
(one centre x 31 days) against bench/raw_sql_app.py. All servers use the
production gunicorn.conf.py with the same workers. With --booking, POST
/api/v1/bookings from 16 wrk connections (bench/booking.lua). Prints a
table, appends JSON to /tmp/bench-results.jsonl, and stops every server it
started.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import urllib.request
from calendar import timegm
from datetime import timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import (  # noqa: E402
    ROOT,
    Server,
    make_members,
    python_speed,
    worker_class_for,
    wrk,
)
from booking.clock import today_in_kerala  # noqa: E402

APP_PORT, BARE_PORT, RAW_PORT = 5300, 5301, 5302
AVAILABILITY_LUA = str(ROOT / "bench/availability.lua")
TARGETS = {"ping": 0.5, "availability": 2.0}  # the app's requests/s over its baseline's
BOOKING_CLIENTS, BOOKING_MEMBERS = 16, 400


def check_same_counts(env: dict, samples: int = 25) -> None:
    """The baseline must count what the app counts, or the comparison means nothing."""
    rng = random.Random(7)
    today = today_in_kerala()
    keep = ("date", "open", "morning", "afternoon")
    for _ in range(samples):
        start = today + timedelta(days=rng.randint(-60, 30))
        query = (f"site=scale-centre-{rng.randint(1, int(env['BENCH_CENTRES'])):03d}"
                 f"&from={start}&to={start + timedelta(days=30)}")
        app = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{APP_PORT}/api/v1/availability?{query}"))
        raw = json.load(urllib.request.urlopen(f"http://127.0.0.1:{RAW_PORT}/availability?{query}"))
        assert [{k: d[k] for k in keep} for d in app["days"]] == raw["days"], query


def measured(server: Server, url: str, args, script: str | None, env: dict) -> dict:
    """wrk figures plus the workers' CPU per request, which other load skews less."""
    before = sum(server.worker_cpu().values())
    result = wrk(url, args.duration, args.connections, script, env)
    requests = result["requests_per_s"] * args.duration
    result["worker_cpu_us"] = 1e6 * (sum(server.worker_cpu().values()) - before) / max(requests, 1)
    return result


def measure_reads(args, env: dict, results: dict) -> None:
    """Each endpoint and its baseline, one after the other, in every round."""
    workers = {"workers": args.workers, "worker_class": args.worker_class}
    app_url = f"http://127.0.0.1:{APP_PORT}"
    raw_env = dict(env, BENCH_PATH="/availability")
    with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log", **workers) as app, \
            Server("bench.bare_ping:app", BARE_PORT, env, "/tmp/bench-bare.log", **workers) as bare, \
            Server("bench.raw_sql_app:app", RAW_PORT, env, "/tmp/bench-raw.log", **workers) as raw:
        check_same_counts(env)
        loads = {  # name: (server, url, wrk script, env)
            "ping": (app, f"{app_url}/api/v1/ping", None, env),
            "bare_ping": (bare, f"http://127.0.0.1:{BARE_PORT}/ping", None, env),
            "availability": (app, app_url, AVAILABILITY_LUA, env),
            "raw_sql": (raw, f"http://127.0.0.1:{RAW_PORT}", AVAILABILITY_LUA, raw_env),
        }
        for _server, url, script, load_env in loads.values():  # warm the workers and caches
            wrk(url, 2, args.connections, script, load_env)
        rounds = {name: [] for name in loads}
        for _ in range(args.rounds):
            for name, (server, url, script, load_env) in loads.items():
                rounds[name].append(measured(server, url, args, script, load_env))
    for name, runs in rounds.items():
        results[name] = {key: median(r[key] for r in runs)
                         for key in ("requests_per_s", "p50_ms", "p99_ms", "worker_cpu_us")}
        results[name]["errors"] = sum(r["non_2xx"] + r["socket_errors"] for r in runs)
        results[name]["per_round"] = [round(r["requests_per_s"]) for r in runs]
    for name, baseline in (("ping", "bare_ping"), ("availability", "raw_sql")):
        results[name]["vs_baseline"] = median(
            a["requests_per_s"] / b["requests_per_s"] for a, b in zip(rounds[name], rounds[baseline]))


def booking_load_env(database_url: str, env: dict) -> dict:
    """bench/booking.lua's settings, with the tokens of fresh members (a new batch each run)."""
    token_file = Path("/tmp/bench-tokens.txt")
    token_file.write_text("\n".join(make_members(database_url, BOOKING_MEMBERS, "bench")) + "\n")
    first_day = today_in_kerala() + timedelta(days=1)
    return dict(env, BENCH_TOKENS=str(token_file),
                BENCH_FIRST_DAY=str(timegm(first_day.timetuple())))


def measure_booking(args, env: dict, results: dict) -> None:
    """16 wrk connections booking desks: a load generator in C leaves the cores to the server."""
    booking_env = booking_load_env(args.database_url, env)
    with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log", workers=args.workers,
                worker_class=args.worker_class) as server:
        before, client_before = server.worker_cpu(), os.times()
        out = wrk(f"http://127.0.0.1:{APP_PORT}", args.booking_seconds, BOOKING_CLIENTS,
                  str(ROOT / "bench/booking.lua"), booking_env)
        client_after = os.times()  # wrk, a child that has exited, is counted in it
        spent = [cpu - before.get(pid, 0.0) for pid, cpu in server.worker_cpu().items()]
    statuses = out["statuses"]
    created = statuses.get(201, 0)
    booked = created or 1
    results["booking"] = {
        "requests_per_s": out["requests_per_s"] * created / (sum(statuses.values()) or 1),
        "p50_ms": out["p50_ms"], "p99_ms": out["p99_ms"], "statuses": statuses,
        # A 409 is right when the random centre is full that day part.
        "errors": out["socket_errors"] + sum(n for c, n in statuses.items() if c not in (201, 409)),
        "worker_cpu_us": 1e6 * sum(spent) / booked,
        "client_cpu_us": 1e6 * (client_after.children_user + client_after.children_system
                                - client_before.children_user - client_before.children_system)
        / booked,
        # Keep-alive connections stay with the worker that accepted them: is the load even?
        "worker_cpu_share": [round(x / (sum(spent) or 1), 2) for x in spent],
    }


def report(results: dict) -> None:
    print(f"\n### {results['label']} ({results['workers']} {results['worker_class']} workers)\n")
    print("| load | requests/s | vs baseline | target | p50 ms | p99 ms | worker CPU/request | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("ping", "bare_ping", "availability", "raw_sql", "booking"):
        r = results.get(name)
        if not r:
            continue
        ratio = f"{r['vs_baseline']:.2f}x" if "vs_baseline" in r else ""
        target = f">= {TARGETS[name]}x" if name in TARGETS else ">= 100/s" if name == "booking" else ""
        print(f"| {name} | {r['requests_per_s']:.0f} | {ratio} | {target} | {r['p50_ms']:.2f}"
              f" | {r['p99_ms']:.2f} | {r['worker_cpu_us']:.0f} µs | {r['errors']} |")
    for name in ("ping", "bare_ping", "availability", "raw_sql"):
        if name in results:
            print(f"{name} requests/s per round: {results[name]['per_round']}")
    booking = results.get("booking")
    if booking:
        print(f"booking statuses: {booking['statuses']}; share of worker CPU per worker:"
              f" {booking['worker_cpu_share']}; wrk's CPU per booking:"
              f" {booking['client_cpu_us']:.0f} µs")
    print(f"load average after the run: {results['load_average']:.1f} (other processes share"
          f" the cores); a 5-million-step Python loop took"
          f" {' s, then '.join(f'{s:.2f}' for s in results['python_speed_s'])} s")
    with open("/tmp/bench-results.jsonl", "a") as out:
        out.write(json.dumps(results) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (reads)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--centres", type=int, default=200, help="centres in the dataset")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default=None,
                        help="default: as production runs the engine (sync on SQLite)")
    parser.add_argument("--booking", action="store_true", help="also load POST /bookings")
    parser.add_argument("--only-booking", action="store_true", help="load POST /bookings only")
    parser.add_argument("--booking-seconds", type=int, default=15)
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/14",
                        help="the app's RATELIMIT_STORAGE_URI (Redis, as production)")
    args = parser.parse_args()
    args.worker_class = args.worker_class or worker_class_for(args.database_url)
    today = today_in_kerala()
    env = dict(os.environ, DATABASE_URL=args.database_url, LOG_LEVEL="WARNING",
               RATELIMIT_STORAGE_URI=args.ratelimit_storage, BENCH_CENTRES=str(args.centres),
               BENCH_TODAY=str(timegm(today.timetuple())))
    results = {"label": args.label, "database": args.database_url.split(":")[0],
               "workers": args.workers, "worker_class": args.worker_class,
               "python_speed_s": [python_speed()]}
    if not args.only_booking:
        measure_reads(args, env, results)
    if args.booking or args.only_booking:
        measure_booking(args, env, results)
    results["load_average"] = os.getloadavg()[0]
    results["python_speed_s"].append(python_speed())
    report(results)


if __name__ == "__main__":
    main()
