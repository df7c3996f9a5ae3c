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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import APP_PORT, Server, make_tokens, wrk, wrk_booking  # noqa: E402
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
                inclusive[f"{name} ({where.split('/work/main/')[-1]})"] += n
    for name, n in inclusive.most_common(top):
        print(f"{100 * n / total:5.1f}%  {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--what", choices=["availability", "booking"], default="availability")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--py-spy", default="/tmp/tools/bin/py-spy")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    today = today_in_kerala()
    env = dict(os.environ, DATABASE_URL=args.database_url, LOG_LEVEL="WARNING",
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14",
               BENCH_CENTRES="200", BENCH_TODAY=str(timegm(today.timetuple())))
    tokens = make_tokens(args.database_url, 16, 25) if args.what == "booking" else None
    raw = Path(f"/tmp/bench-profile-{args.what}.txt")
    # As in run.py: sync workers for SQLite bookings (one writer at a time).
    sync = args.what == "booking" and args.database_url.startswith("sqlite")
    with Server("wsgi:app", APP_PORT, env, "/tmp/bench-app.log",
                worker_class="sync" if sync else None) as server:
        if args.what == "availability":
            load = threading.Thread(target=wrk, args=(f"http://127.0.0.1:{APP_PORT}",
                                    args.seconds + 4, 8, str(ROOT / "bench/availability.lua"), env))
        else:
            load = threading.Thread(target=wrk_booking, args=(
                args.seconds + 4, env, tokens, today + timedelta(days=1)))
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
