"""There is always an administrator: the last one cannot delete their account or be
demoted, not even by two administrators leaving at the same moment."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from booking.clock import today_in_kerala
from booking.models import Role, User
from booking.services.accounts import privacy, roles
from booking.services.errors import InvalidRequest
from tests.conftest import PASSWORD

from .conftest import sign_in, submit, text_of


def live_admins(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.deleted_at.is_(None)))


def test_the_last_administrator_cannot_delete_their_account_and_is_told_what_to_do(
        client, make, session, db):
    admin = make.member(role="admin", email="only.admin@example.org")
    session.commit()
    sign_in(client, admin.email)
    answer = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert answer.status_code == 422
    assert "only administrator" in text_of(answer)
    assert "Make someone else an administrator first" in text_of(answer)
    assert live_admins(db) == 1 and client.get("/account").status_code == 200


def test_an_administrator_with_a_colleague_can_delete_their_account(client, make, session, db):
    admin = make.member(role="admin")
    make.member(role="admin")
    session.commit()
    sign_in(client, admin.email)
    answer = submit(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert answer.status_code == 302 and live_admins(db) == 1


def test_the_service_refuses_to_demote_or_delete_the_last_administrator(make, session):
    admin, other = make.member(role="admin"), make.member(role="admin")
    roles.set_role(session, admin, other, "member", [])  # two admins: one may go
    with pytest.raises(InvalidRequest, match="leave no administrator"):
        roles.ensure_an_administrator_remains(session, admin)
    with pytest.raises(InvalidRequest, match="only administrator"):
        privacy.delete_account(session, admin, today_in_kerala())


def test_two_administrators_deleting_themselves_at_once_leave_one(make, session, db):
    first_id, second_id = make.member(role="admin").id, make.member(role="admin").id
    session.commit()
    holder = db.writer()  # the first administrator's deletion, not yet committed
    privacy.delete_account(holder, holder.get(User, first_id), today_in_kerala())
    outcome: list[object] = []

    def second_leaves() -> None:
        racer = db.writer()
        try:
            privacy.delete_account(racer, racer.get(User, second_id), today_in_kerala())
            racer.commit()
            outcome.append("deleted")
        except InvalidRequest as error:
            racer.rollback()
            outcome.append(error)
        finally:
            racer.close()

    thread = threading.Thread(target=second_leaves)
    thread.start()
    thread.join(timeout=1)
    # It waits on the administrators' rows (PostgreSQL) or the write lock (SQLite)...
    assert thread.is_alive() and outcome == []
    holder.commit()
    holder.close()
    thread.join()
    # ...and then counts again: the first has gone, so the second must stay.
    assert len(outcome) == 1 and isinstance(outcome[0], InvalidRequest)
    assert live_admins(db) == 1
