"""Sign-in sessions (services/accounts/sign_in_sessions.py): a key works while its row lives,
has not expired and carries the user's current session version."""
from __future__ import annotations

import threading
from datetime import timedelta

from booking.models import User, utcnow
from booking.services.accounts import users as accounts
from booking.services.accounts.sign_in_sessions import (
    SESSION_LIFETIME,
    end_session,
    get_signed_in_user,
    start_session,
)


def is_live(session, user, key, now=None) -> bool:
    return get_signed_in_user(session, user.id, key, now=now) is not None


def test_a_session_works_until_it_ends_and_only_for_its_own_user(make, session):
    member, other = make.member(), make.member()
    key, other_key = start_session(session, member), start_session(session, other)
    assert get_signed_in_user(session, member.id, key) is member
    assert get_signed_in_user(session, member.id, other_key) is None
    end_session(session, member, key)
    assert not is_live(session, member, key) and is_live(session, other, other_key)


def test_a_session_lasts_thirty_days(make, session):
    member = make.member()
    now = utcnow()
    key = start_session(session, member, now=now)
    assert SESSION_LIFETIME == timedelta(days=30)
    assert is_live(session, member, key, now + SESSION_LIFETIME - timedelta(minutes=1))
    assert not is_live(session, member, key, now + SESSION_LIFETIME)


def test_setting_a_password_ends_every_session_as_a_reset_will(make, session):
    member = make.member()
    keys = [start_session(session, member) for _ in range(3)]
    accounts.set_password(member, "a-new-secret-for-a-reset")
    session.flush()
    assert not any(is_live(session, member, key) for key in keys)
    assert is_live(session, member, start_session(session, member))  # a new sign-in works


def test_end_all_sessions_ends_them_and_a_deleted_user_has_none(make, session):
    member = make.member()
    key = start_session(session, member)
    accounts.end_all_sessions(member)
    session.flush()
    assert not is_live(session, member, key)
    fresh = start_session(session, member)
    member.deleted_at = utcnow()
    session.flush()
    assert not is_live(session, member, fresh)


def test_two_ends_of_all_sessions_at_once_both_count(make, session, db):
    """Another browser's "sign out everywhere" racing a password change: the later must
    end the session the earlier began for its own browser (no lost increment)."""
    user_id = make.member().id
    session.commit()
    holder = db.writer()
    holder_user = holder.get(User, user_id)
    accounts.end_all_sessions(holder_user)
    holder_key = start_session(holder, holder_user)  # flushes: the user's row is now held
    racer_key: list[str] = []

    def racer() -> None:
        racing = db.writer()
        try:
            user = racing.get(User, user_id)
            accounts.end_all_sessions(user)
            racer_key.append(start_session(racing, user))
            racing.commit()
        finally:
            racing.close()

    thread = threading.Thread(target=racer)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting for the holder's row (PostgreSQL) or lock (SQLite)
    holder.commit()
    holder.close()
    thread.join()
    with db.reader() as s:
        user = s.get(User, user_id)
        assert user.session_version == 3
        assert not is_live(s, user, holder_key) and is_live(s, user, racer_key[0])
