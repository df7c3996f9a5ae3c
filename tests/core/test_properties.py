"""Property: after any sequence of book/cancel/retire/close/join/leave, availability is the truth.

Hypothesis drives random operations on a small centre and hostel; after every
step, reported free = capacity in service - live bookings on it (zero where
closed), the cells tables hold exactly the live bookings' cells, none twice,
and nobody waits while a place they fit is free (no waiting entry could be
booked right now).
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from booking.models import BedNight, Booking, BookingStatus, DayPart, DeskCell, WaitlistEntry
from booking.services.sites import capacity
from booking.services.bookings.availability import get_bed_availability, get_desk_availability
from booking.services.bookings.book import DeskRequest, StayRequest, book, book_bed, book_desk
from booking.services.bookings.member import cancel_booking
from booking.services.bookings.waitlist import join_waitlist, leave_waitlist
from booking.services.errors import BookingError
from tests.conftest import NOW, Factory, wipe

DAYS = [NOW.date() + timedelta(days=i) for i in range(1, 6)]
PARTS = list(DayPart)


ELIGIBILITY = ("women", "men", None, "women", None)


def build_machine(db, *, desks: int = 3, beds: int = 2, members: int = 3, days=tuple(DAYS),
                  capacity_changes: bool = True):
    """The machine over a centre of ``desks`` and a hostel of two rooms of ``beds``.

    Without ``capacity_changes`` nothing is retired or closed, so scarce
    places keep being booked, waited for, cancelled and filled.
    """
    changes_capacity = precondition(lambda _machine: capacity_changes)
    dates, member = list(days), st.integers(0, members - 1)

    class BookingMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            wipe(db)
            self.session = db.writer()
            make = Factory(self.session)
            self.centre = make.centre(desks=desks)
            self.hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", beds),
                                             ("R2", "twin", "women", beds)))
            self.members = [make.member(hostel_eligibility=e) for e in ELIGIBILITY[:members]]
            self.session.commit()

        def teardown(self):
            self.session.rollback()
            self.session.close()

        def _attempt(self, action):
            try:
                action()
                self.session.commit()
            except BookingError:
                self.session.rollback()

        @rule(m=member, d=st.sampled_from(dates), part=st.sampled_from(PARTS),
              desk=st.sampled_from([None, "A01", "A02", "A03"]))
        def book_a_desk(self, m, d, part, desk):
            self._attempt(lambda: book_desk(self.session, self.members[m], self.centre, d, part,
                                            desk, now=NOW))

        @rule(m=member, d=st.sampled_from(dates), nights=st.integers(1, 3),
              bed=st.sampled_from([None, "R1-1", "R2-2"]))
        def book_a_bed(self, m, d, nights, bed):
            self._attempt(lambda: book_bed(self.session, self.members[m], self.hostel, d,
                                           d + timedelta(days=nights), bed, now=NOW))

        @rule(pick=st.integers(0, 1000))
        def cancel_one(self, pick):
            live = self.session.scalars(select(Booking).where(
                Booking.status == BookingStatus.LIVE).order_by(Booking.id)).all()
            if live:
                booking = live[pick % len(live)]
                self._attempt(lambda: cancel_booking(self.session, booking, booking.member,
                                                     now=NOW))

        @changes_capacity
        @rule(index=st.integers(0, 2), d=st.sampled_from(dates))
        def retire_a_desk(self, index, d):
            desk = self.centre.desks[index % len(self.centre.desks)]
            if desk.retired_on is None:
                self._attempt(lambda: capacity.retire_desk(self.session, desk, d, None))

        @changes_capacity
        @rule(index=st.integers(0, 3), d=st.sampled_from(dates))
        def retire_a_bed(self, index, d):
            beds = [b for r in self.hostel.rooms for b in r.beds]
            bed = beds[index % len(beds)]
            if bed.retired_on is None:
                self._attempt(lambda: capacity.retire_bed(self.session, bed, d, None))

        @changes_capacity
        @rule(d=st.sampled_from(dates), length=st.integers(0, 1), hostel=st.booleans())
        def close_for_a_while(self, d, length, hostel):
            site = self.hostel if hostel else self.centre
            self._attempt(lambda: capacity.add_closure(
                self.session, site, d, d + timedelta(days=length), reason="maintenance"))

        @rule(m=member, d=st.sampled_from(dates), part=st.sampled_from(PARTS))
        def join_for_a_desk(self, m, d, part):
            self._attempt(lambda: join_waitlist(self.session, self.members[m],
                                                DeskRequest(self.centre, d, part), NOW))

        @rule(m=member, d=st.sampled_from(dates), nights=st.integers(1, 3))
        def join_for_a_bed(self, m, d, nights):
            self._attempt(lambda: join_waitlist(
                self.session, self.members[m],
                StayRequest(self.hostel, d, d + timedelta(days=nights)), NOW))

        @rule(pick=st.integers(0, 1000))
        def leave_one(self, pick):
            waiting = self.session.scalars(select(WaitlistEntry).where(
                WaitlistEntry.status == "waiting").order_by(WaitlistEntry.id)).all()
            if waiting:
                entry = waiting[pick % len(waiting)]
                self._attempt(lambda: leave_waitlist(self.session, entry.member, entry, now=NOW))

        @invariant()
        def nobody_waits_while_a_place_they_fit_is_free(self):
            waiting = self.session.scalars(select(WaitlistEntry).where(
                WaitlistEntry.status == "waiting")).all()
            for entry in waiting:
                site = self.centre if entry.is_desk else self.hostel
                request = (DeskRequest(site, entry.starts_on, DayPart(entry.part))
                           if entry.is_desk else StayRequest(site, entry.starts_on, entry.ends_on))
                savepoint = self.session.begin_nested()
                try:
                    book(self.session, entry.member, request, now=NOW)
                    fits = True
                except BookingError:
                    fits = False
                finally:
                    savepoint.rollback()
                assert not fits, f"{entry!r} waits while a place it fits is free"

        @invariant()
        def desk_availability_is_capacity_minus_live_bookings(self):
            days = get_desk_availability(self.session, self.centre, dates[0], dates[-1], NOW)
            cells = self.session.execute(
                select(DeskCell.held_on, DeskCell.part, DeskCell.desk_id)).all()
            for day in days:
                active = [d for d in self.centre.desks if d.is_active_on(day.day)]
                for part, count in (("morning", day.morning), ("afternoon", day.afternoon)):
                    held = sum(1 for c in cells if c.held_on == day.day and c.part == part
                               and any(d.id == c.desk_id for d in active))
                    assert count.total == len(active)
                    assert count.free == (len(active) - held if day.is_open else 0)

        @invariant()
        def bed_availability_is_capacity_minus_live_bookings(self):
            days = get_bed_availability(self.session, self.hostel, dates[0], dates[-1], NOW)
            nights = self.session.execute(select(BedNight.night_on, BedNight.bed_id)).all()
            beds = [b for r in self.hostel.rooms for b in r.beds]
            for day in days:
                active = {b.id for b in beds if b.is_active_on(day.day)}
                held = sum(1 for n in nights if n.night_on == day.day and n.bed_id in active)
                assert day.beds.total == len(active)
                assert day.beds.free == (len(active) - held if day.is_open else 0)

        @invariant()
        def cells_are_exactly_the_live_bookings(self):
            expected, actual = Counter(), Counter()
            for b in self.session.scalars(select(Booking).where(Booking.status == "live")):
                if b.desk_id:
                    for half in DayPart(b.part).cells:
                        expected[("desk", b.desk_id, b.starts_on, half, b.member_id)] += 1
                else:
                    for i in range(b.nights):
                        expected[("bed", b.bed_id, b.starts_on + timedelta(days=i), "", b.member_id)] += 1
            for c in self.session.scalars(select(DeskCell)):
                actual[("desk", c.desk_id, c.held_on, c.part, c.member_id)] += 1
            for n in self.session.scalars(select(BedNight)):
                actual[("bed", n.bed_id, n.night_on, "", n.member_id)] += 1
            assert actual == expected
            assert max(actual.values(), default=1) == 1

    return BookingMachine


def test_availability_always_equals_capacity_minus_live_bookings(db):
    machine = build_machine(db)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck),
    ))
    wipe(db)


def test_nobody_waits_while_a_place_they_fit_is_free(db):
    """Scarce places (one desk, one bed per room, five members, two days): waitlists fill."""
    machine = build_machine(db, desks=1, beds=1, members=5, days=DAYS[:2],
                            capacity_changes=False)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=30, stateful_step_count=40, deadline=None,
        suppress_health_check=list(HealthCheck),
    ))
    wipe(db)
