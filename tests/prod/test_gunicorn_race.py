"""The production setup under load: gunicorn workers, real HTTP clients racing for the last places.

PostgreSQL with 4 workers (a fresh database made by the test) and SQLite with
2 workers (WAL, busy timeout): exactly as many bookings succeed as there are
free desk parts and bed nights, every other racer gets a 409 problem+json,
nothing answers 5xx ("database is locked" never reaches anyone), and the
database holds no double booking afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking import migrate
from booking.clock import today_in_kerala
from booking.db import open_database
from booking.models import BedNight, Booking, BookingStatus, DeskCell
from booking.services.accounts.tokens import create_token
from tests.conftest import Factory

from .gunicorn_server import gunicorn, post_booking, race

pytestmark = pytest.mark.slow

DESKS, DESKS_TAKEN = 8, 3  # 5 desks left for the day
BEDS, BEDS_TAKEN = 4, 1  # 3 beds left for the first night
DESK_RACERS = BED_RACERS = 28


@dataclass
class Scene:
    url: str
    centre: str
    hostel: str
    day: object
    desk_tokens: list[str]
    bed_tokens: list[str]


def build_scene(url: str) -> Scene:
    """A centre and a hostel that are nearly full, and members with API tokens to race."""
    migrate.upgrade(url)
    db = open_database(url)
    day = today_in_kerala() + timedelta(days=3)
    try:
        with db.writer() as session:
            make = Factory(session)
            centre = make.centre(desks=DESKS)
            hostel = make.hostel(rooms=(("D1", "dormitory", "anyone", BEDS),))
            for _ in range(DESKS_TAKEN):
                make.desk_booking(make.member(password=None), centre, day, now=None)
            for _ in range(BEDS_TAKEN):
                make.bed_booking(make.member(password=None), hostel, day, nights=3, now=None)

            def tokens(n: int) -> list[str]:
                return [create_token(session, make.member(password=None), "race")[1]
                        for _ in range(n)]

            scene = Scene(url, centre.slug, hostel.slug, day, tokens(DESK_RACERS),
                          tokens(BED_RACERS))
            session.commit()
    finally:
        db.dispose()
    return scene


def race_for_the_last_places(server_url: str, scene: Scene):
    desk = {"site": scene.centre, "date": scene.day.isoformat(), "part": "full"}

    def bed(i: int) -> dict:  # overlapping stays of 1-3 nights all need the first night
        return {"site": scene.hostel, "check_in": scene.day.isoformat(),
                "check_out": (scene.day + timedelta(days=1 + i % 3)).isoformat()}

    calls = [lambda t=t: post_booking(server_url, t, desk) for t in scene.desk_tokens]
    calls += [lambda t=t, i=i: post_booking(server_url, t, bed(i))
              for i, t in enumerate(scene.bed_tokens)]
    outcomes = race(calls)
    return outcomes[:DESK_RACERS], outcomes[DESK_RACERS:]


def assert_exact_winners(outcomes, free: int) -> None:
    statuses = [o.status for o in outcomes]
    assert all(s is not None and s < 500 for s in statuses), [o for o in outcomes if not o.status or o.status >= 500]
    assert statuses.count(201) == free, statuses
    assert statuses.count(409) == len(outcomes) - free, statuses
    for loser in (o for o in outcomes if o.status == 409):
        assert loser.content_type.startswith("application/problem+json")
        assert "locked" not in str(loser.body).lower()


def assert_no_double_booking(url: str, scene: Scene) -> None:
    db = open_database(url)
    try:
        with db.reader() as s:
            live = select(func.count()).select_from(Booking).where(
                Booking.status == BookingStatus.LIVE)
            assert s.scalar(live) == DESKS + BEDS
            cells = s.execute(select(DeskCell.desk_id, DeskCell.part)
                              .where(DeskCell.held_on == scene.day)).all()
            assert len(cells) == len(set(cells)) == DESKS * 2  # every desk, both halves, once
            nights = s.execute(select(BedNight.bed_id, BedNight.night_on)
                               .where(BedNight.night_on == scene.day)).all()
            assert len(nights) == len(set(nights)) == BEDS
    finally:
        db.dispose()


def test_racers_on_postgresql_under_four_gunicorn_workers_get_exact_winners(scratch_pg_url, tmp_path):
    scene = build_scene(scratch_pg_url)
    with gunicorn(scratch_pg_url, tmp_path, workers=4) as server:
        desk_outcomes, bed_outcomes = race_for_the_last_places(server.url, scene)
    assert_exact_winners(desk_outcomes, DESKS - DESKS_TAKEN)
    assert_exact_winners(bed_outcomes, BEDS - BEDS_TAKEN)
    assert_no_double_booking(scratch_pg_url, scene)
    assert "Traceback" not in server.log()


def test_racers_on_sqlite_under_two_gunicorn_workers_never_see_database_is_locked(tmp_path):
    url = f"sqlite:///{tmp_path / 'wnh.sqlite3'}"
    scene = build_scene(url)
    with gunicorn(url, tmp_path, workers=2) as server:
        desk_outcomes, bed_outcomes = race_for_the_last_places(server.url, scene)
    assert_exact_winners(desk_outcomes, DESKS - DESKS_TAKEN)
    assert_exact_winners(bed_outcomes, BEDS - BEDS_TAKEN)
    assert_no_double_booking(url, scene)
    assert "locked" not in server.log().lower()
