"""The resident register (issue 17, DPDP Act 2023): four ID digits only, seen by the
hostel's own staff with every view audited, consent before a monthly stay, erased on
schedule, exported and erased with the account. Both engines."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.clock import KOLKATA
from booking.models import AuditEntry, Booking, PolicyAcceptance, RegisterEntry
from booking.services.accounts import policies
from booking.services.accounts.privacy import delete_account, export_member_data
from booking.services.bookings import register
from booking.services.bookings.register import RegisterDetails
from booking.services.bookings.stays import book_monthly
from booking.services.errors import (
    InvalidRequest, NotPermitted, PoliciesNotAccepted, RegisterRefused,
)
from tests.conftest import NOW

TODAY = NOW.date()
AADHAAR = "2345 6789 0123"


def _details(**values) -> RegisterDetails:
    return RegisterDetails(**{
        "full_name": "Anjali Nair", "phone": "94470 12345", "employer": "UST, Infopark",
        "emergency_contact_name": "Sreedevi Nair", "emergency_contact_phone": "098470 00001",
        "id_document_type": "aadhaar", "id_number": "0123", **values})


@pytest.fixture
def hostel(make):
    return make.hostel(stay_kinds="nightly,monthly", rooms=(("R1", "dormitory", "anyone", 4),))


@pytest.fixture
def warden(make, hostel):
    user = make.member(role="manager", email="warden@example.org")
    user.managed_sites.append(hostel)
    return user


@pytest.fixture
def stay(make, hostel):
    return make.bed_booking(site=hostel, check_in=TODAY + timedelta(days=1), nights=5)


def _audits(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.id)))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- four digits, never more

@pytest.mark.parametrize("typed", [AADHAAR, "234567890123", "2345-6789-0123"])
def test_a_full_aadhaar_number_is_refused_saying_why(session, stay, warden, typed):
    with pytest.raises(RegisterRefused) as refused:
        register.save_entry(session, stay, warden, _details(id_number=typed))
    assert refused.value.field == "id_number"
    assert "full Aadhaar number" in refused.value.message
    assert "never keeps" in refused.value.message and "last four digits" in refused.value.message
    assert _count(session, RegisterEntry) == 0


@pytest.mark.parametrize("kind, typed", [("passport", "M1234567"), ("pan", "ABCDE1234F"),
                                         ("voter_id", "12345"), ("employee_id", "123"),
                                         ("driving_licence", "")])
def test_anything_but_four_digits_is_refused(session, stay, warden, kind, typed):
    with pytest.raises(RegisterRefused) as refused:
        register.save_entry(session, stay, warden, _details(id_document_type=kind,
                                                            id_number=typed))
    assert refused.value.field == "id_number" and "four digits" in refused.value.message
    assert _count(session, RegisterEntry) == 0


def test_only_the_last_four_digits_are_stored(session, stay, warden):
    entry = register.save_entry(session, stay, warden,
                                _details(id_document_type="employee_id", id_number="90 12"))
    session.commit()
    session.expire_all()
    row = session.get(RegisterEntry, entry.id)
    assert (row.id_document_type, row.id_last4) == ("employee_id", "9012")
    assert (row.phone, row.emergency_contact_phone) == ("+919447012345", "+919847000001")
    assert row.recorded_by_id == warden.id and row.site_id == stay.site_id


def test_a_bad_phone_or_a_missing_name_is_refused_next_to_its_field(session, stay, warden):
    for values, field in (({"phone": "12345"}, "phone"),
                          ({"emergency_contact_phone": "0484 2345"}, "emergency_contact_phone"),
                          ({"full_name": "  "}, "full_name"),
                          ({"id_document_type": "ration_card"}, "id_document_type")):
        with pytest.raises(RegisterRefused) as refused:
            register.save_entry(session, stay, warden, _details(**values))
        assert refused.value.field == field
    assert _count(session, RegisterEntry) == 0


def test_changes_until_departure_are_audited_by_field_name_not_value(session, stay, warden):
    register.save_entry(session, stay, warden, _details())
    register.save_entry(session, stay, warden, _details(phone="9895011111", employer="IBS"))
    register.save_entry(session, stay, warden, _details(phone="9895011111", employer="IBS"))
    assert len(_audits(session, "register.record")) == 1
    updates = _audits(session, "register.update")
    assert len(updates) == 1  # saving the same details again changes nothing
    assert json.loads(updates[0].after)["fields"] == ["phone", "employer"]
    for entry in _audits(session, "register.record") + updates:
        assert "9895011111" not in entry.after + entry.before and "IBS" not in entry.after
        assert entry.target == f"booking:{stay.id}" and entry.actor_id == warden.id
    stay.departed_at = NOW
    with pytest.raises(RegisterRefused, match="departed"):
        register.save_entry(session, stay, warden, _details(employer="Tata Elxsi"))


# ---------------------------------------------------------------- who sees it

def test_only_the_hostels_wardens_and_admins_see_the_register(make, session, hostel, stay,
                                                              warden):
    register.save_entry(session, stay, warden, _details())
    other_warden = make.member(role="manager")
    other_warden.managed_sites.append(make.hostel())
    admin = make.member(role="admin")
    for outsider in (stay.member, make.member(), other_warden):
        assert not register.can_see_register(outsider, hostel)
        with pytest.raises(NotPermitted):
            register.view_entry(session, stay, outsider)
        with pytest.raises(NotPermitted):
            register.save_entry(session, stay, outsider, _details(full_name="Someone"))
    assert register.view_entry(session, stay, admin).full_name == "Anjali Nair"
    assert register.view_entry(session, stay, warden).full_name == "Anjali Nair"


def test_every_view_is_audited_with_who_and_whose(make, session, stay, warden):
    entry = register.save_entry(session, stay, warden, _details())
    admin = make.member(role="admin")
    register.view_entry(session, stay, warden)
    register.view_entry(session, stay, admin)
    register.view_entry(session, stay, warden)
    views = _audits(session, "register.view")
    assert [v.actor_id for v in views] == [warden.id, admin.id, warden.id]
    assert {(v.target, json.loads(v.after)["entry"], v.site_id) for v in views} == {
        (f"booking:{stay.id}", entry.id, stay.site_id)}
    assert all("Anjali" not in v.after for v in views)


# ---------------------------------------------------------------- consent

def test_a_monthly_stay_needs_the_policies_in_force_accepted(make, session, hostel,
                                                             monkeypatch):
    member = make.member()
    check_in = TODAY + timedelta(days=3)
    with pytest.raises(PoliciesNotAccepted) as refused:
        book_monthly(session, member, hostel, check_in, 1, now=NOW)
    assert "/policies" in refused.value.message and "POST /api/v1/policies/accept" in \
        refused.value.message and refused.value.http_status == 422
    assert _count(session, Booking) == 0
    # Nightly stays need no consent.
    make.bed_booking(member=member, site=hostel, check_in=check_in, nights=1)

    assert sorted(policies.accept_policies(session, member)) == ["house_rules", "privacy_notice"]
    assert policies.accept_policies(session, member) == []  # once is enough
    first = book_monthly(session, member, hostel, check_in + timedelta(days=1), 1, now=NOW)
    assert first.is_monthly

    # A new privacy notice: accepted again before the next monthly stay.
    monkeypatch.setitem(policies.CURRENT_POLICY_VERSIONS, "privacy_notice", "2027-06")
    assert policies.missing_policies(session, member) == ["privacy_notice"]
    later = check_in + timedelta(days=60)
    with pytest.raises(PoliciesNotAccepted):
        book_monthly(session, member, hostel, later, 1, now=NOW)
    with pytest.raises(InvalidRequest, match="newer version"):
        policies.accept_policies(session, member, {"house_rules": "2026-12",
                                                   "privacy_notice": "2026-12"})
    assert policies.accept_policies(session, member, {"house_rules": "2026-12",
                                                      "privacy_notice": "2027-06"}) == [
        "privacy_notice"]
    assert book_monthly(session, member, hostel, later, 1, now=NOW).is_monthly
    assert _count(session, PolicyAcceptance) == 3


# ---------------------------------------------------------------- retention

def test_entries_are_erased_on_schedule_after_departure_keeping_the_stay(make, session, hostel,
                                                                         stay, warden):
    hostel.register_retention_days = 30
    entry = register.save_entry(session, stay, warden, _details())
    departed = datetime(2026, 12, 4, 10, 0, tzinfo=KOLKATA)  # left a day early
    stay.departed_at = departed
    never_left = make.bed_booking(site=hostel, check_in=TODAY + timedelta(days=1), nights=10)
    other = register.save_entry(session, never_left, warden, _details(full_name="Rahul Nair"))
    session.commit()

    assert register.erase_expired_entries(session, departed + timedelta(days=29)) == 0
    assert register.erase_expired_entries(session, departed + timedelta(days=30)) == 1
    session.commit()
    session.expire_all()
    erased = session.get(RegisterEntry, entry.id)
    assert erased.is_erased and erased.booking_id == stay.id
    assert all(getattr(erased, f) is None for f in register.PERSONAL_FIELDS)
    assert session.get(Booking, stay.id).member_id is not None  # the stay is kept
    (erasure,) = _audits(session, "register.erase")
    assert erasure.actor_id is None and erasure.target == f"booking:{stay.id}"
    assert json.loads(erasure.after) == {"entry": entry.id, "reason": "retention"}

    # No departure recorded: 30 days from its check-out (12 Dec).
    ends = datetime.combine(never_left.ends_on, NOW.timetz())
    assert register.erase_expired_entries(session, ends + timedelta(days=29)) == 0
    assert register.erase_expired_entries(session, ends + timedelta(days=30)) == 1
    assert session.get(RegisterEntry, other.id).is_erased
    assert register.erase_expired_entries(session, ends + timedelta(days=400)) == 0  # once


def test_the_default_retention_is_180_days_and_the_worker_runs_it(make, session, hostel, stay,
                                                                  warden, monkeypatch):
    import booking.worker as worker

    assert hostel.register_retention_days == 180
    assert "erase expired register entries" in [name for name, _ in worker.periodic_tasks()]
    assert ("erase expired register entries", worker.erase_register_task) in \
        worker.periodic_tasks()
    register.save_entry(session, stay, warden, _details())
    assert register.erasure_due_on(stay) == stay.ends_on + timedelta(days=180)
    clock = datetime.combine(stay.ends_on + timedelta(days=179), NOW.timetz())
    monkeypatch.setattr(worker, "now_in_kerala", lambda: clock)
    worker.erase_register_task(session)
    assert _count(session, RegisterEntry) == 1 and not register.get_entry(session, stay).is_erased
    clock += timedelta(days=1)
    worker.erase_register_task(session)
    assert register.get_entry(session, stay).is_erased


# ---------------------------------------------------------------- export and deletion

def test_the_export_includes_the_members_register_entries(session, stay, warden):
    register.save_entry(session, stay, warden, _details(id_number="0123"))
    policies.accept_policies(session, stay.member)
    data = export_member_data(session, stay.member)
    (kept,) = data["register_entries"]
    assert kept["booking_id"] == stay.id and kept["id_last4"] == "0123"
    assert kept["full_name"] == "Anjali Nair" and kept["emergency_contact_name"] == "Sreedevi Nair"
    assert kept["erasure_due_on"] == (stay.ends_on + timedelta(days=180)).isoformat()
    assert {a["document"] for a in data["policy_acceptances"]} == {"house_rules",
                                                                   "privacy_notice"}
    json.dumps(data)  # JSON-ready


def test_deleting_the_account_erases_the_entries(make, session, hostel, stay, warden):
    member = stay.member
    past = make.bed_booking(member=member, site=hostel, check_in=TODAY - timedelta(days=20),
                            nights=3, now=NOW - timedelta(days=25))
    register.save_entry(session, past, warden, _details())
    register.save_entry(session, stay, warden, _details())  # upcoming: cancelled by deletion
    delete_account(session, member, TODAY)
    entries = session.scalars(select(RegisterEntry)).all()
    assert len(entries) == 2 and all(e.is_erased for e in entries)
    assert [json.loads(a.after)["reason"] for a in _audits(session, "register.erase")] == [
        "account deleted"] * 2


def test_deleting_the_account_is_refused_while_a_stay_is_current(make, session, hostel, warden):
    member = make.member()
    current = make.bed_booking(member=member, site=hostel, check_in=TODAY - timedelta(days=2),
                               nights=10, now=NOW - timedelta(days=3))
    register.save_entry(session, current, warden, _details())
    with pytest.raises(RegisterRefused, match="must keep your register entry") as refused:
        delete_account(session, member, TODAY)
    assert hostel.name in refused.value.message
    assert not member.is_deleted and not register.get_entry(session, current).is_erased
    # After departure the account goes, and the entry with it.
    current.departed_at = NOW
    delete_account(session, member, TODAY)
    assert register.get_entry(session, current).is_erased
