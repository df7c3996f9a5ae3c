"""Ending a booking in progress early: what goes back, what is kept, who may, and races."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import (
    AuditEntry,
    BedNight,
    Booking,
    BookingEvent,
    DayPart,
    DeskCell,
    Site,
    User,
)
from booking.services.bookings.availability import get_bed_availability, get_desk_availability
from booking.services.bookings.book import book_bed, book_desk
from booking.services.bookings.member import cancel_booking
from booking.services.bookings.ending import end_booking_early, end_early_for_member, plan_ending
from booking.services.errors import (
    AlreadyCancelled,
    MemberAlreadyBooked,
    NoLongerAvailable,
    NotFound,
    NothingToEnd,
    NotStartedYet,
)
from booking.services.sites.catalogue import get_site_revision as site_revision
from tests.conftest import NOW, TODAY
from tests.core.test_concurrency import race

# NOW is Tue 1 Dec 2026 09:00; centres open 08:00-20:00 (morning until 13:00),
# hostels check in from 14:00 and out by 11:00.
AT = NOW.replace


def _halves(session, booking) -> list[str]:
    return sorted(session.scalars(select(DeskCell.part).where(DeskCell.booking_id == booking.id)))


def _nights(session, booking) -> list:
    return sorted(session.scalars(select(BedNight.night_on)
                                  .where(BedNight.booking_id == booking.id)))


def _events(session, booking) -> list[BookingEvent]:
    return list(session.scalars(select(BookingEvent).where(BookingEvent.booking_id == booking.id,
                                                           BookingEvent.kind == "ended")))


@pytest.fixture
def centre(make):
    return make.centre(desks=2)


@pytest.fixture
def hostel(make):
    return make.hostel(rooms=(("R1", "dormitory", "anyone", 2),))


@pytest.fixture
def stay(make, hostel):
    """Checked in on Sun 29 Nov for 5 nights (check-out Fri 4 Dec), on bed R1-1."""
    return make.bed_booking(site=hostel, check_in=TODAY - timedelta(days=2), nights=5,
                            bed="R1-1", now=NOW - timedelta(days=3))


# ---------------------------------------------------------------- desks

def test_full_day_desk_ended_in_the_morning_gives_back_the_afternoon_only(make, session, centre):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY, desk="A01")
    before = get_desk_availability(session, centre, TODAY, TODAY, AT(hour=10))[0]
    assert (before.morning.free, before.afternoon.free) == (1, 1)

    end_booking_early(session, booking, member, now=AT(hour=10, minute=30))

    assert _halves(session, booking) == ["morning"]
    assert booking.is_live and booking.part == "morning" and booking.original_part == "full"
    assert booking.ended_early_at == AT(hour=10, minute=30)
    assert (booking.starts_on, booking.ends_on) == (TODAY, TODAY + timedelta(days=1))
    after = get_desk_availability(session, centre, TODAY, TODAY, AT(hour=10, minute=31))[0]
    assert (after.morning.free, after.afternoon.free) == (1, 2)
    [event] = _events(session, booking)
    assert event.actor_id == member.id
    assert event.detail == "The afternoon of 1 Dec 2026 given back by the member"


def test_someone_else_can_book_the_freed_afternoon_but_not_the_kept_morning(make, session,
                                                                          centre):
    member, other = make.member(), make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY, desk="A01")
    later = AT(hour=11)
    with pytest.raises(NoLongerAvailable):
        book_desk(session, other, centre, TODAY, DayPart.AFTERNOON, "A01", now=later)

    end_booking_early(session, booking, member, now=later)

    theirs = book_desk(session, other, centre, TODAY, DayPart.AFTERNOON, "A01", now=later)
    assert theirs.desk_id == booking.desk_id
    with pytest.raises(NoLongerAvailable):
        book_desk(session, make.member(), centre, TODAY, DayPart.MORNING, "A01", now=later)


def test_ending_frees_the_members_own_afternoon_for_a_desk_elsewhere(make, session, centre):
    member, elsewhere = make.member(), make.centre(desks=1)
    booking = make.desk_booking(member=member, site=centre, day=TODAY)
    later = AT(hour=12)
    with pytest.raises(MemberAlreadyBooked):
        book_desk(session, member, elsewhere, TODAY, DayPart.AFTERNOON, now=later)

    end_booking_early(session, booking, member, now=later)

    assert book_desk(session, member, elsewhere, TODAY, DayPart.AFTERNOON, now=later).is_live
    with pytest.raises(MemberAlreadyBooked):
        book_desk(session, member, elsewhere, TODAY, DayPart.MORNING, now=later)


def test_ending_moves_the_site_revision_that_availability_caches_are_keyed_by(make, session,
                                                                              centre):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY)
    revision = site_revision(session, centre.id)
    end_booking_early(session, booking, member, now=AT(hour=10))
    assert site_revision(session, centre.id) != revision


@pytest.mark.parametrize("part, hour, message", [
    (DayPart.FULL, 14, "The afternoon is under way and is the last of this booking"),
    (DayPart.MORNING, 10, "The morning is under way and is the last of this booking"),
    (DayPart.AFTERNOON, 15, "The afternoon is under way"),
    (DayPart.MORNING, 14, "This booking ended at 13:00 on 1 Dec 2026"),
    (DayPart.FULL, 21, "This booking ended at 20:00 on 1 Dec 2026"),
])
def test_a_desk_with_nothing_left_to_give_back_is_refused(make, session, centre, part, hour,
                                                          message):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY, part=part,
                                now=AT(hour=8))
    held = _halves(session, booking)
    with pytest.raises(NothingToEnd, match=message):
        end_booking_early(session, booking, member, now=AT(hour=hour))
    assert _halves(session, booking) == held and booking.part == part.value
    assert booking.ended_early_at is None and _events(session, booking) == []


@pytest.mark.parametrize("part, day, hour", [
    (DayPart.FULL, TODAY + timedelta(days=1), 9),  # tomorrow
    (DayPart.AFTERNOON, TODAY, 12),  # this afternoon, not yet begun
])
def test_a_desk_booking_not_begun_is_cancelled_instead(make, session, centre, part, day, hour):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=day, part=part)
    with pytest.raises(NotStartedYet, match="has not begun: cancel it instead"):
        end_booking_early(session, booking, member, now=AT(hour=hour))
    assert len(_halves(session, booking)) == len(part.cells)


def test_a_cancelled_booking_cannot_be_ended(make, session, centre):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY, now=AT(hour=7))
    cancel_booking(session, booking, member, now=AT(hour=7))
    with pytest.raises(AlreadyCancelled, match="cancelled"):
        end_booking_early(session, booking, member, now=AT(hour=10))
    assert booking.status == "cancelled" and booking.part == "full"


def test_ending_twice_is_refused_the_second_time(make, session, centre):
    member = make.member()
    booking = make.desk_booking(member=member, site=centre, day=TODAY)
    end_booking_early(session, booking, member, now=AT(hour=10))
    with pytest.raises(NothingToEnd):
        end_booking_early(session, booking, member, now=AT(hour=10, minute=1))
    assert len(_events(session, booking)) == 1


# ---------------------------------------------------------------- stays

def test_stay_ended_before_check_out_time_gives_back_tonight_onwards(make, session, hostel,
                                                                     stay):
    member = stay.member
    free = [d.beds.free for d in get_bed_availability(session, hostel, TODAY, TODAY + timedelta(2),
                                                      AT(hour=10))]
    assert free == [1, 1, 1]

    end_booking_early(session, stay, member, now=AT(hour=10, minute=59))

    assert _nights(session, stay) == [TODAY - timedelta(days=2), TODAY - timedelta(days=1)]
    assert stay.ends_on == TODAY and stay.original_ends_on == TODAY + timedelta(days=3)
    assert stay.nights == 2 and stay.part is None and stay.is_live
    free = [d.beds.free for d in get_bed_availability(session, hostel, TODAY, TODAY + timedelta(2),
                                                      AT(hour=11))]
    assert free == [2, 2, 2]
    [event] = _events(session, stay)
    assert event.detail == ("3 nights from 1 Dec 2026 given back by the member;"
                            " check-out now 1 Dec 2026, was 4 Dec 2026")


def test_stay_ended_after_check_out_time_keeps_tonight(make, session, hostel, stay):
    end_booking_early(session, stay, stay.member, now=AT(hour=11))
    assert stay.ends_on == TODAY + timedelta(days=1)
    assert _nights(session, stay)[-1] == TODAY and len(_nights(session, stay)) == 3
    with pytest.raises(NothingToEnd):  # tonight is the last night now
        plan_ending(stay, AT(hour=11))


def test_someone_else_can_book_the_freed_nights_and_so_can_the_member_elsewhere(make, session,
                                                                              hostel, stay):
    other, later = make.member(), AT(hour=9, minute=30)
    elsewhere = make.hostel(rooms=(("S1", "single", "anyone", 1),))
    with pytest.raises(NoLongerAvailable):
        book_bed(session, other, hostel, TODAY, stay.ends_on, "R1-1", now=later)
    with pytest.raises(MemberAlreadyBooked):
        book_bed(session, stay.member, elsewhere, TODAY, TODAY + timedelta(days=1), now=later)

    end_booking_early(session, stay, stay.member, now=later)

    theirs = book_bed(session, other, hostel, TODAY, TODAY + timedelta(days=3), "R1-1", now=later)
    assert theirs.bed_id == stay.bed_id
    assert book_bed(session, stay.member, elsewhere, TODAY, TODAY + timedelta(days=1),
                    now=later).is_live
    with pytest.raises(NoLongerAvailable):  # the kept nights are still held
        book_bed(session, make.member(), hostel, TODAY - timedelta(days=1), TODAY, "R1-1",
                 now=NOW - timedelta(days=1))


def test_a_stay_on_its_last_night_has_nothing_to_give_back(make, session, hostel, stay):
    last_morning = AT(day=stay.ends_on.day, hour=9)
    with pytest.raises(NothingToEnd, match="no nights left to give back"):
        end_booking_early(session, stay, stay.member, now=last_morning)
    with pytest.raises(NothingToEnd, match="ended at check-out, 11:00 on 4 Dec 2026"):
        end_booking_early(session, stay, stay.member, now=AT(day=stay.ends_on.day, hour=11))
    assert len(_nights(session, stay)) == 5


def test_the_first_night_is_always_kept(make, session, hostel):
    member = make.member()
    stay = make.bed_booking(member=member, site=hostel, check_in=TODAY, nights=3)
    with pytest.raises(NotStartedYet, match="starts at 14:00 on 1 Dec 2026"):
        end_booking_early(session, stay, member, now=AT(hour=13))
    end_booking_early(session, stay, member, now=AT(hour=18))
    assert _nights(session, stay) == [TODAY] and stay.ends_on == TODAY + timedelta(days=1)
    one_night = make.bed_booking(site=hostel, check_in=TODAY, nights=1)
    with pytest.raises(NothingToEnd):
        end_booking_early(session, one_night, one_night.member, now=AT(hour=18))


# ---------------------------------------------------------------- who may

def test_another_member_cannot_end_a_booking(make, session, centre):
    booking = make.desk_booking(site=centre, day=TODAY)
    with pytest.raises(NotFound):
        end_booking_early(session, booking, make.member(), now=AT(hour=10))
    assert booking.part == "full"


def test_staff_end_a_members_stay_with_a_reason_and_an_audit_entry(make, session, hostel, stay):
    manager = make.member(role="manager")
    manager.managed_sites.append(hostel)
    other_manager = make.member(role="manager")
    with pytest.raises(NotFound):
        end_early_for_member(session, other_manager, stay, "Left", now=AT(hour=10))

    end_early_for_member(session, manager, stay, "Member left for home", now=AT(hour=10))

    assert stay.ends_on == TODAY
    [event] = _events(session, stay)
    assert event.actor_id == manager.id
    assert event.detail.startswith("3 nights from 1 Dec 2026 given back by staff;")
    assert event.detail.endswith(". Reason: Member left for home")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "booking.end_early"))
    assert entry.actor_id == manager.id and entry.target == f"booking:{stay.id}"
    assert '"ends_on": "2026-12-04"' in entry.before and '"ends_on": "2026-12-01"' in entry.after


# ---------------------------------------------------------------- races

def test_ending_the_same_booking_twice_at_once_ends_it_once(db, session, make):
    centre = make.centre(desks=1)
    member = make.member()
    booking_id = make.desk_booking(member=member, site=centre, day=TODAY).id
    session.commit()

    def attempt(s, _index):
        return end_booking_early(s, s.get(Booking, booking_id), s.get(User, member.id),
                                 now=AT(hour=10)).id

    outcomes = race(db, attempt, racers=4)
    assert sorted(type(o).__name__ for o in outcomes) == ["NothingToEnd"] * 3 + ["int"]
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(BookingEvent)
                        .where(BookingEvent.kind == "ended")) == 1
        assert list(s.scalars(select(DeskCell.part))) == ["morning"]


def test_ending_while_others_race_for_the_freed_afternoon_one_of_them_gets_it(db, session, make):
    centre = make.centre(desks=1)
    member, others = make.member(), [make.member() for _ in range(5)]
    booking_id = make.desk_booking(member=member, site=centre, day=TODAY).id
    session.commit()
    ids = [o.id for o in others]

    def attempt(s, index):
        if index == 0:
            end_booking_early(s, s.get(Booking, booking_id), s.get(User, member.id),
                              now=AT(hour=10))
            return "ended"
        return book_desk(s, s.get(User, ids[index - 1]), s.get(Site, centre.id), TODAY,
                         DayPart.AFTERNOON, now=AT(hour=10)).id

    outcomes = race(db, attempt, racers=6)
    assert outcomes[0] == "ended"
    unexpected = [o for o in outcomes[1:] if not isinstance(o, (int, NoLongerAvailable))]
    assert not unexpected, unexpected
    winners = [o for o in outcomes[1:] if isinstance(o, int)]
    assert len(winners) <= 1  # who wins depends on timing; more than one never
    with db.reader() as s:
        cells = sorted((c.part, c.booking_id) for c in s.scalars(select(DeskCell)))
    assert cells == [("afternoon", w) for w in winners] + [("morning", booking_id)]
