"""Check-in with a centre's daily code, staff check-ins, and the no-show release (injected clock)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import (
    AuditEntry, Booking, BookingEvent, BookingStatus, DayPart, DeskCell, OutboxMessage, Site,
)
from booking.services.bookings.book import book_desk
from booking.services.bookings.checkin import (
    check_code,
    check_in_by_staff,
    check_in_code,
    check_in_member,
    count_no_shows,
    release_no_shows,
)
from booking.services.errors import (
    AlreadyCheckedIn,
    InvalidCheckInCode,
    NotFound,
    NotPermitted,
    NothingToCheckIn,
    OutsideBookingWindow,
)
from booking.worker import periodic_tasks
from tests.conftest import NOW, TODAY

SECRET = "test-secret"
YESTERDAY = NOW - timedelta(days=1)
# NOW is 09:00; the centres open at 08:00, their afternoon starts at 13:00.


def _today(make, site, member=None, part=DayPart.FULL):
    """A desk booked yesterday for today (created_at too: the model stamps the real clock)."""
    booking = make.desk_booking(member=member, site=site, day=TODAY, part=part, now=YESTERDAY)
    booking.created_at = YESTERDAY
    return booking


def _code(site, day=TODAY):
    return check_in_code(SECRET, site, day)


# ---------------------------------------------------------------- the code

def test_the_code_is_tied_to_the_site_and_changes_daily(make):
    one, two = make.centre(), make.centre()
    assert _code(one) == _code(one)
    assert _code(one) != _code(two)
    assert _code(one) != _code(one, TODAY + timedelta(days=1))
    assert _code(one) != check_in_code("another-secret", one, TODAY)
    check_code(SECRET, one, _code(one).upper(), NOW)  # what a scanner may hand over
    for wrong in (_code(one, TODAY - timedelta(days=1)), _code(two), "", "0" * 20, "ക" * 20,
                  "\ud800"):
        with pytest.raises(InvalidCheckInCode):
            check_code(SECRET, one, wrong, NOW)


# ---------------------------------------------------------------- members

def test_member_checks_in_the_booking_for_now(session, make):
    site = make.centre()
    booking = _today(make, site)
    done = check_in_member(session, booking.member, site, _code(site), SECRET, now=NOW)
    assert done.id == booking.id and done.checked_in_at == NOW
    assert [e.kind for e in booking.events] == ["created", "checked_in"]
    with pytest.raises(AlreadyCheckedIn):
        check_in_member(session, booking.member, site, _code(site), SECRET, now=NOW)


def test_member_with_yesterdays_or_another_sites_code_is_refused(session, make):
    site, other = make.centre(), make.centre()
    booking = _today(make, site)
    for code in (_code(site, TODAY - timedelta(days=1)), _code(other)):
        with pytest.raises(InvalidCheckInCode):
            check_in_member(session, booking.member, site, code, SECRET, now=NOW)
    assert booking.checked_in_at is None


def test_nothing_to_check_in_without_a_booking_now(session, make):
    site = make.centre()
    member = make.member()
    with pytest.raises(NothingToCheckIn):
        check_in_member(session, member, site, _code(site), SECRET, now=NOW)
    tomorrow = make.desk_booking(member=member, site=site, day=TODAY + timedelta(days=1))
    with pytest.raises(NothingToCheckIn):
        check_in_member(session, member, site, _code(site), SECRET, now=NOW)
    assert tomorrow.checked_in_at is None


def test_an_afternoon_can_be_checked_in_from_half_an_hour_before_it_starts(session, make):
    site = make.centre()
    booking = _today(make, site, part=DayPart.AFTERNOON)
    with pytest.raises(NothingToCheckIn):
        check_in_member(session, booking.member, site, _code(site), SECRET,
                        now=NOW.replace(hour=12, minute=29))
    check_in_member(session, booking.member, site, _code(site), SECRET,
                    now=NOW.replace(hour=12, minute=30))
    assert booking.checked_in_at is not None


def test_around_midday_the_part_not_yet_checked_in_is_chosen(session, make):
    site = make.centre()
    member = make.member()
    morning = _today(make, site, member, DayPart.MORNING)
    afternoon = _today(make, site, member, DayPart.AFTERNOON)
    check_in_member(session, member, site, _code(site), SECRET, now=NOW)
    check_in_member(session, member, site, _code(site), SECRET,
                    now=NOW.replace(hour=12, minute=45))
    assert morning.checked_in_at is not None and afternoon.checked_in_at is not None


# ---------------------------------------------------------------- staff

def _manager(session, make, *sites):
    manager = make.member(role="manager")
    manager.managed_sites.extend(sites)
    session.flush()
    return manager


def test_staff_check_a_member_in_and_it_is_audited(session, make):
    site = make.centre()
    booking = _today(make, site)
    manager = _manager(session, make, site)
    check_in_by_staff(session, manager, booking, now=NOW)
    assert booking.checked_in_at == NOW
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "booking.check_in")).one()
    assert entry.actor_id == manager.id and entry.target == f"booking:{booking.id}"
    with pytest.raises(AlreadyCheckedIn):
        check_in_by_staff(session, manager, booking, now=NOW)


def test_staff_of_another_site_or_another_day_cannot_check_in(session, make):
    site, other = make.centre(), make.centre()
    booking = _today(make, site)
    with pytest.raises(NotFound):
        check_in_by_staff(session, _manager(session, make, other), booking, now=NOW)
    tomorrow = make.desk_booking(site=site, day=TODAY + timedelta(days=1))
    with pytest.raises(NotPermitted):
        check_in_by_staff(session, _manager(session, make, site), tomorrow, now=NOW)
    assert booking.checked_in_at is None and tomorrow.checked_in_at is None


# ---------------------------------------------------------------- no-shows

def _ruled_centre(make, minutes=60, desks=3):
    site = make.centre(desks=desks)
    site.no_show_after_minutes = minutes
    return site


def test_a_booking_not_checked_in_is_released_after_the_deadline(session, make):
    site = _ruled_centre(make, desks=1)
    booking = _today(make, site)
    assert release_no_shows(session, NOW) == []  # 08:00 + 60 min: not yet past
    released = release_no_shows(session, NOW + timedelta(minutes=1))
    assert [b.id for b in released] == [booking.id]
    session.refresh(booking)
    assert booking.status == BookingStatus.NO_SHOW and booking.cancel_reason
    assert booking.events[-1].kind == "no_show"
    assert session.scalar(select(func.count()).select_from(DeskCell)
                          .where(DeskCell.booking_id == booking.id)) == 0
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "no_show")).one()
    assert mail.user_id == booking.member_id and site.name in mail.subject
    # The freed desk can be booked at once by someone else.
    later = NOW + timedelta(minutes=2)
    rebooked = book_desk(session, make.member(), site, TODAY, DayPart.FULL, now=later)
    rebooked.created_at = later  # the clock the model stamps is the real one
    assert release_no_shows(session, later) == []  # a second run: nothing more
    # A booking made after the start has its N minutes from when it was made.
    assert release_no_shows(session, later + timedelta(minutes=60)) == []
    assert release_no_shows(session, later + timedelta(minutes=61)) == [rebooked]


def test_checked_in_and_ruleless_and_later_parts_are_kept(session, make):
    ruled, free = _ruled_centre(make), make.centre()
    checked = _today(make, ruled)
    check_in_member(session, checked.member, ruled, _code(ruled), SECRET, now=NOW)
    afternoon = _today(make, ruled, part=DayPart.AFTERNOON)
    ruleless = _today(make, free)
    tomorrow = make.desk_booking(site=ruled, day=TODAY + timedelta(days=1))
    assert release_no_shows(session, NOW.replace(hour=12)) == []
    assert all(b.is_live for b in (checked, afternoon, ruleless, tomorrow))
    # The afternoon goes at 14:01 when nobody came.
    assert release_no_shows(session, NOW.replace(hour=14, minute=1)) == [afternoon]


def test_no_shows_are_counted_over_thirty_days(session, make):
    site = _ruled_centre(make)
    member = make.member()
    for days_ago in (0, 5, 29, 30):
        day = TODAY - timedelta(days=days_ago)
        booked_at = NOW - timedelta(days=days_ago + 1)
        book_desk(session, member, site, day, DayPart.MORNING, now=booked_at).created_at = booked_at
        release_no_shows(session, NOW.replace(hour=10) - timedelta(days=days_ago))
    assert session.scalar(select(func.count()).select_from(Booking)
                          .where(Booking.status == BookingStatus.NO_SHOW)) == 4
    assert count_no_shows(session, member, TODAY) == 3  # 30 days ago is outside


def test_the_worker_runs_the_release(session, make):
    assert "release_no_shows" in [name for name, _task in periodic_tasks()]


def test_two_releases_at_once_release_each_booking_once(db, session, make):
    site = _ruled_centre(make, desks=6)
    ids = [_today(make, site).id for _ in range(6)]
    session.commit()
    racers, barrier = 2, threading.Barrier(2)
    outcomes: list[object] = [None] * racers

    def run(index: int) -> None:
        s = db.writer()
        try:
            barrier.wait()
            outcomes[index] = [b.id for b in release_no_shows(s, NOW.replace(hour=10))]
            s.commit()
        except Exception as error:  # noqa: BLE001 -- recorded so the test fails with it
            s.rollback()
            outcomes[index] = error
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sorted(outcomes[0] + outcomes[1]) == ids  # each once, between them
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.kind == "no_show")) == len(ids)
        assert s.scalar(select(func.count()).select_from(BookingEvent)
                        .where(BookingEvent.kind == "no_show")) == len(ids)
        assert s.scalar(select(func.count()).select_from(DeskCell)
                        .where(DeskCell.site_id == site.id)) == 0
        assert {b.status for b in s.scalars(select(Booking))} == {"no_show"}
        assert s.get(Site, site.id).no_show_after_minutes == 60


def test_a_member_with_three_no_shows_books_only_as_far_ahead_as_the_site_allows(session, make):
    site = _ruled_centre(make, desks=2)
    site.no_show_limit_days = 2
    member, other = make.member(), make.member()
    far = TODAY + timedelta(days=5)
    assert book_desk(session, member, site, far, DayPart.MORNING, now=NOW).is_live
    for days_ago in (1, 2, 3):
        booked_at = NOW - timedelta(days=days_ago + 1)
        book_desk(session, member, site, TODAY - timedelta(days=days_ago), DayPart.MORNING,
                  now=booked_at).created_at = booked_at
        release_no_shows(session, NOW.replace(hour=10) - timedelta(days=days_ago))
    assert count_no_shows(session, member, TODAY) == 3
    with pytest.raises(OutsideBookingWindow, match="up to 2 days ahead"):
        book_desk(session, member, site, far, DayPart.AFTERNOON, now=NOW)
    assert book_desk(session, member, site, TODAY + timedelta(days=2), DayPart.FULL,
                     now=NOW).is_live
    assert book_desk(session, other, site, far, DayPart.AFTERNOON, now=NOW).is_live
    site.no_show_limit_days = None
    assert book_desk(session, member, site, far, DayPart.AFTERNOON, now=NOW).is_live
