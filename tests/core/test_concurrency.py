"""Racing for the last desk and the last bed: exactly one winner, never a double booking.

Real threads (each with its own connection and transaction) and real
processes, on both engines.
"""
from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

from sqlalchemy import func, select

from booking.clock import now_in_kerala
from booking.db import open_database
from booking.models import BedNight, Booking, DayPart, DeskCell, Site, User
from booking.services.bookings.book import book_bed, book_desk
from booking.services.errors import BookingError, MemberAlreadyBooked, NoLongerAvailable

RACERS = 12


def race(db, attempt, racers: int = RACERS) -> list[object]:
    """Run `attempt(session, index)` in `racers` threads released at once; collect outcomes."""
    barrier = threading.Barrier(racers)
    outcomes: list[object] = [None] * racers

    def run(index: int) -> None:
        session = db.writer()
        try:
            barrier.wait()
            outcomes[index] = attempt(session, index)
            session.commit()
        except BookingError as error:
            session.rollback()
            outcomes[index] = error
        except Exception as error:  # recorded so the test fails with it
            session.rollback()
            outcomes[index] = error
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _setup(session, make, *, desks=1, beds=1):
    centre = make.centre(desks=desks)
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", beds),))
    members = [make.member() for _ in range(RACERS)]
    session.commit()
    return centre.id, hostel.id, [m.id for m in members]


def _winners_and_losers(outcomes, loser_type=NoLongerAvailable):
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, loser_type)]
    unexpected = [o for o in outcomes if not isinstance(o, (int, loser_type))]
    assert not unexpected, f"unexpected outcomes: {unexpected!r}"
    return winners, losers


def test_many_members_race_for_the_last_desk_one_wins(db, session, make):
    centre_id, _, member_ids = _setup(session, make, desks=1)
    day = now_in_kerala().date() + timedelta(days=3)

    def attempt(s, i):
        site, member = s.get(Site, centre_id), s.get(User, member_ids[i])
        return book_desk(s, member, site, day, DayPart.FULL).id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == 1 and len(losers) == RACERS - 1
    assert "no longer available" in losers[0].title.lower()
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(DeskCell)) == 2
        assert s.scalar(select(func.count()).select_from(Booking)) == 1


def test_racers_for_a_named_desk_part_get_exactly_one_winner(db, session, make):
    centre_id, _, member_ids = _setup(session, make, desks=3)
    day = now_in_kerala().date() + timedelta(days=3)

    def attempt(s, i):
        site, member = s.get(Site, centre_id), s.get(User, member_ids[i])
        return book_desk(s, member, site, day, DayPart.MORNING, "A02").id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == 1 and len(losers) == RACERS - 1


def test_many_members_race_for_the_last_bed_one_wins(db, session, make):
    _, hostel_id, member_ids = _setup(session, make, beds=1)
    check_in = now_in_kerala().date() + timedelta(days=5)

    def attempt(s, i):
        site, member = s.get(Site, hostel_id), s.get(User, member_ids[i])
        # Overlapping stays of different lengths all need the first night.
        return book_bed(s, member, site, check_in, check_in + timedelta(days=1 + i % 3)).id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == 1 and len(losers) == RACERS - 1
    with db.reader() as s:
        nights = s.scalars(select(BedNight.night_on)).all()
        assert len(nights) == len(set(nights))


def test_free_desks_are_shared_out_one_each_when_many_race(db, session, make):
    centre_id, _, member_ids = _setup(session, make, desks=5)
    day = now_in_kerala().date() + timedelta(days=2)

    def attempt(s, i):
        site, member = s.get(Site, centre_id), s.get(User, member_ids[i])
        return book_desk(s, member, site, day, DayPart.AFTERNOON).id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == 5 and len(losers) == RACERS - 5
    with db.reader() as s:
        desks = s.scalars(select(DeskCell.desk_id).where(DeskCell.held_on == day)).all()
        assert len(desks) == 5 and len(set(desks)) == 5


def test_one_member_racing_with_themself_holds_one_desk(db, session, make):
    centre_id, _, member_ids = _setup(session, make, desks=6)
    day = now_in_kerala().date() + timedelta(days=2)

    def attempt(s, i):
        site, member = s.get(Site, centre_id), s.get(User, member_ids[0])
        return book_desk(s, member, site, day, DayPart.MORNING).id

    outcomes = race(db, attempt, racers=6)
    winners, losers = _winners_and_losers(outcomes, MemberAlreadyBooked)
    assert len(winners) == 1 and len(losers) == 5


# ---------------------------------------------------------------- processes

def _process_attempt(url, centre_id, member_id, day, queue) -> None:
    db = open_database(url, pool_size=1)
    session = db.writer()
    try:
        site, member = session.get(Site, centre_id), session.get(User, member_id)
        booking = book_desk(session, member, site, day, DayPart.FULL)
        session.commit()
        queue.put(("won", booking.id))
    except NoLongerAvailable:
        session.rollback()
        queue.put(("lost", None))
    except Exception as error:  # reported to the parent, which fails the test
        queue.put(("error", repr(error)))
    finally:
        session.close()
        db.dispose()


def test_processes_race_for_the_last_desk(db, session, make, database_url):
    centre_id, _, member_ids = _setup(session, make, desks=1)
    day = now_in_kerala().date() + timedelta(days=4)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process_attempt, args=(database_url, centre_id, m, day, queue))
             for m in member_ids[:8]]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [r for r in results if r[0] == "error"] == []
    assert sum(1 for r in results if r[0] == "won") == 1
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(DeskCell)) == 2


def test_nobody_is_refused_while_desks_remain_free(db, session, make):
    # All racers first reach for the same desk; the losers must find the others.
    centre_id, _, member_ids = _setup(session, make, desks=RACERS + 2)
    day = now_in_kerala().date() + timedelta(days=2)

    def attempt(s, i):
        site, member = s.get(Site, centre_id), s.get(User, member_ids[i])
        return book_desk(s, member, site, day, DayPart.FULL).id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == RACERS and losers == []


def test_nobody_is_refused_while_beds_remain_free(db, session, make):
    _, hostel_id, member_ids = _setup(session, make, beds=RACERS + 1)
    check_in = now_in_kerala().date() + timedelta(days=2)

    def attempt(s, i):
        site, member = s.get(Site, hostel_id), s.get(User, member_ids[i])
        return book_bed(s, member, site, check_in, check_in + timedelta(days=2)).id

    winners, losers = _winners_and_losers(race(db, attempt))
    assert len(winners) == RACERS and losers == []
