"""How long the admin occupancy dashboard takes to render at state scale.

Seeds a temporary database with 200 WNH centres (40 desks each, open Mon-Sat)
and 10 IT-park hostels (300 beds each), with bookings and their cells at about
60 % occupancy for 90 days ending 30 days from today (the `seed-scale`
command: bulk inserts of bookings with consistent cells). Then signs in as an
administrator through the Flask test client and times full renders of:

- the state-wide ranking (/admin/) for the default 14 days, 31 days and the
  92-day maximum, and
- one centre's occupancy page for 31 days.

    .venv/bin/python bench/dashboard_bench.py            # SQLite in a temp dir
    .venv/bin/python bench/dashboard_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking import create_app, migrate  # noqa: E402
from booking.clock import today_in_kerala  # noqa: E402
from booking.services.accounts import users as accounts


def build(url: str, centres: int, days: int):
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=[
        "seed-scale", "--centres", str(centres), "--desks", "40", "--hostels", "10",
        "--beds", "300", "--days", str(days)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    print(result.output.strip())
    print(f"seeded in {time.perf_counter() - started:.1f}s")
    db = app.extensions["booking_db"]
    with db.writer() as session:
        admin = accounts.create_user(session, "bench-admin@example.org", "Bench Admin",
                                     role="admin")
        session.commit()
        admin_id = admin.id
    return app, admin_id


def timed(client, url: str, runs: int) -> list[float]:
    response = client.get(url)  # warm-up: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY database (default: temp SQLite)")
    parser.add_argument("--centres", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/dashboard-bench.sqlite3"
        app, admin_id = build(url, args.centres, args.days)
        client = app.test_client()
        with client.session_transaction() as s:
            s["_user_id"], s["_fresh"] = str(admin_id), True
        today = today_in_kerala()
        period = lambda n: f"first={today}&last={today + timedelta(days=n - 1)}"  # noqa: E731
        pages = {
            "state ranking, 14 days (default)": "/admin/",
            "state ranking, 31 days": f"/admin/?{period(31)}",
            "state ranking, 92 days (maximum)": f"/admin/?{period(92)}",
            "one centre, 31 days": f"/admin/sites/1/occupancy?{period(31)}",
        }
        print(f"\n{'page':<36} {'median':>8} {'p90':>8} {'max':>8}   ({args.runs} runs)")
        for name, url_path in pages.items():
            t = sorted(timed(client, url_path, args.runs))
            p90 = t[min(len(t) - 1, int(len(t) * 0.9))]
            print(f"{name:<36} {statistics.median(t) * 1000:7.0f}ms {p90 * 1000:7.0f}ms"
                  f" {t[-1] * 1000:7.0f}ms")
        app.extensions["booking_db"].dispose()


if __name__ == "__main__":
    main()
