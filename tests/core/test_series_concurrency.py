"""A weekly series racing single bookings of the same desks: each cell held once.

Real threads, each with its own connection and transaction, on both engines;
the cells' keys decide, and every loser gets a refusal, never an error.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from booking.clock import now_in_kerala
from booking.models import Booking, BookingStatus, DayPart, DeskCell, Site, User
from booking.services.bookings.book import book_desk
from booking.services.bookings.series import SeriesRefused, book_series, get_occurrence_days
from booking.services.errors import NoLongerAvailable

from .test_concurrency import race


def test_series_racing_single_bookings_hold_each_desk_cell_once(db, session, make):
    centre = make.centre(desks=1)
    series_members = [make.member() for _ in range(2)]
    single_members = [make.member() for _ in range(10)]
    session.commit()
    centre_id = centre.id
    today = now_in_kerala().date()
    first, until = today + timedelta(days=1), today + timedelta(days=21)
    days = get_occurrence_days("13", first, until)  # Tuesdays and Thursdays, 3 weeks
    racers = [("series", m.id, None) for m in series_members] + [
        ("single", m.id, days[i % len(days)]) for i, m in enumerate(single_members)]

    def attempt(s, i):
        kind, member_id, day = racers[i]
        site, member = s.get(Site, centre_id), s.get(User, member_id)
        if kind == "series":
            result = book_series(s, member, site, DayPart.FULL, "13", first, until)
            assert all(r.code == "full" for r in result.refused), result.refused
            return ("series", [b.starts_on for b in result.booked], len(result.refused))
        return ("single", [book_desk(s, member, site, day, DayPart.FULL).starts_on], 0)

    outcomes = race(db, attempt, racers=len(racers))
    unexpected = [o for o in outcomes
                  if not isinstance(o, (tuple, NoLongerAvailable, SeriesRefused))]
    assert not unexpected, unexpected
    for outcome in outcomes:
        if isinstance(outcome, tuple) and outcome[0] == "series":
            assert len(outcome[1]) + outcome[2] == len(days)  # every date answered
    won = Counter(day for o in outcomes if isinstance(o, tuple) for day in o[1])
    with db.reader() as s:
        live = s.scalars(select(Booking).where(Booking.status == BookingStatus.LIVE)).all()
        cells = s.scalars(select(DeskCell)).all()
    # One desk: each day is held by exactly one live booking, and it is the one that won.
    assert Counter(b.starts_on for b in live) == Counter({d: 1 for d in days})
    assert won == Counter({d: 1 for d in days})
    assert len(cells) == 2 * len(days)
    assert len({(c.desk_id, c.held_on, c.part) for c in cells}) == len(cells)


def test_a_member_racing_their_own_series_holds_each_day_once(db, session, make):
    centre = make.centre(desks=3)
    member = make.member()
    session.commit()
    centre_id, member_id = centre.id, member.id
    today = now_in_kerala().date()
    first, until = today + timedelta(days=1), today + timedelta(days=14)
    days = get_occurrence_days("024", first, until)

    def attempt(s, i):
        site, me = s.get(Site, centre_id), s.get(User, member_id)
        if i < 2:
            return len(book_series(s, me, site, DayPart.FULL, "024", first, until).booked)
        return book_desk(s, me, site, days[i % len(days)], DayPart.MORNING).id

    outcomes = race(db, attempt, racers=8)
    assert not [o for o in outcomes if isinstance(o, Exception)
                and not hasattr(o, "http_status")], outcomes
    with db.reader() as s:
        cells = s.scalars(select(DeskCell).where(DeskCell.member_id == member_id)).all()
    per_half = Counter((c.held_on, c.part) for c in cells)
    assert per_half and max(per_half.values()) == 1
