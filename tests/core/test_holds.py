"""A booking decided on one snapshot and written later: ``holds.place`` re-checks it.

The API decides a booking on a read session before it queues for the write
(SQLite's single write lock); whatever changed in between must be seen.
Each test decides in one session, changes the site in another (committed),
then writes in a third, as the API does.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import Closure, DayPart, DeskCell, Site, User
from booking.services import holds
from booking.services.bookings import book_desk, prepare_bed, prepare_desk
from booking.services.errors import NoLongerAvailable, NotPermitted, SiteClosedOn
from booking.services.holds import place, site_revision
from booking.services.privacy import delete_account
from tests.conftest import NOW

DAY = NOW.date() + timedelta(days=2)


@pytest.fixture
def centre_and_members(session, make):
    site = make.centre(desks=2)
    members = [make.member() for _ in range(2)]
    session.commit()
    return site.id, [m.id for m in members]


def decide(db, site_id, member_id, **options):
    """prepare_desk on a read session that is closed before anything else happens."""
    with db.reader() as reader:
        site, member = reader.get(Site, site_id), reader.get(User, member_id)
        return prepare_desk(reader, member, site, DAY, DayPart.FULL, now=NOW, **options)


def write(db, hold):
    with db.writer() as writer:
        booking = place(writer, hold)
        label = booking.desk.label
        writer.commit()
        return label


def book_elsewhere(db, site_id, member_id, desk=None):
    with db.writer() as other:
        book_desk(other, other.get(User, member_id), other.get(Site, site_id), DAY,
                  DayPart.FULL, desk, now=NOW)
        other.commit()


def test_an_unchanged_site_gets_the_desk_decided(db, centre_and_members):
    site_id, (first, _second) = centre_and_members
    hold = decide(db, site_id, first)
    assert write(db, hold) == hold.resource.label == "A01"


def test_a_desk_taken_since_the_decision_is_decided_again(db, session, centre_and_members):
    site_id, (first, second) = centre_and_members
    hold = decide(db, site_id, first)
    assert hold.resource.label == "A01"
    book_elsewhere(db, site_id, second, "A01")
    assert write(db, hold) == "A02"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 4


def test_a_named_desk_taken_since_the_decision_is_refused(db, centre_and_members):
    site_id, (first, second) = centre_and_members
    hold = decide(db, site_id, first, desk_label="A02")
    book_elsewhere(db, site_id, second, "A02")
    with pytest.raises(NoLongerAvailable, match="A02"):
        write(db, hold)


def test_the_last_desk_gone_since_the_decision_is_refused(db, session, make):
    site = make.centre(desks=1)
    first, second = make.member(), make.member()
    session.commit()
    hold = decide(db, site.id, first.id)
    book_elsewhere(db, site.id, second.id)
    with pytest.raises(NoLongerAvailable, match="No desk is free"):
        write(db, hold)


def test_a_closure_since_the_decision_refuses_the_booking(db, session, centre_and_members):
    site_id, (first, _second) = centre_and_members
    hold = decide(db, site_id, first)
    session.add(Closure(site_id=site_id, starts_on=DAY, ends_on=DAY, reason="Onam"))
    session.commit()
    with pytest.raises(SiteClosedOn, match="Onam"):
        write(db, hold)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(DeskCell)) == 0


def test_every_change_to_the_sites_facts_moves_its_revision(db, session, centre_and_members):
    site_id, (first, _second) = centre_and_members
    before = site_revision(session, site_id)
    session.add(Closure(site_id=site_id, starts_on=DAY, ends_on=DAY))
    session.flush()
    after_closure = site_revision(session, site_id)
    book_desk(session, session.get(User, first), session.get(Site, site_id), DAY + timedelta(1),
              DayPart.MORNING, now=NOW)
    assert before < after_closure < site_revision(session, site_id)


def test_an_account_deleted_since_the_decision_cannot_book(db, session, centre_and_members):
    site_id, (first, _second) = centre_and_members
    hold = decide(db, site_id, first)
    delete_account(session, session.get(User, first), NOW.date())
    session.commit()
    with pytest.raises(NotPermitted, match="deleted"):
        write(db, hold)


def test_a_bed_taken_since_the_decision_goes_to_another_bed(db, session, make):
    hostel = make.hostel(rooms=(("R1", "dormitory", "anyone", 2),))
    first, second = make.member(), make.member()
    session.commit()
    check_in, check_out = DAY, DAY + timedelta(days=2)
    with db.reader() as reader:
        hold = prepare_bed(reader, reader.get(User, first.id), reader.get(Site, hostel.id),
                           check_in, check_out, now=NOW)
    with db.writer() as other:
        other_hold = prepare_bed(other, other.get(User, second.id), other.get(Site, hostel.id),
                                 check_in, check_out, hold.resource.label, now=NOW)
        place(other, other_hold)
        other.commit()
    with db.writer() as writer:
        booking = place(writer, hold)
        assert booking.bed.label != other_hold.resource.label
        writer.commit()


def test_losing_every_race_ends_in_a_clear_refusal(db, centre_and_members, monkeypatch):
    site_id, (first, _second) = centre_and_members
    hold = decide(db, site_id, first)
    tries = []

    def always_taken(session, hold):
        tries.append(hold.resource.label)
        raise NoLongerAvailable(hold.taken)

    monkeypatch.setattr(holds, "_write", always_taken)
    with pytest.raises(NoLongerAvailable, match="No desk is free"):
        write(db, hold)
    assert len(tries) == holds.MAX_ATTEMPTS
