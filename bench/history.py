"""Does availability cost grow with history? The uncached path on two datasets.

    .venv/bin/python bench/history.py sqlite:////tmp/bench-1y.sqlite3 sqlite:////tmp/bench-3y.sqlite3

Target: the 3-year dataset within 1.2x of the 1-year one.

Times get_site_availability with the cache off (every request pays the
queries: the worst case, a cold worker) for the same random centres and
31-day ranges near today on each database, in process so nothing else in the
request blurs it, and prints p50/p99 and the ratio of the second to the first.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking.clock import now_in_kerala  # noqa: E402
from booking.db import open_database  # noqa: E402
from booking.services.sites.catalogue import get_site_availability


def timings(urls: list[str], queries: list[tuple[str, object, object]],
            rounds: int = 3) -> list[list[float]]:
    """Each query's best time on each database, the databases taken in turns every round."""
    dbs = [open_database(url) for url in urls]
    now = now_in_kerala()
    best = [[float("inf")] * len(queries) for _ in urls]
    try:
        for _ in range(rounds):  # best of a few rounds per query: other load only adds
            for db, times in zip(dbs, best):
                for i, (slug, first, last) in enumerate(queries):
                    with db.engine.connect() as connection:
                        started = time.perf_counter()
                        get_site_availability(connection, slug, first, last, now, None)
                        times[i] = min(times[i], time.perf_counter() - started)
    finally:
        for db in dbs:
            db.dispose()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("one_year")
    parser.add_argument("three_years")
    parser.add_argument("--centres", type=int, default=200, help="centres in the datasets")
    args = parser.parse_args()
    rng = random.Random(5)
    today = now_in_kerala().date()
    queries = []
    for _ in range(300):
        first = today + timedelta(days=rng.randint(-60, 30))
        queries.append((f"scale-centre-{rng.randint(1, args.centres):03d}", first, first + timedelta(days=30)))
    results = {}
    for label, t in zip(("1 year", "3 years"), timings([args.one_year, args.three_years], queries)):
        results[label] = (median(t) * 1000, quantiles(t, n=100)[98] * 1000)
        print(f"{label:8} p50 {results[label][0]:.2f} ms  p99 {results[label][1]:.2f} ms")
    ratio = results["3 years"][0] / results["1 year"][0]
    print(f"3 years / 1 year: p50 {ratio:.2f}x (target <= 1.2x: {'met' if ratio <= 1.2 else 'NOT met'}),"
          f" p99 {results['3 years'][1] / results['1 year'][1]:.2f}x")


if __name__ == "__main__":
    main()
