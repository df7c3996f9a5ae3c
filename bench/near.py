"""How long "near a PIN code" costs with 250 sites: the distance ordering and the pages.

Makes 240 centres and 10 hostels (a few desks or beds each) at random points in
Kerala in a temporary database, then times, in one process:

- the package's first use: import and the first PIN centroid (once per process),
  and the first state lookup (builds its PIN index; only site PIN checks use it);
- ``order_by_distance`` over the 250 site summaries (the PIN located once, cached);
- through the Flask test client: GET /api/v1/sites with and without ?near=691506,
  with &limit=5, the home page with and without ?near=, and, for scale,
  GET /api/v1/availability for one centre (14 days, the default).

    .venv/bin/python bench/near.py                      # SQLite in a temp dir
    .venv/bin/python bench/near.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking import create_app, migrate  # noqa: E402
from booking.services.sites import capacity  # noqa: E402
from booking.services.sites.finding import SiteFilters, get_sites  # noqa: E402
from booking.services.sites.nearby import order_by_distance  # noqa: E402
from booking.services.sites.pincodes import get_state, locate  # noqa: E402

PIN = "691506"
DISTRICTS = ("Kollam", "Thiruvananthapuram", "Kottayam", "Ernakulam", "Thrissur", "Kozhikode")


def first_use() -> None:
    started = time.perf_counter()
    locate(PIN)
    print(f"import + first centroid: {(time.perf_counter() - started) * 1e3:.1f} ms (once per process)")
    started = time.perf_counter()
    get_state(PIN)
    print(f"first state lookup (PIN index): {(time.perf_counter() - started) * 1e3:.1f} ms "
          "(once per process; site PIN checks only)")
    started = time.perf_counter()
    for _ in range(10_000):
        locate(PIN)
    print(f"cached locate: {(time.perf_counter() - started) * 1e2:.2f} µs")


def build(url: str, sites: int):
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    rng = random.Random(16)
    with app.extensions["booking_db"].writer() as session:
        for n in range(sites):
            place = {"district": DISTRICTS[n % len(DISTRICTS)],
                     "latitude": round(rng.uniform(8.3, 12.6), 5),
                     "longitude": round(rng.uniform(75.0, 77.2), 5)}
            if n % 25 == 0:
                site = capacity.create_site(session, f"near-hostel-{n:03d}", kind="hostel",
                                            name=f"Hostel {n:03d}", **place)
                capacity.add_room(session, site, "R1", beds=4, room_type="dormitory",
                                  designation="anyone")
            else:
                site = capacity.create_site(session, f"near-centre-{n:03d}", kind="centre",
                                            name=f"WNH {n:03d}", opening_days="0123456", **place)
                capacity.add_desks(session, site, 4)
        session.commit()
    return app


def median_ms(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def get(client, url: str):
    def action():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return action


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sites", type=int, default=250)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    first_use()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/near.sqlite3"
        app = build(url, args.sites)
        with app.app_context(), app.extensions["booking_db"].reader() as session:
            summaries = get_sites(session, SiteFilters(), date.today())
            assert len(summaries) == args.sites
            print(f"distance ordering, {len(summaries)} sites: "
                  f"{median_ms(lambda: order_by_distance(summaries, locate(PIN)), args.runs * 10) * 1e3:.0f} µs")
            print(f"get_sites (the list's query, for scale): "
                  f"{median_ms(lambda: get_sites(session, SiteFilters(), date.today()), args.runs):.2f} ms")
        client = app.test_client()
        for label, path in (
                ("GET /api/v1/sites", "/api/v1/sites"),
                ("GET /api/v1/sites?near=691506", f"/api/v1/sites?near={PIN}"),
                ("GET /api/v1/sites?near=691506&limit=5", f"/api/v1/sites?near={PIN}&limit=5"),
                ("GET /api/v1/availability (one centre, 14 days)",
                 "/api/v1/availability?site=near-centre-001"),
                ("GET / (home page)", "/"),
                ("GET /?near=691506 (with today's free places)", f"/?near={PIN}")):
            print(f"{label}: {median_ms(get(client, path), args.runs):.2f} ms")
        app.extensions["booking_db"].dispose()


if __name__ == "__main__":
    main()
