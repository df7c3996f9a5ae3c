"""Does availability cost grow with history? The uncached path on two datasets.

    .venv/bin/python bench/history.py sqlite:////tmp/bench-1y.sqlite3 sqlite:////tmp/bench-3y.sqlite3

Times get_site_availability with the cache off (every request pays the
queries: the worst case, a cold worker) for the same random centres and
31-day ranges near today on each database, in process so nothing else in the
request blurs it, and prints p50/p99 and the ratio of the second to the first.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking.clock import now_in_kerala  # noqa: E402
from booking.db import open_database  # noqa: E402
from booking.services.site_catalogue import get_site_availability  # noqa: E402


def timings(url: str, queries: list[tuple[str, object, object]], rounds: int = 3) -> list[float]:
    db = open_database(url)
    now = now_in_kerala()
    best: list[float] = [float("inf")] * len(queries)
    try:
        for _ in range(rounds):  # best of a few rounds per query: other load only adds
            for i, (slug, first, last) in enumerate(queries):
                with db.engine.connect() as connection:
                    started = time.perf_counter()
                    get_site_availability(connection, slug, first, last, now, None)
                    best[i] = min(best[i], time.perf_counter() - started)
    finally:
        db.dispose()
    return best


def main() -> None:
    one_year, three_years = sys.argv[1], sys.argv[2]
    rng = random.Random(5)
    today = now_in_kerala().date()
    queries = []
    for _ in range(300):
        first = today + timedelta(days=rng.randint(-60, 30))
        queries.append((f"scale-centre-{rng.randint(1, 200):03d}", first, first + timedelta(days=30)))
    results = {}
    for label, url in (("1 year", one_year), ("3 years", three_years)):
        t = timings(url, queries)
        results[label] = (median(t) * 1000, quantiles(t, n=100)[98] * 1000)
        print(f"{label:8} p50 {results[label][0]:.2f} ms  p99 {results[label][1]:.2f} ms")
    print(f"3 years / 1 year: p50 {results['3 years'][0] / results['1 year'][0]:.2f}x,"
          f" p99 {results['3 years'][1] / results['1 year'][1]:.2f}x")


if __name__ == "__main__":
    main()
