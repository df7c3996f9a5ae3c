"""Serve the app with gunicorn (2 workers) on a seeded dataset and load it.

    .venv/bin/python bench/run.py --database-url sqlite:////tmp/bench-1y.sqlite3 --label "SQLite 1y"

Measures, in one run: GET /api/v1/ping (the framework's ceiling), GET
/api/v1/availability (one centre x 31 days, random centre and start), the
same availability count from a hand-written raw-SQL endpoint added to the same
app (bench/raw_sql_app.py),
and optionally (--booking) POST /api/v1/bookings with 16 clients. Prints a
markdown table and appends the figures as JSON to /tmp/bench-results.jsonl.
Every server it starts is stopped before it exits (ports 5300-5301).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from calendar import timegm
from datetime import timedelta
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import book_load  # noqa: E402
from booking.clock import today_in_kerala  # noqa: E402

GUNICORN = str(ROOT / ".venv/bin/gunicorn")
APP_PORT, RAW_PORT = 5300, 5301
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


class Server:
    """A gunicorn serving TARGET on PORT; always stopped on exit (context manager)."""

    def __init__(self, target: str, port: int, env: dict[str, str], log: str,
                 threads: int | None = None, worker_class: str | None = None) -> None:
        # The production settings (gthread, keep-alive), with 2 workers and no
        # recycling: max_requests would restart workers every few seconds at
        # benchmark rates, throwing their caches away mid-measurement.
        self.cmd = [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2",
                    "-b", f"127.0.0.1:{port}", "--max-requests", "0", "--backlog", "2048",
                    "--error-logfile", log, target]
        if threads:  # read by gunicorn.conf.py (a --threads flag measured differently)
            env = dict(env, GUNICORN_THREADS=str(threads))
        if worker_class:
            env = dict(env, GUNICORN_WORKER_CLASS=worker_class)
        self.port, self.env = port, env

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/ping", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.cmd} did not start")

    def __exit__(self, *_exc):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def python_speed() -> float:
    """Seconds for a fixed pure-Python loop: how fast this (shared) machine is right now.

    The machines are virtual and their speed drifts with their neighbours'
    load; the same code measured 1.0 s and 1.6 s for this loop an hour apart.
    Read requests/s next to it.
    """
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def cpu_seconds(server: "Server") -> float:
    """User+system CPU of the gunicorn master's workers so far (from /proc)."""
    return sum(worker_cpu_seconds(server).values())


def worker_cpu_seconds(server: "Server") -> dict[int, float]:
    """Each worker's user+system CPU so far, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True)
    cpu = {}
    for pid in out.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks
    return cpu


def wrk(url: str, duration: int, connections: int, script: str | None, env: dict) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env=env, check=True).stdout
    latency = {p: float(v) * UNITS[u] for p, v, u in
               re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket.group(1) if socket else "",
        # Counted by scripts that report them (bench/booking.lua).
        "statuses": {int(code): int(n) for code, n in
                     re.findall(r"^BENCH_STATUS (\d+) (\d+)$", out, re.M)},
    }


def wrk_booking(seconds: int, env: dict, tokens: list[list[str]], first_day) -> dict:
    """16 wrk connections POSTing bookings (bench/booking.lua): a load generator
    in C, which leaves the two cores to the server (the Python clients of
    book_load.py used about a tenth of the CPU they measured)."""
    token_file = Path("/tmp/bench-tokens.txt")
    token_file.write_text("\n".join(t for group in tokens for t in group) + "\n")
    booking_env = dict(env, BENCH_TOKENS=str(token_file),
                       BENCH_FIRST_DAY=str(timegm(first_day.timetuple())))
    out = wrk(f"http://127.0.0.1:{APP_PORT}", seconds, len(tokens),
              str(ROOT / "bench/booking.lua"), booking_env)
    statuses = out["statuses"]
    answered = sum(statuses.values()) or 1
    created = statuses.get(201, 0)
    socket_errors = sum(int(n) for n in re.findall(r"\d+", out["socket_errors"]))
    return {
        "requests_per_s": out["requests_per_s"] * created / answered,
        "p50_ms": out["p50_ms"], "p99_ms": out["p99_ms"],
        "created": created, "statuses": statuses,
        "refused_full": statuses.get(409, 0),
        "errors": socket_errors + sum(n for code, n in statuses.items() if code not in (201, 409)),
        "sample_errors": [],
    }


def make_tokens(database_url: str, clients: int, per_client: int) -> list[list[str]]:
    """Fresh members with tokens for the booking load (a new batch each run)."""
    from booking.db import open_database
    from booking.services import accounts, tokens

    db = open_database(database_url)
    batch = int(time.time())
    result = []
    with db.writer() as session, session.begin():
        for c in range(clients):
            group = []
            for m in range(per_client):
                user = accounts.create_user(session, f"bench-{batch}-{c}-{m}@example.org",
                                            f"Bench {c}-{m}")
                group.append(tokens.create_token(session, user, "bench")[1])
            result.append(group)
    db.dispose()
    return result


def check_same_counts(env: dict, samples: int = 25) -> None:
    """The baseline must count what the app counts, or the comparison means nothing."""
    import random

    rng = random.Random(7)
    today = today_in_kerala()
    for _ in range(samples):
        start = today + timedelta(days=rng.randint(-60, 30))
        query = (f"site=scale-centre-{rng.randint(1, int(env['BENCH_CENTRES'])):03d}"
                 f"&from={start}&to={start + timedelta(days=30)}")
        app = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{APP_PORT}/api/v1/availability?{query}"))
        raw = json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{RAW_PORT}/bench/raw-availability?{query}"))
        keep = ("date", "open", "morning", "afternoon")
        assert [{k: d[k] for k in keep} for d in app["days"]] == raw["days"], query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (reads)")
    parser.add_argument("--booking-seconds", type=int, default=15)
    parser.add_argument("--booking-threads", type=int, default=None,
                        help="gunicorn threads per gthread worker for the booking load")
    parser.add_argument("--booking-worker-class", choices=["sync", "gthread"], default=None,
                        help="gunicorn workers for the booking load (default: sync on SQLite,"
                             " gthread on PostgreSQL)")
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/14",
                        help="RATELIMIT_STORAGE_URI for the app (memory:// counts per worker)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--centres", type=int, default=200)
    parser.add_argument("--booking", action="store_true", help="also load POST /bookings")
    parser.add_argument("--only-booking", action="store_true", help="load POST /bookings only")
    parser.add_argument("--booking-load", choices=["wrk", "python"], default="wrk",
                        help="the booking load generator: wrk with bench/booking.lua, or the"
                             " Python clients of bench/book_load.py")
    parser.add_argument("--keep-alive", action="store_true",
                        help="Python booking clients keep their connections (default: one per"
                             " request, as nginx sends them)")
    parser.add_argument("--no-cache", action="store_true",
                        help="serve availability with the facts cache off (the miss path)")
    args = parser.parse_args()

    today = today_in_kerala()
    # Rate-limit counters on Redis, as production must keep them with more
    # than one worker (docs/production.md); only POSTs are limited.
    env = dict(os.environ, DATABASE_URL=args.database_url, LOG_LEVEL="WARNING",
               RATELIMIT_STORAGE_URI=args.ratelimit_storage,
               BENCH_CENTRES=str(args.centres),
               BENCH_TODAY=str(timegm(today.timetuple())))
    if args.no_cache:
        env["AVAILABILITY_CACHE_SIZE"] = "0"
    script = str(ROOT / "bench/availability.lua")
    results = {"label": args.label, "database": args.database_url.split(":")[0],
               "python_speed_s": [python_speed()]}
    if not args.only_booking:
        measure_reads(args, env, script, results)
    if args.booking or args.only_booking:
        tokens = make_tokens(args.database_url, clients=16, per_client=25)
        # SQLite has one writer at a time: a second thread in a worker only
        # competes for the GIL with the thread holding the write lock, so
        # its workers are "sync" (one request each; see gunicorn.conf.py).
        worker_class = args.booking_worker_class or (
            "sync" if args.database_url.startswith("sqlite") else "gthread")
        with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log", args.booking_threads,
                    worker_class) as server:
            before = worker_cpu_seconds(server)
            client_before = os.times()
            if args.booking_load == "wrk":
                results["booking"] = wrk_booking(args.booking_seconds, env, tokens,
                                                 today + timedelta(days=1))
            else:
                results["booking"] = book_load.run(APP_PORT, tokens, args.booking_seconds,
                                                   today + timedelta(days=1), args.centres,
                                                   keep_alive=args.keep_alive)
            booked = results["booking"]["created"] or 1
            client_after = os.times()
            # The load generator shares the machine's cores with the server
            # (wrk, a child process, is counted once it has exited).
            results["booking"]["client_cpu_ms_per_booking"] = 1000 * sum(
                after - before for after, before in zip(client_after[:4], client_before[:4])
            ) / booked
            spent = [cpu - before.get(pid, 0.0) for pid, cpu in worker_cpu_seconds(server).items()]
            results["booking"]["worker_cpu_ms_per_booking"] = 1000 * sum(spent) / booked
            # How evenly the load fell on the workers: keep-alive connections
            # stay with the worker that accepted them.
            results["booking"]["worker_cpu_share"] = [round(x / (sum(spent) or 1), 2)
                                                      for x in spent]
    results["load_average"] = os.getloadavg()
    results["python_speed_s"].append(python_speed())
    report(results)


def measure_reads(args, env: dict, script: str, results: dict) -> None:
    """Ping, availability and the raw-SQL baseline in alternating short rounds.

    Other processes share the machine, so the three are measured in turns
    (paired rounds) and each figure is the median over the rounds; the
    ratios are taken per round, then their median.
    """
    app_url, raw_url = f"http://127.0.0.1:{APP_PORT}", f"http://127.0.0.1:{RAW_PORT}"
    raw_env = dict(env, BENCH_PATH="/bench/raw-availability")
    rounds: dict[str, list[dict]] = {"ping": [], "availability": [], "raw_sql": []}
    with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log") as app, \
            Server("bench.raw_sql_app:app", RAW_PORT, env, "/tmp/bench-raw.log") as raw:
        check_same_counts(env)
        wrk(f"{app_url}/api/v1/ping", 2, args.connections, None, env)  # warm up
        wrk(app_url, 5, args.connections, script, env)  # warm up the workers' caches
        wrk(raw_url, 2, args.connections, script, raw_env)
        for _ in range(args.rounds):
            rounds["ping"].append(measured(app, f"{app_url}/api/v1/ping", args, None, env))
            rounds["availability"].append(measured(app, app_url, args, script, env))
            rounds["raw_sql"].append(measured(raw, raw_url, args, script, raw_env))
    for name, runs in rounds.items():
        results[name] = {key: median([r[key] for r in runs]) for key in
                         ("requests_per_s", "p50_ms", "p99_ms", "worker_cpu_us")}
        results[name]["non_2xx"] = sum(r["non_2xx"] for r in runs)
        results[name]["per_round"] = [round(r["requests_per_s"]) for r in runs]
        results[name]["vs_ping_median"] = median(
            [r["requests_per_s"] / p["requests_per_s"] for r, p in zip(runs, rounds["ping"])])


def measured(server: "Server", url: str, args, script: str | None, env: dict) -> dict:
    """wrk figures plus the workers' CPU per request: a cost that other load cannot skew."""
    before = cpu_seconds(server)
    result = wrk(url, args.duration, args.connections, script, env)
    requests = result["requests_per_s"] * args.duration
    result["worker_cpu_us"] = 1e6 * (cpu_seconds(server) - before) / max(requests, 1)
    return result


def report(results: dict) -> None:
    ping = results.get("ping", {}).get("requests_per_s") or float("nan")
    print(f"\n### {results['label']}\n")
    ping_cpu = results.get("ping", {}).get("worker_cpu_us") or float("nan")
    print("| endpoint | requests/s | vs ping | p50 ms | p99 ms | worker CPU per request"
          " | ping CPU / this CPU | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ("ping", "availability", "raw_sql", "booking"):
        r = results.get(name)
        if r:
            errors = r.get("errors", r.get("non_2xx", 0))
            cpu = r.get("worker_cpu_us") or 1000 * r.get("worker_cpu_ms_per_booking", 0)
            ratio = r.get("vs_ping_median", r["requests_per_s"] / ping)
            print(f"| {name} | {r['requests_per_s']:.0f} | {ratio:.2f}x"
                  f" | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {cpu:.0f} µs"
                  f" | {ping_cpu / cpu:.2f}x | {errors} |")
    print(f"\nload average after the run: {results['load_average'][0]:.1f}"
          " (other processes share these 2 cores); a 5-million-step Python loop took"
          f" {' s, then '.join(f'{s:.2f}' for s in results['python_speed_s'])} s")
    booking = results.get("booking")
    if booking:
        print(f"booking statuses: {booking['statuses']};"
              f" worker CPU per booking: {booking['worker_cpu_ms_per_booking']:.1f} ms;"
              f" share of it per worker: {booking.get('worker_cpu_share')};"
              f" load generator's CPU per booking: {booking['client_cpu_ms_per_booking']:.1f} ms")
    for name in ("ping", "availability", "raw_sql"):
        if name in results:
            print(f"{name} requests/s per round: {results[name]['per_round']}")
    if results.get("booking", {}).get("sample_errors"):
        print("\nfirst booking errors:", results["booking"]["sample_errors"])
    with open("/tmp/bench-results.jsonl", "a") as out:
        out.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
