"""The availability cache always equals the live bookings (hypothesis state machine).

Any sequence of bookings, cancellations, failed (rolled back) requests,
capacity changes, closures and the clock moving across the boundaries that
availability depends on, with one cache shared by every step *and*
every example (so the tables are wiped and ids reused under it, as after a
restored backup): the cached answer must equal the one computed straight
from the cells, and the cells held on desks in service must be what it counts.
"""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, or_, select

from booking.models import Booking, DayPart, Desk, DeskCell, Site
from booking.services.sites import capacity
from booking.services.bookings.book import book_bed, book_desk
from booking.services.bookings.member import cancel_booking
from booking.services.errors import BookingError
from booking.services.sites.catalogue import (
    AvailabilityCache,
    get_site_availability,
    get_uncached_availability,
)

from ..conftest import NOW, Factory, wipe

DAYS = [NOW.date() + timedelta(days=i) for i in range(1, 9)]
RANGES = [(DAYS[0], DAYS[-1]), (DAYS[2], DAYS[4]), (DAYS[5], DAYS[5])]
# Instants either side of the clock boundaries availability depends on: the
# morning ends at 13:00, the afternoon at closing time (20:00), days at midnight.
CLOCK = [NOW.replace(hour=h, minute=m, second=sec) + timedelta(days=d)
         for d, h, m, sec in ((0, 9, 0, 0), (0, 12, 59, 59), (0, 13, 0, 0), (0, 19, 59, 59),
                              (0, 20, 0, 0), (1, 0, 0, 0), (1, 12, 0, 0), (3, 23, 59, 59))]
RANGES += [(DAYS[0] - timedelta(days=1), DAYS[1])]  # from "today"
day_index = st.integers(0, len(DAYS) - 1)


def make_machine(db, cache: AvailabilityCache):
    class CacheMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            wipe(db)
            self.session = db.writer()
            make = Factory(self.session)
            self.centre = make.centre(desks=3, slug="centre")
            self.hostel = make.hostel(slug="hostel", rooms=(("R1", "dormitory", "anyone", 2),
                                                            ("R2", "twin", "women", 2)))
            self.members = [make.member(hostel_eligibility="women") for _ in range(4)]
            self.session.commit()
            self.now = NOW

        def teardown(self):
            self.session.rollback()
            self.session.close()

        def _commit_or_rollback(self, action):
            try:
                action()
                self.session.commit()
            except BookingError:
                self.session.rollback()

        @rule(who=st.integers(0, 3), d=day_index, part=st.sampled_from(list(DayPart)))
        def book_a_desk(self, who, d, part):
            self._commit_or_rollback(lambda: book_desk(
                self.session, self.members[who], self.centre, DAYS[d], part, now=NOW))

        @rule(who=st.integers(0, 3), d=day_index, nights=st.integers(1, 3))
        def book_a_bed(self, who, d, nights):
            self._commit_or_rollback(lambda: book_bed(
                self.session, self.members[who], self.hostel, DAYS[d],
                DAYS[d] + timedelta(days=nights), now=NOW))

        @rule(who=st.integers(0, 3), d=day_index)
        def book_then_fail(self, who, d):
            """A request that wrote and then rolled back (its revision bump too)."""
            try:
                book_desk(self.session, self.members[who], self.centre, DAYS[d], DayPart.FULL,
                          now=NOW)
            except BookingError:
                pass
            self.session.rollback()

        @rule(pick=st.integers(0, 1000))
        def cancel_one(self, pick):
            live = self.session.scalars(
                select(Booking).where(Booking.status == "live").order_by(Booking.id)).all()
            if live:
                booking = live[pick % len(live)]
                self._commit_or_rollback(lambda: cancel_booking(
                    self.session, booking, booking.member, now=NOW))

        @rule(index=st.integers(0, 10), d=day_index)
        def retire_a_desk(self, index, d):
            desks = [x for x in self.centre.desks if x.retired_on is None]
            if desks:
                desk = desks[index % len(desks)]
                self._commit_or_rollback(
                    lambda: capacity.retire_desk(self.session, desk, DAYS[d], None))

        @rule()
        def add_a_desk(self):
            self._commit_or_rollback(lambda: capacity.add_desks(self.session, self.centre, 1))

        @rule(d=day_index, length=st.integers(0, 2), hostel=st.booleans())
        def close_for_a_while(self, d, length, hostel):
            site = self.hostel if hostel else self.centre
            self._commit_or_rollback(lambda: capacity.add_closure(
                self.session, site, DAYS[d], DAYS[d] + timedelta(days=length), reason="Onam"))

        @rule(instant=st.sampled_from(CLOCK))
        def time_passes(self, instant):
            self.now = instant

        @invariant()
        def cached_availability_equals_the_live_cells(self):
            with db.reader() as reader:
                for slug in ("centre", "hostel"):
                    site = reader.scalar(select(Site).where(Site.slug == slug))
                    for first, last in RANGES:
                        cached = get_site_availability(reader, slug, first, last, self.now,
                                                       cache)
                        assert cached.days == get_uncached_availability(
                            reader, site, first, last, self.now)
                        if slug == "centre":
                            self._check_counts(reader, cached.days)

        def _check_counts(self, reader, days):
            for day in days:
                held = reader.scalar(
                    select(func.count()).select_from(DeskCell)
                    .join(Desk, Desk.id == DeskCell.desk_id)
                    .where(DeskCell.held_on == day.day, DeskCell.part == "morning",
                           DeskCell.site_id == self.centre.id,
                           or_(Desk.retired_on.is_(None), Desk.retired_on > day.day)))
                assert day.taken_morning == held

    return CacheMachine


def test_cached_availability_always_equals_live_bookings(db):
    cache = AvailabilityCache()
    machine = make_machine(db, cache)
    machine.TestCase.settings = settings(
        max_examples=20, stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    machine.TestCase().runTest()
    assert cache.hits > 0  # the cache was actually exercised, not bypassed


def test_a_booking_moves_the_revision_so_the_old_entry_is_never_served(session, make):
    site = make.centre(desks=1, slug="solo")
    session.commit()
    cache = AvailabilityCache()
    day = DAYS[0]
    before = get_site_availability(session, "solo", day, day, NOW, cache)
    book_desk(session, make.member(), site, day, DayPart.MORNING, now=NOW)
    after = get_site_availability(session, "solo", day, day, NOW, cache)
    assert after.revision != before.revision
    assert (before.days[0].morning.free, after.days[0].morning.free) == (1, 0)
