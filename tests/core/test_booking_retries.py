"""A lost race between looking for a free place and inserting it: ``book`` tries again.

Real races are in test_concurrency.py (threads) and tests/prod (gunicorn).
Here the race is made certain: the free-place query is made to return a
place that another committed booking already holds, as it would when that
booking committed between our look and our insert.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import Closure, DayPart, Desk, DeskCell
from booking.services.bookings import book as bookings
from booking.services.bookings.book import book_bed, book_desk
from booking.services.errors import NoLongerAvailable, NotPermitted, SiteClosedOn
from booking.services.accounts.privacy import delete_account
from booking.services.sites.catalogue import get_site_revision
from tests.conftest import NOW

DAY = NOW.date() + timedelta(days=2)


def _desk(session, site, label):
    return session.scalar(select(Desk).where(Desk.site_id == site.id, Desk.label == label))


def test_a_desk_taken_between_look_and_insert_goes_to_the_next_free_one(session, make,
                                                                        monkeypatch):
    site = make.centre(desks=2)
    first, second = make.member(), make.member()
    book_desk(session, second, site, DAY, DayPart.FULL, "A01", now=NOW)
    stale_look = [_desk(session, site, "A01")]
    original = bookings._usual_or_first_free_desk
    monkeypatch.setattr(bookings, "_usual_or_first_free_desk",
                        lambda *args: stale_look.pop() if stale_look else original(*args))
    booking = book_desk(session, first, site, DAY, DayPart.FULL, now=NOW)
    assert booking.desk.label == "A02"
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 4


def test_the_lost_try_leaves_nothing_behind_in_the_session(session, make, monkeypatch):
    site = make.centre(desks=2)
    first, second = make.member(), make.member()
    book_desk(session, second, site, DAY, DayPart.FULL, "A01", now=NOW)
    stale_look = [_desk(session, site, "A01")]
    original = bookings._usual_or_first_free_desk
    monkeypatch.setattr(bookings, "_usual_or_first_free_desk",
                        lambda *args: stale_look.pop() if stale_look else original(*args))
    book_desk(session, first, site, DAY, DayPart.FULL, now=NOW)
    session.commit()  # nothing half-added from the rolled-back SAVEPOINT
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 4


def test_a_named_desk_taken_is_refused_by_name(session, make):
    site = make.centre(desks=2)
    first, second = make.member(), make.member()
    book_desk(session, second, site, DAY, DayPart.FULL, "A02", now=NOW)
    with pytest.raises(NoLongerAvailable, match="A02"):
        book_desk(session, first, site, DAY, DayPart.FULL, "A02", now=NOW)


def test_a_bed_taken_between_look_and_insert_goes_to_another_bed(session, make, monkeypatch):
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 2),))
    first, second = make.member(), make.member()
    check_in, check_out = DAY, DAY + timedelta(days=2)
    taken = book_bed(session, second, hostel, check_in, check_out, now=NOW)
    original = bookings._first_free_bed
    calls = []

    def stale_then_fresh(*args, **kwargs):
        calls.append(kwargs["spread"])
        return taken.bed if len(calls) == 1 else original(*args, **kwargs)

    monkeypatch.setattr(bookings, "_first_free_bed", stale_then_fresh)
    booking = book_bed(session, first, hostel, check_in, check_out, now=NOW)
    assert booking.bed_id != taken.bed_id
    assert calls == [False, True]  # the retry spreads out


def test_losing_every_race_ends_in_a_clear_refusal(session, make, monkeypatch):
    site = make.centre(desks=2)
    member = make.member()
    tries = []

    def always_taken(session, member, plan, place):
        tries.append(place.label)
        raise NoLongerAvailable("taken")

    monkeypatch.setattr(bookings, "_insert", always_taken)
    with pytest.raises(NoLongerAvailable, match="No desk is free"):
        book_desk(session, member, site, DAY, DayPart.FULL, now=NOW)
    assert len(tries) == bookings.MAX_ATTEMPTS


def test_every_change_to_the_sites_facts_moves_its_revision(session, make):
    site = make.centre(desks=2)
    member = make.member()

    def revision():
        return get_site_revision(session, site.id)

    before = revision()
    session.add(Closure(site_id=site.id, starts_on=DAY, ends_on=DAY))
    session.flush()
    after_closure = revision()
    book_desk(session, member, site, DAY + timedelta(1), DayPart.MORNING, now=NOW)
    assert before < after_closure < revision()


def test_a_deleted_account_cannot_book(session, make):
    site = make.centre(desks=2)
    member = make.member()
    delete_account(session, member, NOW.date())
    with pytest.raises(NotPermitted, match="deleted"):
        book_desk(session, member, site, DAY, DayPart.FULL, now=NOW)


def test_a_closure_that_appears_while_deciding_refuses_the_booking(session, make, monkeypatch):
    # As when an admin's closure commits between our closure check and our insert.
    site = make.centre(desks=2)
    member = make.member()
    original = bookings._usual_or_first_free_desk

    def close_meanwhile(*args):
        session.add(Closure(site_id=site.id, starts_on=DAY, ends_on=DAY, reason="Flooding"))
        session.flush()
        return original(*args)

    monkeypatch.setattr(bookings, "_usual_or_first_free_desk", close_meanwhile)
    with pytest.raises(SiteClosedOn, match="Flooding"):
        book_desk(session, member, site, DAY, DayPart.FULL, now=NOW)
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 0


def test_a_desk_retired_while_deciding_is_lost_like_a_taken_one(session, make, monkeypatch):
    site = make.centre(desks=2)
    member = make.member()
    original = bookings._usual_or_first_free_desk
    calls = []

    def retire_meanwhile(*args):
        desk = original(*args)
        if not calls:
            desk.retired_on = DAY  # committed elsewhere, in effect
            session.flush()
        calls.append(desk.label)
        return desk

    monkeypatch.setattr(bookings, "_usual_or_first_free_desk", retire_meanwhile)
    booking = book_desk(session, member, site, DAY, DayPart.FULL, now=NOW)
    assert calls[0] == "A01" and booking.desk.label == "A02"
