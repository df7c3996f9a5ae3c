"""Staff and room eligibility: who sees the requests, grant and refuse, the admin's user page."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import AuditEntry, Booking, EligibilityRequest, User
from booking.services.accounts import eligibility


def _pending(session, world, rooms="women"):
    request = eligibility.request_eligibility(session, world.member, rooms)
    session.commit()
    return request.id


def test_requests_are_listed_for_admins_and_hostel_managers_not_centre_managers(
        as_user, world, session):
    _pending(session, world)
    for staff in (world.admin, world.manager_a):  # manager_a runs a hostel (and a centre)
        client = as_user(staff)
        page = client.get("/admin/eligibility").get_data(as_text=True)
        assert "Meera Member" in page and "Asks for women" in page, staff.name
        assert "Room eligibility" in client.get("/admin/sites").get_data(as_text=True)
    client = as_user(world.manager_b)  # runs a centre only
    assert client.get("/admin/eligibility").status_code == 403
    assert "Room eligibility" not in client.get("/admin/sites").get_data(as_text=True)
    response = client.post("/admin/eligibility/decide",
                           data={"request_id": 1, "grant": "Grant", "csrf_token": client.csrf})
    assert response.status_code == 403


def test_members_cannot_reach_the_requests_page(as_user, world):
    assert as_user(world.member).get("/admin/eligibility").status_code == 404


def test_a_hostel_manager_grants_and_the_member_may_book(as_user, world, session, reader):
    request_id = _pending(session, world)
    client = as_user(world.manager_a)
    response = client.post("/admin/eligibility/decide", data={
        "request_id": request_id, "note": "Saw driving licence", "grant": "Grant",
        "csrf_token": client.csrf})
    assert response.status_code == 302
    flashed = client.get(response.location).get_data(as_text=True)
    assert "Meera Member may now book women" in flashed
    reader.rollback()
    assert reader.get(User, world.member.id).hostel_eligibility == "women"
    request = reader.get(EligibilityRequest, request_id)
    assert (request.status, request.decided_by_id) == ("granted", world.manager_a.id)
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "eligibility.grant"))
    assert entry.actor_id == world.manager_a.id


def test_refusing_needs_a_note(as_user, world, session, reader):
    request_id = _pending(session, world)
    client = as_user(world.admin)
    response = client.post("/admin/eligibility/decide", data={
        "request_id": request_id, "note": "", "refuse": "Refuse", "csrf_token": client.csrf})
    assert "Say why" in client.get(response.location).get_data(as_text=True)
    client.post("/admin/eligibility/decide", data={
        "request_id": request_id, "note": "Bring your ID", "refuse": "Refuse",
        "csrf_token": client.csrf})
    reader.rollback()
    assert reader.get(EligibilityRequest, request_id).status == "refused"
    assert reader.get(User, world.member.id).hostel_eligibility is None
    page = client.get("/admin/eligibility").get_data(as_text=True)
    assert "No requests are waiting" in page and "Bring your ID" in page


def test_a_decision_without_a_csrf_token_changes_nothing(as_user, world, session, reader):
    request_id = _pending(session, world)
    client = as_user(world.admin)
    response = client.post("/admin/eligibility/decide",
                           data={"request_id": request_id, "grant": "Grant"})
    assert response.status_code == 400
    reader.rollback()
    assert reader.get(EligibilityRequest, request_id).status == "pending"


def test_admin_revokes_on_the_user_page_and_is_told_which_stays_were_flagged(
        as_user, world, make, session, reader):
    hostel = make.hostel(rooms=(("W1", "dormitory", "women", 2),), name="Infopark Hostel")
    guest = make.member(name="Gauri Guest", hostel_eligibility="women", password=None)
    day = today_in_kerala() + timedelta(days=4)
    stay = make.bed_booking(member=guest, site=hostel, check_in=day, nights=2, bed="W1-1",
                            now=None)
    session.commit()
    client = as_user(world.admin)
    page = client.get(f"/admin/users/{guest.id}").get_data(as_text=True)
    assert 'name="hostel_eligibility"' in page and 'selected value="women"' in page
    response = client.post(f"/admin/users/{guest.id}/eligibility",
                           data={"hostel_eligibility": "", "csrf_token": client.csrf})
    assert response.status_code == 302 and "status=conflict" in response.location
    flashed = client.get(response.location).get_data(as_text=True)
    assert f"#{stay.id} (Infopark Hostel, W1-1)" in flashed
    reader.rollback()
    assert reader.get(User, guest.id).hostel_eligibility is None
    kept = reader.get(Booking, stay.id)
    assert kept.status == "live" and "W1" in kept.conflict
    entry = reader.scalar(select(AuditEntry).where(AuditEntry.action == "eligibility.set"))
    assert entry.actor_id == world.admin.id
    assert json.loads(entry.after) == {"hostel_eligibility": None, "flagged": [stay.id]}


def test_only_admins_set_eligibility_directly(as_user, world, reader):
    client = as_user(world.manager_a)
    response = client.post(f"/admin/users/{world.member.id}/eligibility",
                           data={"hostel_eligibility": "women", "csrf_token": client.csrf})
    assert response.status_code == 403
    reader.rollback()
    assert reader.get(User, world.member.id).hostel_eligibility is None


def test_bad_values_on_the_user_page_are_a_message_not_an_error(as_user, world, reader):
    client = as_user(world.admin)
    response = client.post(f"/admin/users/{world.member.id}/eligibility",
                           data={"hostel_eligibility": "martians", "csrf_token": client.csrf})
    assert response.status_code == 302
    assert "Choose what they may book" in client.get(response.location).get_data(as_text=True)
    for bad in ({"request_id": "x", "grant": "y"}, {"request_id": 999999, "grant": "y"},
                {"request_id": 2**63, "grant": "y"},
                {"request_id": 1, "grant": "y", "refuse": "y"}):
        response = client.post("/admin/eligibility/decide", data={**bad, "csrf_token": client.csrf})
        assert response.status_code == 302
    reader.rollback()
    assert reader.get(User, world.member.id).hostel_eligibility is None


def test_the_decisions_are_in_the_audit_log_for_admins(as_user, world, session):
    _pending(session, world)
    page = as_user(world.admin).get("/admin/audit").get_data(as_text=True)
    assert "eligibility.request" in page

