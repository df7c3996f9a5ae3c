"""Direct statements answer exactly what SQLAlchemy's own execution answers.

They skip SQLAlchemy's per-execution bookkeeping on the hottest paths; what
they must not skip is the column types' conversions, the exception classes
callers catch, or a transaction's integrity after an error.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, exc, func, insert, select

from booking.direct import Direct, as_loaded, connection_of, savepoint
from booking.models import Booking, Closure, DeskCell, Site, User
from tests.conftest import NOW


def test_rows_are_converted_as_sqlalchemy_converts_them(session, make):
    site = make.centre()
    member = make.member()
    make.desk_booking(member=member, site=site, day=NOW.date() + timedelta(days=3))
    session.add(Closure(site_id=site.id, starts_on=NOW.date(), ends_on=NOW.date(), reason="Onam"))
    session.commit()
    for statement, params in [
        (select(*Booking.__table__.c).where(Booking.member_id == bindparam("m")), {"m": member.id}),
        (select(*Site.__table__.c).where(Site.id == bindparam("s")), {"s": site.id}),
        (select(Closure.starts_on, Closure.reason, func.coalesce(Closure.room_id, 7))
         .where(Closure.site_id == bindparam("s")).limit(1), {"s": site.id}),
    ]:
        expected = [tuple(row) for row in session.execute(statement, params)]
        got = Direct(statement).all(connection_of(session), **params)
        assert got == expected and got  # dates, times and UTC datetimes as objects
        assert [type(v) for v in got[0]] == [type(v) for v in expected[0]]


def test_values_are_bound_as_sqlalchemy_binds_them(session, make):
    member = make.member()
    session.commit()
    touched = Direct(User.__table__.update().where(User.id == bindparam("u"))
                     .values(deleted_at=bindparam("at")))
    touched.execute(connection_of(session), u=member.id, at=NOW)
    session.commit()
    session.expire_all()
    assert session.get(User, member.id).deleted_at == NOW  # our UTC type round-trips
    found = Direct(select(User.id).where(User.deleted_at == bindparam("at")))
    assert found.scalar(connection_of(session), at=NOW) == member.id


def test_a_broken_key_is_sqlalchemys_integrity_error_and_a_savepoint_keeps_the_rest(
        session, make):
    site = make.centre()
    member = make.member()
    booking = make.desk_booking(member=member, site=site, day=NOW.date() + timedelta(days=3))
    session.commit()
    cell = session.scalars(select(DeskCell).where(DeskCell.booking_id == booking.id)).first()
    columns = ("desk_id", "held_on", "part", "site_id", "member_id", "booking_id")
    same_cell = Direct(insert(DeskCell.__table__).values({c: bindparam(c) for c in columns}))
    connection = connection_of(session)
    rename = Direct(User.__table__.update().where(User.id == bindparam("u"))
                    .values(name=bindparam("n")))
    rename.execute(connection, u=member.id, n="Kept")
    with pytest.raises(exc.IntegrityError), savepoint(connection, "probe"):
        same_cell.execute(connection, **{c: getattr(cell, c) for c in columns})
    # The transaction is still usable (PostgreSQL would refuse anything
    # after an error outside a savepoint) and what came before it stands.
    rename.execute(connection, u=member.id, n="Kept too")
    session.commit()
    session.expire_all()
    assert session.get(User, member.id).name == "Kept too"


def test_in_lists_are_refused_when_compiled(session):
    statement = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        Direct(statement).all(connection_of(session), ids=[1])


def test_pending_changes_are_flushed_first_as_a_query_would(session, make):
    member = make.member()
    session.commit()
    member.name = "Renamed"  # not flushed
    name = Direct(select(User.name).where(User.id == bindparam("u")))
    assert name.scalar(connection_of(session), u=member.id) == "Renamed"


def test_as_loaded_is_the_sessions_own_object_or_a_complete_one(session, make):
    member = make.member()
    session.commit()
    row = [getattr(member, c.key) for c in User.__table__.c]
    assert as_loaded(session, User, row) is member
    session.expunge_all()
    fresh = as_loaded(session, User, row)
    assert fresh is not member and fresh in session
    assert (fresh.id, fresh.email) == (member.id, member.email)
    assert not session.dirty  # loaded, not changed
