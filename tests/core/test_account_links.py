"""Signed account links and the verification rule, without a web request."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from booking.models import OutboxMessage
from booking.services.accounts import verification
from booking.services.accounts.links import PASSWORD_RESET, VERIFY_EMAIL, AccountLinks
from booking.services.errors import EmailNotVerified, LinkExpired, LinkInvalid
from tests.conftest import FakeClock

HOUR = 3600


def test_a_link_works_for_its_lifetime_and_then_is_expired():
    clock = FakeClock()
    links = AccountLinks("secret", clock=clock)
    verify, reset = links.make(VERIFY_EMAIL, [1, "a@example.org"]), links.make(PASSWORD_RESET, [1])
    clock.advance(HOUR)
    assert links.read(PASSWORD_RESET, reset) == [1]
    clock.advance(1)
    with pytest.raises(LinkExpired):
        links.read(PASSWORD_RESET, reset)
    clock.advance(47 * HOUR - 1)
    assert links.read(VERIFY_EMAIL, verify) == [1, "a@example.org"]
    clock.advance(1)
    with pytest.raises(LinkExpired):
        links.read(VERIFY_EMAIL, verify)


def test_a_link_for_another_purpose_or_secret_or_altered_is_invalid():
    links = AccountLinks("secret")
    token = links.make(VERIFY_EMAIL, [1, "a@example.org"])
    for purpose, reader, value in ((PASSWORD_RESET, links, token),
                                   (VERIFY_EMAIL, AccountLinks("other"), token),
                                   (VERIFY_EMAIL, links, token.replace(".", "x.", 1)),
                                   (VERIFY_EMAIL, links, "")):
        with pytest.raises(LinkInvalid):
            reader.read(purpose, value)


def test_registering_writes_the_notice_in_the_same_transaction(db):
    links = AccountLinks("secret")
    with db.writer() as session:
        with session.begin():
            verification.register_member(session, links, "n@example.org", "N", "long-enough-1")
            session.rollback()
    with db.writer() as session, session.begin():
        member = verification.register_member(session, links, "n@example.org", "N",
                                              "long-enough-1")
        assert member.email_verified_at is None
    with db.reader() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert [(r.kind, r.to_address) for r in rows] == [("verify_email", "n@example.org")]


def test_every_booking_path_refuses_an_unverified_member_until_verified(make, session):
    member = make.member(email_verified=False)
    with pytest.raises(EmailNotVerified, match="Verify your email address"):
        make.desk_booking(member=member)
    with pytest.raises(EmailNotVerified):
        make.bed_booking(member=member)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert make.member().email_verified_at is not None  # staff/CLI/seed-made: verified
