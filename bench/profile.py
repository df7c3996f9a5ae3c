"""Where the time goes: py-spy on the gunicorn workers while they are under load.

    .venv/bin/python bench/profile.py --database-url sqlite:////tmp/bench-1y.sqlite3 --what booking

Needs py-spy (pip install py-spy, any venv; pass --py-spy PATH). Prints the
functions with the most samples, inclusive, as percentages of all samples
(collapsed stacks are kept in /tmp/bench-profile-WHAT.txt).
"""
from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import threading
from calendar import timegm
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import APP_PORT, AVAILABILITY_LUA, BOOKING_CLIENTS, booking_load_env  # noqa: E402
from bench.serve import ROOT, Server, worker_class_for, wrk  # noqa: E402
from booking.clock import today_in_kerala  # noqa: E402


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def summarise(raw: Path, top: int) -> None:
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():  # a worker that py-spy could not sample to the end
            continue
        n = int(count)
        total += n
        for frame in set(stack.split(";")):
            name = frame.split(" (")[0]
            where = frame.split(" (")[-1].rstrip(")")
            if "booking/" in where or "bench/" in where or name in {"execute", "commit"}:
                inclusive[f"{name} ({where.split(str(ROOT) + '/')[-1]})"] += n
    for name, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--what", choices=["availability", "booking"], default="availability")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--py-spy", default="/tmp/tools/bin/py-spy")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--centres", type=int, default=200, help="centres in the dataset")
    args = parser.parse_args()
    today = today_in_kerala()
    env = dict(os.environ, DATABASE_URL=args.database_url, LOG_LEVEL="WARNING",
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14", BENCH_CENTRES=str(args.centres),
               BENCH_TODAY=str(timegm(today.timetuple())))
    # The loads of run.py: 8 connections of availability, or 16 of bookings.
    if args.what == "booking":
        load_args = (BOOKING_CLIENTS, str(ROOT / "bench/booking.lua"),
                     booking_load_env(args.database_url, env))
    else:
        load_args = (8, AVAILABILITY_LUA, env)
    raw = Path(f"/tmp/bench-profile-{args.what}.txt")
    with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log",
                worker_class=worker_class_for(args.database_url)) as server:
        load = threading.Thread(target=wrk, args=(f"http://127.0.0.1:{APP_PORT}",
                                                  args.seconds + 4, *load_args))
        load.start()
        pids = worker_pids(server.proc.pid)
        spies = [subprocess.Popen([args.py_spy, "record", "--pid", str(pid), "--duration",
                                   str(args.seconds), "--format", "raw", "--nonblocking",
                                   "--output", f"{raw}.{pid}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for pid in pids]
        for spy in spies:
            spy.wait()
        load.join()
    raw.write_text("\n".join(Path(f"{raw}.{pid}").read_text() for pid in pids))
    summarise(raw, args.top)


if __name__ == "__main__":
    main()
