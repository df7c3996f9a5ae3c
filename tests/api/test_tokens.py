"""Personal API tokens: shown once, stored hashed, revocable; the CLI prints one."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.models import ApiToken
from booking.services.accounts import tokens
from booking.services.errors import InvalidRequest, NotFound


def test_a_token_is_stored_only_as_its_hash(session, member):
    record, secret = tokens.create_token(session, member, "HR portal")
    stored = session.scalar(select(ApiToken).where(ApiToken.id == record.id))
    assert secret.startswith("wnh_") and len(secret) > 40
    assert stored.token_hash == tokens.hash_token(secret) and secret not in stored.token_hash
    assert stored.prefix == secret[:12] and stored.name == "HR portal"


def test_a_token_authenticates_its_owner_until_revoked(session, member):
    record, secret = tokens.create_token(session, member)
    assert tokens.authenticate_token(session, secret) == member
    tokens.revoke_token(session, member, record.id)
    assert tokens.authenticate_token(session, secret) is None
    assert tokens.get_live_tokens(session, member) == []


def test_members_cannot_revoke_each_others_tokens(session, member, make):
    record, secret = tokens.create_token(session, member)
    with pytest.raises(NotFound):
        tokens.revoke_token(session, make.member(), record.id)
    with pytest.raises(NotFound):
        tokens.revoke_token(session, member, 10**12)
    assert tokens.authenticate_token(session, secret) == member


def test_a_deleted_account_has_no_working_tokens(session, member):
    from booking.models import utcnow

    _record, secret = tokens.create_token(session, member)
    member.deleted_at = utcnow()
    assert tokens.authenticate_token(session, secret) is None


def test_token_names_are_limited(session, member):
    with pytest.raises(InvalidRequest):
        tokens.create_token(session, member, "x" * 81)


def test_the_cli_prints_a_working_token_as_its_last_line(app, member, session):
    result = app.test_cli_runner().invoke(args=["tokens", "create", member.email.upper()])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    session.expire_all()
    assert tokens.authenticate_token(session, secret).id == member.id


def test_the_cli_refuses_an_unknown_email(app, db):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output
