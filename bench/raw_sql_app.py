"""The baseline: a hand-written raw-SQL Flask endpoint counting the same thing.

Not part of the product: this module builds the real app (same middleware,
logging, security headers, rate limiter, session hooks as every endpoint
pays) and adds one endpoint, /bench/raw-availability, that does the count
by hand: one DB-API connection per process, four plain SQL statements (site,
desks by retirement, closures, held cells grouped by day and part) on every
request, free = total - held, as the product defines it. Serve it with
gunicorn the same way as the app:

    DATABASE_URL=... gunicorn -w 2 -b 127.0.0.1:5301 'bench.raw_sql_app:app'
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request

from booking import create_app

KOLKATA = ZoneInfo("Asia/Kolkata")
URL = os.environ["DATABASE_URL"]
IS_SQLITE = URL.startswith("sqlite")
P = "?" if IS_SQLITE else "%s"
_local = threading.local()

raw = Blueprint("bench_raw", __name__)


def connect():
    if getattr(_local, "conn", None) is None:
        if IS_SQLITE:
            conn = sqlite3.connect(URL.split("///", 1)[1], check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        else:
            import psycopg

            conn = psycopg.connect(URL.replace("postgresql+psycopg", "postgresql"),
                                   autocommit=True)
        _local.conn = conn
    return _local.conn


def as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_time(value):
    return time.fromisoformat(value) if isinstance(value, str) else value


@raw.get("/bench/raw-availability")
def availability():
    slug, first, last = request.args["site"], request.args["from"], request.args["to"]
    first_d, last_d = date.fromisoformat(first), date.fromisoformat(last)
    if not IS_SQLITE:
        first, last = first_d, last_d
    cur = connect().cursor()
    cur.execute(f"SELECT id, status, opening_days, advance_days, closes_at FROM sites"
                f" WHERE slug = {P}", (slug,))
    site_id, status, opening_days, advance_days, closes_at = cur.fetchone()
    cur.execute(f"SELECT retired_on, count(*) FROM desks WHERE site_id = {P}"
                f" GROUP BY retired_on", (site_id,))
    desks = [(as_date(r), n) for r, n in cur.fetchall()]
    cur.execute(f"SELECT starts_on, ends_on FROM closures WHERE site_id = {P}"
                f" AND room_id IS NULL AND ends_on >= {P} AND starts_on <= {P}",
                (site_id, first, last))
    closures = [(as_date(a), as_date(b)) for a, b in cur.fetchall()]
    cur.execute(
        f"SELECT c.held_on, c.part, count(*) FROM desk_cells c JOIN desks d ON d.id = c.desk_id"
        f" WHERE c.site_id = {P} AND c.held_on BETWEEN {P} AND {P}"
        f" AND (d.retired_on IS NULL OR d.retired_on > c.held_on)"
        f" GROUP BY c.held_on, c.part", (site_id, first, last))
    held = {(as_date(d), p): n for d, p, n in cur.fetchall()}
    now = datetime.now(KOLKATA)
    today, window_end = now.date(), now.date() + timedelta(days=advance_days)
    days = []
    day = first_d
    while day <= last_d:
        total = sum(n for r, n in desks if r is None or day < r)
        is_open = (status == "open" and str(day.weekday()) in opening_days
                   and not any(a <= day <= b for a, b in closures))
        entry = {"date": day.isoformat(), "open": is_open}
        for part, ends in (("morning", time(13, 0)), ("afternoon", as_time(closes_at))):
            bookable = is_open and today <= day <= window_end and (
                day != today or now.time().replace(tzinfo=None) < ends)
            free = max(total - held.get((day, part), 0), 0) if bookable else 0
            entry[part] = {"free": free, "total": total}
        days.append(entry)
        day += timedelta(days=1)
    return Response(json.dumps({"site": slug, "days": days}), mimetype="application/json")


app = create_app()
app.register_blueprint(raw)
