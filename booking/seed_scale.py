"""`flask --app booking seed-scale`: a state-scale dataset for benchmarks.

200 centres x 60 desks x 365 days at 60 % occupancy is about 4.5 million desk
day-part cells (centres open Mon-Sat) and 2.8 million bookings, plus hostel
nights. The ORM would take an hour; this writes the small things (sites,
desks, rooms, members) through the services and streams bookings and their
cells, consistent with each other, with executemany (SQLite) or COPY
(PostgreSQL), one centre at a time so memory stays flat.

Bulk loading skips what makes single inserts safe and slow: SQLite's
site-revision triggers are dropped and re-created, PostgreSQL's triggers
(foreign keys and revisions) are off for the session
(session_replication_role = replica). The data is generated consistent, and
every site's revision is bumped at the end so no cache survives the load.
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, time as clock_time, timedelta, timezone

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import insert, select, text

from .clock import today_in_kerala
from .db import open_database
from .models import Site, User
from .services.sites import capacity

DISTRICTS = ("Thiruvananthapuram", "Kollam", "Pathanamthitta", "Alappuzha", "Kottayam",
             "Idukki", "Ernakulam", "Thrissur", "Palakkad", "Malappuram", "Kozhikode",
             "Wayanad", "Kannur", "Kasaragod")
PARKS = ("Technopark", "Infopark", "Cyberpark")
# A hostel's rooms, repeated until it has the beds asked for: (type, designation, beds).
ROOM_PATTERN = (("dormitory", "women", 8), ("dormitory", "men", 8), ("twin", "anyone", 2),
                ("single", "anyone", 1), ("dormitory", "women", 6), ("dormitory", "men", 6))
BOOKING_COLUMNS = ("id", "member_id", "site_id", "desk_id", "bed_id", "starts_on", "ends_on",
                   "part", "status", "created_at", "created_by_id")
CELL_COLUMNS = ("desk_id", "held_on", "part", "site_id", "member_id", "booking_id")
NIGHT_COLUMNS = ("bed_id", "night_on", "site_id", "member_id", "booking_id")
SLUG_PREFIX = "scale-"


def part_odds(occupancy: float) -> tuple[float, float]:
    """(full day, each half day) probabilities giving `occupancy` of each day part."""
    half = min(occupancy * 0.25, 1 - occupancy)
    return occupancy - half, half


class Loader:
    """Writes rows in bulk on either engine, in one transaction."""

    def __init__(self, connection, is_postgres: bool) -> None:
        self.raw = connection
        self.pg = is_postgres
        self.cursor = connection.cursor()

    def rows(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.pg:
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _stamp(day: date, pg: bool):
    moment = datetime.combine(day - timedelta(days=7), clock_time(4, 0), tzinfo=timezone.utc)
    return moment if pg else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _day(day: date, pg: bool):
    return day if pg else day.isoformat()


def desk_rows(rng, site_id, desks, members, days, occupancy, next_id, pg):
    """Bookings and cells of one centre; member i of the centre always books desk i."""
    full, half = part_odds(occupancy)
    bookings, cells = [], []
    for day in days:
        d, stamp = _day(day, pg), _stamp(day, pg)
        end = _day(day + timedelta(days=1), pg)
        for desk_id, member_id in zip(desks, members):
            roll = rng.random()
            if roll < full:
                part, halves = "full", ("morning", "afternoon")
            elif roll < full + half:
                part, halves = "morning", ("morning",)
            elif roll < full + 2 * half:
                part, halves = "afternoon", ("afternoon",)
            else:
                continue
            bookings.append((next_id, member_id, site_id, desk_id, None, d, end, part, "live",
                             stamp, member_id))
            cells.extend((desk_id, d, h, site_id, member_id, next_id) for h in halves)
            next_id += 1
    return bookings, cells, next_id


def bed_rows(rng, site_id, beds, members, first, last, occupancy, next_id, pg):
    """Stays of 1-14 nights with gaps sized so beds are `occupancy` full on average."""
    bookings, nights = [], []
    for bed_id, member_id in zip(beds, members):
        day = first + timedelta(days=rng.randrange(0, 7))
        while day <= last:
            stay = rng.randint(1, 14)
            check_out = min(day + timedelta(days=stay), last + timedelta(days=1))
            bookings.append((next_id, member_id, site_id, None, bed_id, _day(day, pg),
                             _day(check_out, pg), None, "live", _stamp(day, pg), member_id))
            for n in range((check_out - day).days):
                nights.append((bed_id, _day(day + timedelta(days=n), pg), site_id, member_id,
                               next_id))
            next_id += 1
            gap = rng.expovariate(occupancy / ((1 - occupancy) * 7.5)) if occupancy < 1 else 0
            day = check_out + timedelta(days=round(gap))
    return bookings, nights, next_id


def create_sites(session, centres: int, desks: int, hostels: int, beds: int):
    """Centres and hostels through the capacity service; returns their ids and resources."""
    centre_rows = []
    for n in range(1, centres + 1):
        district = DISTRICTS[n % len(DISTRICTS)]
        site = capacity.create_site(
            session, f"{SLUG_PREFIX}centre-{n:03d}", kind="centre", district=district,
            name=f"WNH {district} {n:03d}", town=district, opening_days="012345",
            host_institution=f"Government Polytechnic {district}")
        made = capacity.add_desks(session, site, desks, zone="A")
        centre_rows.append((site.id, [d.id for d in made]))
    hostel_rows = []
    for n in range(1, hostels + 1):
        park = PARKS[n % len(PARKS)]
        site = capacity.create_site(
            session, f"{SLUG_PREFIX}hostel-{n:02d}", kind="hostel", district=DISTRICTS[n],
            name=f"{park} Hostel {n:02d}", it_park=park)
        bed_ids, r = [], 0
        while len(bed_ids) < beds:
            room_type, designation, size = ROOM_PATTERN[r % len(ROOM_PATTERN)]
            size = min(size, beds - len(bed_ids))
            room = capacity.add_room(session, site, f"R{r + 1:03d}", beds=size,
                                     room_type=room_type, designation=designation)
            bed_ids += [b.id for b in room.beds]
            r += 1
        hostel_rows.append((site.id, bed_ids))
    return centre_rows, hostel_rows


def create_members(session, count: int) -> list[int]:
    """Members who book the scale data (no password: they cannot sign in)."""
    now = datetime.now(timezone.utc)
    session.execute(insert(User), [
        {"email": f"scale-member-{i:05d}@example.org", "name": f"Scale Member {i:05d}",
         "role": "member", "created_at": now, "hostel_eligibility": ("women", "men")[i % 2]}
        for i in range(count)
    ])
    return list(session.scalars(
        select(User.id).where(User.email.like("scale-member-%")).order_by(User.email)))


@click.command("seed-scale")
@click.option("--centres", type=click.IntRange(1, 2000), default=200)
@click.option("--desks", type=click.IntRange(1, 500), default=60)
@click.option("--hostels", type=click.IntRange(0, 100), default=10)
@click.option("--beds", type=click.IntRange(1, 5000), default=300)
@click.option("--days", type=click.IntRange(1, 3660), default=365,
              help="Days of bookings, ending 30 days from today.")
@click.option("--occupancy", type=click.FloatRange(0.05, 0.95), default=0.6)
@click.option("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
@with_appcontext
def seed_scale(centres, desks, hostels, beds, days, occupancy, seed) -> None:
    """Build a state-scale dataset (bookings and cells) in bulk, for benchmarks."""
    started = time.monotonic()
    db = open_database(current_app.config["DATABASE_URL"])
    pg = not db.is_sqlite
    try:
        with db.writer() as session, session.begin():
            if session.scalar(select(Site.id).where(Site.slug.like(f"{SLUG_PREFIX}%")).limit(1)):
                raise click.ClickException("This database already has scale data; use a fresh one.")
            centre_rows, hostel_rows = create_sites(session, centres, desks, hostels, beds)
            members = create_members(session, centres * desks + hostels * beds)
            next_id = session.scalar(text("SELECT COALESCE(MAX(id), 0) + 1 FROM bookings"))
        click.echo(f"Sites, desks, beds and {len(members)} members made"
                   f" in {time.monotonic() - started:.1f}s; loading bookings...")
        totals = _load(db, pg, centre_rows, hostel_rows, members, days, occupancy, seed, next_id)
    finally:
        db.dispose()
    click.echo(f"Loaded {totals[0]:,} bookings, {totals[1]:,} desk cells and {totals[2]:,}"
               f" bed nights in {time.monotonic() - started:.1f}s.")


def _load(db, pg, centre_rows, hostel_rows, members, days, occupancy, seed, next_id):
    rng = random.Random(seed)
    last = today_in_kerala() + timedelta(days=30)
    first = last - timedelta(days=days - 1)
    all_days = [first + timedelta(days=i) for i in range(days)]
    totals = [0, 0, 0]
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        triggers = _suspend_triggers(cursor, pg)
        loader = Loader(connection, pg)
        member_iter = iter(members)
        for site_id, desk_ids in centre_rows:
            open_days = [d for d in all_days if d.weekday() != 6]  # Mon-Sat, as seeded
            site_members = [next(member_iter) for _ in desk_ids]
            bookings, cells, next_id = desk_rows(rng, site_id, desk_ids, site_members,
                                                 open_days, occupancy, next_id, pg)
            loader.rows("bookings", BOOKING_COLUMNS, bookings)
            loader.rows("desk_cells", CELL_COLUMNS, cells)
            totals[0] += len(bookings)
            totals[1] += len(cells)
        for site_id, bed_ids in hostel_rows:
            site_members = [next(member_iter) for _ in bed_ids]
            bookings, nights, next_id = bed_rows(rng, site_id, bed_ids, site_members, first,
                                                 last, occupancy, next_id, pg)
            loader.rows("bookings", BOOKING_COLUMNS, bookings)
            loader.rows("bed_nights", NIGHT_COLUMNS, nights)
            totals[0] += len(bookings)
            totals[2] += len(nights)
        _resume_triggers(cursor, pg, triggers)
        site_ids = [s for s, _ in centre_rows + hostel_rows]
        _bump_revisions(cursor, pg, site_ids)
        connection.commit()
        if pg:
            cursor.execute("SELECT setval(pg_get_serial_sequence('bookings', 'id'),"
                           " (SELECT MAX(id) FROM bookings))")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()
    return totals


def _suspend_triggers(cursor, pg: bool) -> list[str]:
    if pg:
        cursor.execute("SET session_replication_role = replica")
        return []
    cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB of page cache for the load
    cursor.execute("BEGIN IMMEDIATE")
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                   " AND name LIKE '%site_revision'")
    saved = cursor.fetchall()
    for name, _sql in saved:
        cursor.execute(f"DROP TRIGGER {name}")
    return [sql for _name, sql in saved]


def _resume_triggers(cursor, pg: bool, triggers: list[str]) -> None:
    if pg:
        cursor.execute("SET session_replication_role = DEFAULT")
    for sql in triggers:
        cursor.execute(sql)


def _bump_revisions(cursor, pg: bool, site_ids: list[int]) -> None:
    marks = "%s" if pg else "?"
    cursor.executemany(
        f"INSERT INTO site_revisions (site_id, revision) VALUES ({marks}, {marks})"
        f" ON CONFLICT (site_id) DO UPDATE SET revision = site_revisions.revision + {marks}",
        [(s, step, step) for s in site_ids for step in [random.randrange(1, 2**31)]])
