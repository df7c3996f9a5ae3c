"""Waitlist fills under races, with real threads on both engines.

Two cancellations at once fill two entries, each once; a cancellation racing
new bookings gives the freed place to the first in line and to nobody else;
joins racing a cancellation never leave someone waiting while a desk is free.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.clock import now_in_kerala
from booking.models import Booking, DayPart, DeskCell, Site, User, WaitlistEntry
from booking.services.bookings.book import DeskRequest, book_desk, get_free_desks
from booking.services.bookings.member import cancel_booking
from booking.services.bookings.waitlist import join_waitlist
from booking.services.errors import NoLongerAvailable, PlaceIsFree
from tests.core.test_concurrency import race

DAY = now_in_kerala().date() + timedelta(days=3)


def _full_centre(session, make, desks: int, waiting: int):
    site = make.centre(desks=desks)
    holders = [make.member() for _ in range(desks)]
    bookings = [make.desk_booking(h, site, DAY, now=now_in_kerala()) for h in holders]
    entries = [join_waitlist(session, make.member(), DeskRequest(site, DAY, DayPart.FULL),
                             now_in_kerala() + timedelta(seconds=i)) for i in range(waiting)]
    session.commit()
    return site.id, [b.id for b in bookings], [e.id for e in entries]


def test_two_cancellations_at_once_fill_two_entries_each_once(db, session, make):
    _site_id, booking_ids, entry_ids = _full_centre(session, make, desks=2, waiting=3)

    def attempt(s, i):
        booking = s.get(Booking, booking_ids[i])
        return cancel_booking(s, booking, booking.member).id

    outcomes = race(db, attempt, racers=2)
    assert sorted(outcomes) == sorted(booking_ids), outcomes
    with db.reader() as s:
        entries = [s.get(WaitlistEntry, i) for i in entry_ids]
        assert [e.status for e in entries] == ["filled", "filled", "waiting"]
        filled = [s.get(Booking, e.booking_id) for e in entries[:2]]
        assert len({b.id for b in filled}) == 2
        assert [b.member_id for b in filled] == [e.member_id for e in entries[:2]]
        assert all(b.is_live and b.source == "waitlist" for b in filled)
        assert s.scalar(select(func.count()).select_from(DeskCell)) == 4
        assert s.scalar(select(func.count()).select_from(Booking).where(
            Booking.status == "live")) == 2


def test_a_cancellation_racing_new_bookings_gives_the_place_to_the_first_in_line(
        db, session, make):
    site_id, (booking_id,), (entry_id,) = _full_centre(session, make, desks=1, waiting=1)
    racers = [make.member().id for _ in range(7)]
    session.commit()

    def attempt(s, i):
        if i == 0:
            booking = s.get(Booking, booking_id)
            return cancel_booking(s, booking, booking.member).id
        return book_desk(s, s.get(User, racers[i - 1]), s.get(Site, site_id), DAY,
                         DayPart.MORNING).id

    outcomes = race(db, attempt, racers=8)
    assert outcomes[0] == booking_id
    assert all(isinstance(o, NoLongerAvailable) for o in outcomes[1:]), outcomes
    with db.reader() as s:
        entry = s.get(WaitlistEntry, entry_id)
        assert entry.status == "filled"
        live = s.scalars(select(Booking).where(Booking.status == "live")).all()
        assert [b.id for b in live] == [entry.booking_id]
        cells = s.execute(select(DeskCell.desk_id, DeskCell.part)).all()
        assert len(cells) == len(set(cells)) == 2


def test_joins_racing_a_cancellation_never_wait_while_a_desk_is_free(db, session, make):
    site_id, (booking_id,), _ = _full_centre(session, make, desks=1, waiting=0)
    joiners = [make.member().id for _ in range(7)]
    session.commit()

    def attempt(s, i):
        if i == 0:
            booking = s.get(Booking, booking_id)
            return cancel_booking(s, booking, booking.member).id
        entry = join_waitlist(s, s.get(User, joiners[i - 1]),
                              DeskRequest(s.get(Site, site_id), DAY, DayPart.FULL))
        return entry.id

    outcomes = race(db, attempt, racers=8)
    assert outcomes[0] == booking_id
    assert all(isinstance(o, (int, PlaceIsFree)) for o in outcomes[1:]), outcomes
    with db.reader() as s:
        site = s.get(Site, site_id)
        waiting = s.scalar(select(func.count()).select_from(WaitlistEntry).where(
            WaitlistEntry.status == "waiting"))
        free = get_free_desks(s, site, DAY, DayPart.FULL)
        assert not (free and waiting), (free, waiting)
        joined = sum(isinstance(o, int) for o in outcomes[1:])
        # Whoever joined before the cancellation committed: the first got the desk.
        assert waiting == max(joined - 1, 0)
        assert len(free) == (0 if joined else 1)
