"""Baseline for GET /api/v1/availability: a bare Flask app, one hand-written SQL statement.

No extensions, no SQLAlchemy: plain DB-API (sqlite3 or psycopg), one
connection per thread, and on every request one statement that reads the
site's rules, its desks, its closures in the range and the held cells
counted by day and part; free = total - held, as the product defines it.
bench/run.py serves it with the same gunicorn settings as the app and first
checks that it answers exactly as the app does for a sample of queries.

It leaves out one edge the app handles (cells still held on a desk retired
before their day, an unresolved conflict): the seeded datasets retire no desks.

    DATABASE_URL=... gunicorn -c gunicorn.conf.py -b 127.0.0.1:5302 bench.raw_sql_app:app
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, Response, request

KOLKATA = ZoneInfo("Asia/Kolkata")
URL = os.environ["DATABASE_URL"]
IS_SQLITE = URL.startswith("sqlite")
AGGREGATE = "group_concat({}, ',')" if IS_SQLITE else "string_agg({}, ',')"
# The site row once (MATERIALIZED: not re-run for every day of the join),
# then the held cells of the range counted by day and part.
SQL = f"""
WITH site AS MATERIALIZED (
  SELECT s.id, s.status, s.opening_days, s.advance_days, s.closes_at,
    (SELECT count(*) FROM desks d WHERE d.site_id = s.id) AS desks,
    (SELECT {AGGREGATE.format("CAST(d.retired_on AS text)")} FROM desks d
       WHERE d.site_id = s.id AND d.retired_on IS NOT NULL) AS retired,
    (SELECT {AGGREGATE.format("CAST(k.starts_on AS text) || '/' || CAST(k.ends_on AS text)")}
       FROM closures k WHERE k.site_id = s.id AND k.room_id IS NULL
       AND k.ends_on >= :first AND k.starts_on <= :last) AS closed
  FROM sites s WHERE s.slug = :slug)
SELECT site.status, site.opening_days, site.advance_days, site.closes_at, site.desks,
       site.retired, site.closed, c.held_on, c.part, count(c.site_id)
FROM site LEFT JOIN desk_cells c
  ON c.site_id = site.id AND c.held_on BETWEEN :first AND :last
GROUP BY site.status, site.opening_days, site.advance_days, site.closes_at, site.desks,
         site.retired, site.closed, c.held_on, c.part
"""
if not IS_SQLITE:
    SQL = re.sub(r"(?<!:):(\w+)", r"%(\1)s", SQL)

app = Flask(__name__)
_local = threading.local()


def connection():
    """This thread's connection, opened on first use."""
    if getattr(_local, "conn", None) is None:
        if IS_SQLITE:
            path = URL.split("///", 1)[1]
            _local.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            import psycopg

            _local.conn = psycopg.connect(URL.replace("postgresql+psycopg", "postgresql"),
                                          autocommit=True)
    return _local.conn


def dates(text: str | None) -> list[date]:
    return [date.fromisoformat(x) for x in text.split(",")] if text else []


@app.get("/availability")
def availability():
    slug = request.args["site"]
    first, last = date.fromisoformat(request.args["from"]), date.fromisoformat(request.args["to"])
    params = {"slug": slug, "first": first.isoformat(), "last": last.isoformat()} if IS_SQLITE \
        else {"slug": slug, "first": first, "last": last}
    rows = connection().execute(SQL, params).fetchall()
    if not rows:
        return Response('{"error":"no such site"}', status=404, mimetype="application/json")
    status, opening_days, advance_days, closes_at, desks, retired, closed = rows[0][:7]
    retired_on = dates(retired)
    closures = [tuple(date.fromisoformat(x) for x in r.split("/")) for r in (closed or "").split(",") if r]
    held = {(str(day), part): n for *_, day, part, n in rows if day is not None}
    closes_at = time.fromisoformat(closes_at) if isinstance(closes_at, str) else closes_at
    now = datetime.now(KOLKATA)
    today, window_end = now.date(), now.date() + timedelta(days=advance_days)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        total = desks - sum(1 for r in retired_on if r <= day)
        is_open = (status == "open" and str(day.weekday()) in opening_days
                   and not any(a <= day <= b for a, b in closures))
        entry = {"date": day.isoformat(), "open": is_open}
        for part, ends in (("morning", time(13, 0)), ("afternoon", closes_at)):
            bookable = is_open and today <= day <= window_end and (
                day != today or now.time().replace(tzinfo=None) < ends)
            free = max(total - held.get((day.isoformat(), part), 0), 0) if bookable else 0
            entry[part] = {"free": free, "total": total}
        days.append(entry)
    return Response(json.dumps({"site": slug, "days": days}), mimetype="application/json")
