"""Room eligibility: members ask, staff decide, every change audited, stays it no longer
allows flagged (never cancelled)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from booking.models import AuditEntry, EligibilityRequest, RequestStatus
from booking.services.accounts import eligibility, privacy, roles as users_admin
from booking.services.errors import InvalidRequest, NotEligible, NotPermitted
from tests.conftest import NOW, TODAY

ROOMS = (("W1", "dormitory", "women", 2), ("M1", "dormitory", "men", 2),
         ("A1", "twin", "anyone", 2))


@pytest.fixture
def hostel(make):
    return make.hostel(rooms=ROOMS)


@pytest.fixture
def warden(make, session, hostel):
    admin = make.member(role="admin", password=None)
    warden = make.member(name="Warden", password=None)
    users_admin.set_role(session, admin, warden, "manager", [hostel.id])
    return warden


def audit_rows(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id)).all()


def test_a_request_alone_cannot_book_a_womens_bed(make, hostel):
    member = make.member(password=None)
    request = eligibility.request_eligibility(make.session, member, "women")
    assert request.is_pending and member.hostel_eligibility is None
    with pytest.raises(NotEligible, match="ask on your account page"):
        make.bed_booking(member=member, site=hostel, bed="W1-1")
    stay = make.bed_booking(member=member, site=hostel)  # any free bed: only "anyone" rooms
    assert stay.bed.room.designation == "anyone"


def test_a_hostel_manager_grants_a_request_and_it_is_audited(make, session, hostel, warden):
    member = make.member(password=None)
    request = eligibility.request_eligibility(session, member, "women")
    decision = eligibility.grant_request(session, warden, request, TODAY, note="Saw licence")
    assert member.hostel_eligibility == "women" and decision.flagged == []
    assert (request.status, request.decided_by_id, request.note) == ("granted", warden.id,
                                                                     "Saw licence")
    assert request.decided_at is not None
    [asked] = audit_rows(session, "eligibility.request")
    assert asked.actor_id == member.id and asked.target == f"user:{member.id}"
    [granted] = audit_rows(session, "eligibility.grant")
    assert granted.actor_id == warden.id
    assert json.loads(granted.before) == {"hostel_eligibility": None}
    assert json.loads(granted.after)["hostel_eligibility"] == "women"
    assert make.bed_booking(member=member, site=hostel, bed="W1-1").bed.label == "W1-1"


def test_refusing_leaves_eligibility_unchanged_needs_a_note_and_is_audited(make, session,
                                                                          warden):
    member = make.member(password=None)
    request = eligibility.request_eligibility(session, member, "men")
    with pytest.raises(InvalidRequest, match="Say why"):
        eligibility.refuse_request(session, warden, request, "  ")
    eligibility.refuse_request(session, warden, request, "Bring a photo ID to the front desk")
    assert member.hostel_eligibility is None and request.status == RequestStatus.REFUSED
    [refused] = audit_rows(session, "eligibility.refuse")
    assert refused.actor_id == warden.id
    assert json.loads(refused.before) == {"pending": "men", "request": request.id}
    with pytest.raises(InvalidRequest, match="already refused"):
        eligibility.grant_request(session, warden, request, TODAY)


def test_revoking_flags_future_and_current_stays_it_no_longer_allows_but_not_past_ones(
        make, session, hostel):
    admin = make.member(role="admin", password=None)
    member = make.member(hostel_eligibility="women", password=None)
    past = make.bed_booking(member=member, site=hostel, bed="W1-1",
                            check_in=TODAY - timedelta(days=10), nights=3,
                            now=NOW - timedelta(days=11))
    current = make.bed_booking(member=member, site=hostel, bed="W1-2",
                               check_in=TODAY - timedelta(days=1), nights=3,
                               now=NOW - timedelta(days=2))
    future = make.bed_booking(member=member, site=hostel, bed="W1-1",
                              check_in=TODAY + timedelta(days=5), nights=2)
    shared = make.bed_booking(member=member, site=hostel, bed="A1-1",
                              check_in=TODAY + timedelta(days=9), nights=2)

    decision = eligibility.set_eligibility(session, admin, member, None, TODAY)

    assert decision.flagged == [current, future]
    assert "W1" in future.conflict and "rooms for anyone" in future.conflict
    assert "1 Dec 2026" in future.conflict
    assert past.conflict is None and shared.conflict is None
    assert all(b.is_live for b in (past, current, future, shared))  # flagged, not cancelled
    assert [e.kind for e in future.events][-1] == "conflict"
    [row] = audit_rows(session, "eligibility.set")
    assert row.actor_id == admin.id
    assert json.loads(row.before) == {"hostel_eligibility": "women"}
    assert json.loads(row.after) == {"hostel_eligibility": None,
                                     "flagged": [current.id, future.id]}


def test_granting_the_other_value_flags_stays_in_rooms_of_the_first(make, session, hostel,
                                                                     warden):
    member = make.member(hostel_eligibility="men", password=None)
    in_mens = make.bed_booking(member=member, site=hostel, bed="M1-1", nights=2)
    request = eligibility.request_eligibility(session, member, "women")
    decision = eligibility.grant_request(session, warden, request, TODAY)
    assert decision.flagged == [in_mens] and in_mens.conflict
    assert (decision.before, decision.after) == ("men", "women")


def test_setting_the_same_value_again_flags_nothing(make, session, hostel):
    admin = make.member(role="admin", password=None)
    member = make.member(hostel_eligibility="women", password=None)
    stay = make.bed_booking(member=member, site=hostel, bed="W1-1")
    assert eligibility.set_eligibility(session, admin, member, "women", TODAY).flagged == []
    assert stay.conflict is None


def test_an_admin_setting_what_was_asked_answers_the_request(make, session):
    admin = make.member(role="admin", password=None)
    member = make.member(password=None)
    request = eligibility.request_eligibility(session, member, "men")
    eligibility.set_eligibility(session, admin, member, "men", TODAY)
    assert request.status == "granted" and request.decided_by_id == admin.id


def test_who_may_decide(make, session, hostel):
    admin = make.member(role="admin", password=None)
    centre_manager = make.member(password=None)
    users_admin.set_role(session, admin, centre_manager, "manager", [make.centre().id])
    member = make.member(password=None)
    request = eligibility.request_eligibility(session, member, "women")
    for stranger in (centre_manager, make.member(password=None)):
        with pytest.raises(NotPermitted):
            eligibility.grant_request(session, stranger, request, TODAY)
        with pytest.raises(NotPermitted):
            eligibility.get_pending_requests(session, stranger)
    with pytest.raises(NotPermitted):  # only admins set it directly
        eligibility.set_eligibility(session, centre_manager, member, "women", TODAY)
    own = eligibility.request_eligibility(session, admin, "men")
    with pytest.raises(NotPermitted, match="Someone else"):
        eligibility.grant_request(session, admin, own, TODAY)
    assert member.hostel_eligibility is None and admin.hostel_eligibility is None


def test_asking_for_the_other_rooms_replaces_the_open_request_and_withdrawing_is_audited(
        make, session):
    member = make.member(password=None)
    first = eligibility.request_eligibility(session, member, "women")
    assert eligibility.request_eligibility(session, member, "women") is first  # no duplicate
    second = eligibility.request_eligibility(session, member, "men")
    assert first.status == "withdrawn" and second.is_pending
    eligibility.withdraw_request(session, member)
    assert second.status == "withdrawn" and eligibility.get_pending_request(session, member) is None
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "eligibility.request", "eligibility.request", "eligibility.withdraw"]
    with pytest.raises(InvalidRequest):
        eligibility.withdraw_request(session, member)


def test_asking_for_what_is_granted_or_for_nonsense_is_refused(make, session):
    member = make.member(hostel_eligibility="women", password=None)
    with pytest.raises(InvalidRequest, match="already"):
        eligibility.request_eligibility(session, member, "women")
    with pytest.raises(InvalidRequest):
        eligibility.request_eligibility(session, member, "anyone")


def test_the_database_keeps_one_open_request_per_member(make, session):
    member = make.member(password=None)
    session.add(EligibilityRequest(user_id=member.id, requested="women", status="pending"))
    session.flush()
    session.add(EligibilityRequest(user_id=member.id, requested="women", status="refused"))
    session.flush()  # closed requests are history; any number may exist
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(EligibilityRequest(user_id=member.id, requested="men", status="pending"))
            session.flush()


def test_deleting_the_account_deletes_the_requests(make, session):
    member = make.member(password=None)
    eligibility.request_eligibility(session, member, "women")
    privacy.delete_account(session, member, TODAY)
    assert session.scalars(select(EligibilityRequest)).all() == []
