"""Monthly stays (issue 17): booked by the month on the same bed-night cells, extended, ended by notice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking.models import BedNight, Booking, BookingMove, OutboxMessage, Site, User, WaitlistEntry
from booking.services.bookings.book import book_bed
from booking.services.bookings.stays import (
    add_months, book_monthly, can_extend, can_give_notice, extend_stay, give_notice,
)
from booking.services.bookings.waitlist import join_waitlist
from booking.services.bookings.book import StayRequest
from booking.services.errors import (
    BedTakenForExtension, BookingError, InPast, InvalidRequest, MemberAlreadyBooked,
    NoLongerAvailable, RuleViolation, StayTooLong,
)
from tests.conftest import NOW
from tests.core.test_concurrency import race

TODAY = NOW.date()
CHECK_IN = TODAY + timedelta(days=5)  # 6 Dec 2026


def _monthly(make, beds=2, **rules):
    values = {"stay_kinds": "nightly,monthly", "min_months": 1, "notice_days": 30,
              "longest_stay_months": 12, **rules}
    return make.hostel(rooms=(("R1", "dormitory", "anyone", beds),), **values)


def _nights(session, booking) -> list[date]:
    return list(session.scalars(select(BedNight.night_on).where(BedNight.booking_id == booking.id)
                                .order_by(BedNight.night_on)))


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 12, 6), 1, date(2027, 1, 6)), (date(2026, 12, 6), 14, date(2028, 2, 6)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29))])
def test_months_are_counted_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_a_monthly_stay_holds_a_bed_night_for_every_night_of_its_months(make, session):
    site, member = _monthly(make), make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 3, now=NOW)
    assert (booking.stay_kind, booking.months, booking.starts_on, booking.ends_on) == (
        "monthly", 3, CHECK_IN, date(2027, 3, 6))
    nights = _nights(session, booking)
    assert len(nights) == (date(2027, 3, 6) - CHECK_IN).days == 90
    assert nights[0] == CHECK_IN and nights[-1] == date(2027, 3, 5)
    # Beyond the nightly cap (180 nights) when the site's longest stay allows it.
    long = book_monthly(session, make.resident(), site, CHECK_IN, 12, now=NOW)
    assert long.nights == 365 and long.months == 12


def test_an_open_ended_stay_holds_up_to_the_longest_stay(make, session):
    site = _monthly(make, longest_stay_months=6)
    booking = book_monthly(session, make.resident(), site, CHECK_IN, None, now=NOW)
    assert booking.is_open_ended and booking.ends_on == add_months(CHECK_IN, 6)


@pytest.mark.parametrize("months, rules, error", [
    (2, {"stay_kinds": "nightly"}, RuleViolation),
    (1, {"min_months": 2}, RuleViolation),
    (13, {}, StayTooLong),
    (0, {}, InvalidRequest),
])
def test_refusals_for_a_monthly_stay(make, session, months, rules, error):
    site = _monthly(make, **rules)
    with pytest.raises(error):
        book_monthly(session, make.resident(), site, CHECK_IN, months, now=NOW)
    assert session.scalar(select(func.count()).select_from(Booking)) == 0


def test_no_monthly_stay_at_a_site_without_them_says_so(make, session):
    site = make.hostel()
    with pytest.raises(RuleViolation, match="does not offer monthly stays"):
        book_monthly(session, make.resident(), site, CHECK_IN, 2, now=NOW)


def test_a_check_in_before_today_is_refused(make, session):
    with pytest.raises(InPast):
        book_monthly(session, make.resident(), _monthly(make), TODAY - timedelta(days=1), 1,
                     now=NOW)


def test_a_monthly_only_site_refuses_nights(make, session):
    site = _monthly(make, stay_kinds="monthly")
    with pytest.raises(RuleViolation, match="monthly stays only"):
        book_bed(session, make.resident(), site, CHECK_IN, CHECK_IN + timedelta(days=2), now=NOW)


def test_monthly_and_nightly_stays_share_the_cells(make, session):
    site = _monthly(make, beds=1)
    book_bed(session, make.resident(), site, CHECK_IN + timedelta(days=40),
             CHECK_IN + timedelta(days=42), now=NOW)
    with pytest.raises(NoLongerAvailable):
        book_monthly(session, make.resident(), site, CHECK_IN, 2, now=NOW)
    member = make.resident()
    book_monthly(session, member, site, CHECK_IN, 1, now=NOW)
    with pytest.raises(MemberAlreadyBooked):
        book_bed(session, member, _monthly(make), CHECK_IN + timedelta(days=3),
                 CHECK_IN + timedelta(days=4), now=NOW)


# ---------------------------------------------------------------- extending

def test_extending_on_the_same_bed(make, session):
    site, member = _monthly(make), make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 2, now=NOW)
    extend_stay(session, booking, member, 3, now=NOW)
    assert booking.months == 5 and booking.ends_on == add_months(CHECK_IN, 5)
    assert len(_nights(session, booking)) == booking.nights
    assert booking.events[-1].kind == "extended"
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.kind == "stay_changed")) == 1


def test_extending_beyond_the_longest_stay_is_refused(make, session):
    site, member = _monthly(make, longest_stay_months=4), make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 3, now=NOW)
    with pytest.raises(StayTooLong, match="1 more"):
        extend_stay(session, booking, member, 2, now=NOW)
    assert booking.ends_on == add_months(CHECK_IN, 3)


def test_extending_into_a_taken_bed_names_the_free_ones_then_moves_once(make, session):
    site, member = _monthly(make, beds=3), make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 1, now=NOW)
    own_bed = booking.bed
    after = add_months(CHECK_IN, 1)
    book_bed(session, make.resident(), site, after + timedelta(days=3), after + timedelta(days=5),
             own_bed.label, now=NOW)
    with pytest.raises(BedTakenForExtension) as refusal:
        extend_stay(session, booking, member, 1, now=NOW)
    assert len(refusal.value.free_beds) == 2 and own_bed.label not in refusal.value.free_beds
    assert booking.ends_on == after and len(_nights(session, booking)) == booking.nights

    target = refusal.value.free_beds[0]
    extend_stay(session, booking, member, 1, move_to=target, now=NOW)
    assert booking.bed.label == target and booking.ends_on == add_months(CHECK_IN, 2)
    beds = set(session.scalars(select(BedNight.bed_id).where(BedNight.booking_id == booking.id)))
    assert beds == {booking.bed_id}  # not begun: the whole stay moved
    (move,) = session.scalars(select(BookingMove)).all()
    assert (move.from_bed_id, move.to_bed_id, move.from_on) == (own_bed.id, booking.bed_id,
                                                                 CHECK_IN)


def test_an_open_ended_stay_or_a_nightly_one_is_not_extended_by_months(make, session):
    site, member = _monthly(make), make.resident()
    open_ended = book_monthly(session, member, site, CHECK_IN, None, now=NOW)
    assert not can_extend(open_ended, TODAY)
    with pytest.raises(RuleViolation, match="open-ended"):
        extend_stay(session, open_ended, member, 1, now=NOW)
    other = make.resident()
    nightly = book_bed(session, other, site, CHECK_IN, CHECK_IN + timedelta(days=2), now=NOW)
    with pytest.raises(RuleViolation, match="Only a monthly stay"):
        extend_stay(session, nightly, other, 1, now=NOW)


def test_someone_else_cannot_extend_a_stay(make, session):
    site, member = _monthly(make), make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 1, now=NOW)
    with pytest.raises(BookingError) as refusal:
        extend_stay(session, booking, make.resident(), 1, now=NOW)
    assert refusal.value.http_status == 404


# ---------------------------------------------------------------- notice

def test_notice_ends_the_stay_after_the_notice_period_and_frees_the_rest(make, session):
    site, member = _monthly(make, beds=1), make.resident()
    booking = book_monthly(session, member, site, TODAY, None, now=NOW)
    later = NOW + timedelta(days=30)
    waiting = make.resident()
    entry = join_waitlist(session, waiting, StayRequest(
        site, later.date() + timedelta(days=40), later.date() + timedelta(days=45)), now=NOW)

    give_notice(session, booking, member, now=later)

    leaving = later.date() + timedelta(days=30)
    assert booking.ends_on == leaving and booking.notice_given_on == later.date()
    assert booking.original_ends_on == add_months(TODAY, 12)
    assert _nights(session, booking)[-1] == leaving - timedelta(days=1)
    assert booking.events[-1].kind == "notice" and not can_give_notice(booking, later.date())
    assert session.get(WaitlistEntry, entry.id).status == "filled"
    with pytest.raises(RuleViolation, match="already given"):
        give_notice(session, booking, member, now=later)
    with pytest.raises(RuleViolation, match="Notice was given"):
        extend_stay(session, booking, member, 1, now=later)


def test_a_notice_shorter_than_the_rule_is_refused(make, session):
    site, member = _monthly(make, notice_days=30), make.resident()
    booking = book_monthly(session, member, site, TODAY, 6, now=NOW)
    later = NOW + timedelta(days=60)
    with pytest.raises(RuleViolation, match="notice period .* 30 days"):
        give_notice(session, booking, member, leaving_on=later.date() + timedelta(days=10),
                    now=later)
    assert booking.notice_given_on is None and booking.ends_on == add_months(TODAY, 6)


def test_notice_keeps_the_minimum_months(make, session):
    site, member = _monthly(make, notice_days=7, min_months=3), make.resident()
    booking = book_monthly(session, member, site, TODAY, None, now=NOW)
    give_notice(session, booking, member, now=NOW)
    assert booking.ends_on == add_months(TODAY, 3)


def test_notice_after_the_booked_end_leaves_the_stay_as_booked(make, session):
    site, member = _monthly(make, notice_days=30), make.resident()
    booking = book_monthly(session, member, site, TODAY, 1, now=NOW)
    give_notice(session, booking, member, now=NOW + timedelta(days=20))
    assert booking.ends_on == add_months(TODAY, 1) and booking.original_ends_on is None
    assert booking.notice_given_on == TODAY + timedelta(days=20)


# ---------------------------------------------------------------- racing

def test_two_members_race_for_the_last_bed_by_the_month_one_wins(db, session, make):
    site = _monthly(make, beds=1)
    members = [make.resident().id for _ in range(2)]
    session.commit()
    site_id = site.id

    def attempt(s, i):
        return book_monthly(s, s.get(User, members[i]), s.get(Site, site_id), CHECK_IN, 3,
                            now=NOW).id

    outcomes = race(db, attempt, racers=2)
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, NoLongerAvailable)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(BedNight)) == \
            (add_months(CHECK_IN, 3) - CHECK_IN).days


def test_a_resident_leaves_by_notice_not_by_ending_at_once_but_staff_may_end_it(make, session):
    from booking.services.accounts import roles
    from booking.services.bookings.ending import end_booking_early
    from booking.services.errors import NothingToEnd

    site, member = _monthly(make), make.resident()
    booking = book_monthly(session, member, site, TODAY, 2, now=NOW)
    later = NOW + timedelta(days=10)
    with pytest.raises(NothingToEnd, match="give notice instead"):
        end_booking_early(session, booking, member, now=later)
    admin = make.member(role="admin")
    manager = make.member()
    roles.set_role(session, admin, manager, "manager", [site.id])
    end_booking_early(session, booking, manager, now=later)
    assert booking.ends_on < add_months(TODAY, 2)


def test_extending_over_a_closed_room_offers_a_bed_in_an_open_one(make, session):
    from booking.services.sites import capacity

    site = make.hostel(rooms=(("R1", "dormitory", "anyone", 1), ("R2", "dormitory", "anyone", 1)),
                       stay_kinds="monthly")
    member = make.resident()
    booking = book_monthly(session, member, site, CHECK_IN, 1, "R1-1", now=NOW)
    after = add_months(CHECK_IN, 1)
    capacity.add_closure(session, site, after + timedelta(days=2), after + timedelta(days=3),
                         reason="Painting", room=site.rooms[0])
    with pytest.raises(BedTakenForExtension) as refusal:
        extend_stay(session, booking, member, 1, now=NOW)
    assert refusal.value.free_beds == ["R2-1"]
