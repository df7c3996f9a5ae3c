"""The warden's day at a hostel (issue 17): arrival, departure, moving a resident mid-stay.

Both engines (TEST_DATABASE_URL); the race between two wardens uses real threads.
"""
from __future__ import annotations

import email
import email.policy
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.clock import KOLKATA
from booking.models import (
    AuditEntry, Bed, BedNight, Booking, BookingEvent, BookingMove, OutboxMessage,
)
from booking.services.bookings.book import StayRequest, book_bed
from booking.services.bookings.waitlist import join_waitlist
from booking.services.bookings.stays import book_monthly
from booking.services.bookings.warden import (
    get_hostel_day, mark_arrival, mark_departure, move_resident,
)
from booking.services.errors import (
    AlreadyCheckedIn, InvalidRequest, NoLongerAvailable, NotEligible, NotFound, NothingToEnd,
    RuleViolation,
)
from tests.conftest import NOW
from tests.core.test_concurrency import race

TODAY = NOW.date()  # Tue 1 Dec 2026, 09:00 in Kerala
ROOMS = (("W1", "dormitory", "women", 2), ("M1", "dormitory", "men", 2),
         ("A1", "twin", "anyone", 2))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=KOLKATA)


@pytest.fixture
def hostel(make, session):
    site = make.hostel(rooms=ROOMS, stay_kinds="nightly,monthly")
    warden = make.member(role="manager", name="Lakshmi Warden")
    warden.managed_sites.append(site)
    session.flush()
    return site, warden


def _stay(session, make, site, *, check_in=TODAY, nights=5, bed=None, eligibility="women"):
    """A stay booked beforehand (so a check-in in the past is allowed)."""
    member = make.member(hostel_eligibility=eligibility)
    return book_bed(session, member, site, check_in, check_in + timedelta(days=nights), bed,
                    now=at(check_in - timedelta(days=1), 9))


def _bed(session, site, label) -> Bed:
    return session.scalar(select(Bed).where(Bed.site_id == site.id, Bed.label == label))


def _cells(session, booking) -> list[tuple[date, str]]:
    return [(n, label) for n, label in session.execute(
        select(BedNight.night_on, Bed.label).join(Bed, Bed.id == BedNight.bed_id)
        .where(BedNight.booking_id == booking.id).order_by(BedNight.night_on))]


def _audit(session, action) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# ---------------------------------------------------------------- arrival

def test_arrival_on_the_check_in_day_is_recorded_once_with_time(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, bed="W1-1")
    mark_arrival(session, warden, stay, now=at(TODAY, 15, 5))
    assert stay.checked_in_at.astimezone(KOLKATA) == at(TODAY, 15, 5)
    assert [e.kind for e in stay.events][-1] == "checked_in"
    assert "15:05" in stay.events[-1].detail and stay.events[-1].actor_id == warden.id
    assert len(_audit(session, "booking.arrive")) == 1
    with pytest.raises(AlreadyCheckedIn, match="arrived already, at 15:05"):
        mark_arrival(session, warden, stay, now=at(TODAY, 16))
    assert len(_audit(session, "booking.arrive")) == 1


def test_arrival_before_the_check_in_day_or_after_the_stay_is_refused(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, check_in=TODAY + timedelta(days=2))
    with pytest.raises(RuleViolation, match="starts on 3 Dec 2026"):
        mark_arrival(session, warden, stay, now=NOW)
    assert stay.checked_in_at is None
    with pytest.raises(NothingToEnd, match="ended on"):
        mark_arrival(session, warden, stay, now=at(stay.ends_on, 10))
    # A late arrival (the day after check-in) is fine.
    mark_arrival(session, warden, stay, now=at(stay.starts_on + timedelta(days=1), 20))
    assert stay.is_checked_in


# ---------------------------------------------------------------- departure

def test_departure_needs_an_arrival_and_is_recorded_once(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, check_in=TODAY - timedelta(days=4), nights=4)
    with pytest.raises(RuleViolation, match="has not arrived"):
        mark_departure(session, warden, stay, now=at(TODAY, 10))
    mark_arrival(session, warden, stay, now=at(stay.starts_on, 14))
    # Leaving on the check-out day gives nothing back.
    mark_departure(session, warden, stay, now=at(TODAY, 10, 30))
    assert stay.departed_at.astimezone(KOLKATA) == at(TODAY, 10, 30)
    assert stay.ends_on == TODAY and stay.original_ends_on is None
    assert stay.events[-1].kind == "departed"
    with pytest.raises(AlreadyCheckedIn, match="left already"):
        mark_departure(session, warden, stay, now=at(TODAY, 11))
    [entry] = _audit(session, "booking.depart")
    assert '"nights_freed": 0' in entry.after


def test_an_early_departure_frees_the_remaining_nights(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, check_in=TODAY - timedelta(days=2), nights=6, bed="A1-1")
    mark_arrival(session, warden, stay, now=at(stay.starts_on, 14))
    mark_departure(session, warden, stay, now=at(TODAY, 9, 30))  # before check-out time
    assert stay.ends_on == TODAY and stay.original_ends_on == TODAY + timedelta(days=4)
    assert [n for n, _ in _cells(session, stay)] == [TODAY - timedelta(days=2),
                                                     TODAY - timedelta(days=1)]
    assert [e.kind for e in stay.events][-2:] == ["ended", "departed"]
    assert "4 nights given back" in stay.events[-1].detail
    # The bed is free again tonight: someone else can book it.
    other = make.member()
    assert book_bed(session, other, site, TODAY, TODAY + timedelta(days=2), "A1-1",
                    now=NOW).is_live


def test_a_monthly_stay_departs_early_through_the_same_path(session, make, hostel):
    site, warden = hostel
    member = make.resident(hostel_eligibility="men")
    stay = book_monthly(session, member, site, TODAY - timedelta(days=10), 2,
                        now=at(TODAY - timedelta(days=11), 9))
    mark_arrival(session, warden, stay, now=at(stay.starts_on, 18))
    mark_departure(session, warden, stay, now=at(TODAY, 12))  # after check-out: tonight kept
    assert stay.ends_on == TODAY + timedelta(days=1) and stay.has_departed


# ---------------------------------------------------------------- moving

def test_a_move_takes_the_later_nights_to_the_new_bed_and_keeps_history(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, check_in=TODAY - timedelta(days=2), nights=5, bed="W1-1")
    target = _bed(session, site, "A1-2")
    move_resident(session, warden, stay, target, TODAY + timedelta(days=1),
                  reason="Leaking tap in W1", now=NOW)
    assert stay.bed_id == target.id
    assert _cells(session, stay) == [
        (TODAY - timedelta(days=2), "W1-1"), (TODAY - timedelta(days=1), "W1-1"),
        (TODAY, "W1-1"), (TODAY + timedelta(days=1), "A1-2"), (TODAY + timedelta(days=2), "A1-2")]
    [move] = session.scalars(select(BookingMove).where(BookingMove.booking_id == stay.id)).all()
    assert (move.from_bed.label, move.to_bed.label, move.from_on, move.moved_by_id) == (
        "W1-1", "A1-2", TODAY + timedelta(days=1), warden.id)
    assert stay.events[-1].kind == "moved" and "Leaking tap" in stay.events[-1].detail
    [entry] = _audit(session, "booking.move")
    assert '"bed": "A1-2"' in entry.after
    mail = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "booking_moved")).all()
    assert len(mail) == 1
    text = email.message_from_bytes(mail[0].message, policy=email.policy.default)
    assert "2 Dec 2026" in text.get_body(("plain",)).get_content()


def test_a_move_that_frees_a_bed_someone_waits_for_fills_their_entry(session, make):
    site = make.hostel(rooms=(("W1", "dormitory", "women", 2), ("A1", "single", "anyone", 1)))
    warden = make.member(role="manager")
    warden.managed_sites.append(site)
    _stay(session, make, site, bed="W1-1")
    resident = _stay(session, make, site, bed="A1-1")  # a woman in the only bed for anyone
    waiting = make.member(hostel_eligibility="men")
    entry = join_waitlist(session, waiting, StayRequest(site, TODAY, TODAY + timedelta(days=3)),
                          NOW)
    assert entry.status == "waiting"
    move_resident(session, warden, resident, _bed(session, site, "W1-2"), TODAY, now=NOW)
    session.refresh(entry)
    assert entry.status == "filled"
    filled = session.get(Booking, entry.booking_id)
    assert filled.bed.label == "A1-1" and filled.member_id == waiting.id


def test_a_move_into_a_taken_bed_names_the_first_clash_and_changes_nothing(
        session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, nights=6, bed="A1-1")
    _stay(session, make, site, check_in=TODAY + timedelta(days=3), nights=2, bed="A1-2")
    with pytest.raises(NoLongerAvailable, match="taken on the night of 4 Dec 2026") as refused:
        move_resident(session, warden, stay, _bed(session, site, "A1-2"), TODAY, now=NOW)
    assert refused.value.field == "bed"
    assert {label for _, label in _cells(session, stay)} == {"A1-1"}
    assert session.scalars(select(BookingMove)).all() == []
    # From after the clash it fits.
    move_resident(session, warden, stay, _bed(session, site, "A1-2"), TODAY + timedelta(days=5),
                  now=NOW)


@pytest.mark.parametrize("eligibility, room_label, ok", [
    ("women", "M1-1", False), ("men", "W1-1", False), (None, "W1-1", False),
    ("women", "W1-2", True), (None, "A1-2", True)])
def test_a_move_respects_the_rooms_designation(session, make, hostel, eligibility, room_label,
                                                ok):
    site, warden = hostel
    stay = _stay(session, make, site, bed="A1-1" if eligibility is None or eligibility == "men"
                 else "W1-1", eligibility=eligibility)
    if stay.bed.label == room_label:
        stay = _stay(session, make, site, bed="A1-1", eligibility=eligibility)
    target = _bed(session, site, room_label)
    if ok:
        move_resident(session, warden, stay, target, TODAY, now=NOW)
        assert stay.bed_id == target.id
    else:
        with pytest.raises(NotEligible, match=f"Room {target.room.name} is for"):
            move_resident(session, warden, stay, target, TODAY, now=NOW)


def test_a_move_outside_the_stay_or_to_the_same_bed_is_refused(session, make, hostel):
    site, warden = hostel
    stay = _stay(session, make, site, check_in=TODAY - timedelta(days=1), nights=4, bed="W1-1")
    target = _bed(session, site, "W1-2")
    for night in (TODAY - timedelta(days=1), stay.ends_on, stay.ends_on + timedelta(days=3)):
        with pytest.raises(InvalidRequest, match="Choose a first night") as refused:
            move_resident(session, warden, stay, target, night, now=NOW)
        assert refused.value.field == "first_night"
    with pytest.raises(RuleViolation, match="in bed W1-1 already"):
        move_resident(session, warden, stay, stay.bed, TODAY, now=NOW)
    assert session.scalars(select(BookingMove)).all() == []


def test_a_warden_of_another_hostel_cannot_touch_the_stay(session, make, hostel):
    site, _warden = hostel
    other_site = make.hostel()
    stranger = make.member(role="manager")
    stranger.managed_sites.append(other_site)
    stay = _stay(session, make, site)
    for act in (lambda: mark_arrival(session, stranger, stay, now=NOW),
                lambda: mark_departure(session, stranger, stay, now=NOW),
                lambda: move_resident(session, stranger, stay, _bed(session, site, "A1-1"),
                                      TODAY, now=NOW)):
        with pytest.raises(NotFound):
            act()


def test_two_wardens_moving_residents_into_the_same_bed_at_once_one_wins(db, session, make):
    site = make.hostel(rooms=ROOMS)
    wardens = []
    for _ in range(2):
        w = make.member(role="manager")
        w.managed_sites.append(site)
        wardens.append(w)
    stays = [_stay(session, make, site, bed=bed, eligibility="women") for bed in ("W1-1", "W1-2")]
    session.commit()
    stay_ids, warden_ids = [s.id for s in stays], [w.id for w in wardens]
    target_id = _bed(session, site, "A1-1").id
    session.commit()

    def attempt(s, i):
        from booking.models import User
        booking = s.get(Booking, stay_ids[i])
        move_resident(s, s.get(User, warden_ids[i]), booking, s.get(Bed, target_id), TODAY,
                      now=NOW)
        return booking.id

    outcomes = race(db, attempt, racers=2)
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, NoLongerAvailable)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "Bed A1-1" in losers[0].message and losers[0].field == "bed"
    with db.reader() as s:
        moved = s.get(Booking, winners[0])
        stayed = s.get(Booking, next(i for i in stay_ids if i != winners[0]))
        assert moved.bed.label == "A1-1" and stayed.bed.label in ("W1-1", "W1-2")
        holders = set(s.scalars(select(BedNight.booking_id).where(BedNight.bed_id == target_id)))
        assert holders == {moved.id}
        assert len(s.scalars(select(BookingMove)).all()) == 1


# ---------------------------------------------------------------- the day page

def test_the_day_shows_arrivals_departures_in_house_and_free_beds(session, make, hostel):
    site, _warden = hostel
    arriving = _stay(session, make, site, bed="W1-1")
    leaving = _stay(session, make, site, check_in=TODAY - timedelta(days=3), nights=3,
                    bed="W1-2")
    member = make.resident(hostel_eligibility="men")
    monthly = book_monthly(session, member, site, TODAY - timedelta(days=5), 1,
                           now=at(TODAY - timedelta(days=6), 9))
    day = get_hostel_day(session, site, TODAY)
    assert day.arrivals == [arriving] and day.departures == [leaving]
    assert day.in_house == [monthly]
    assert day.beds == 6 and day.free_beds == 4
    w1 = next(r for r in day.rooms if r.room.name == "W1")
    assert [(b.bed.label, b.booking) for b in w1.beds] == [("W1-1", arriving), ("W1-2", None)]
