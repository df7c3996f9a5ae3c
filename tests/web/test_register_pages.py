"""The resident register and the policies on the pages and the API (issue 17): the warden's
form per stay, who reaches it, each view audited, the resident's own view, consent."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.clock import now_in_kerala, today_in_kerala
from booking.models import AuditEntry, Booking, RegisterEntry
from booking.services.accounts import tokens
from booking.services.bookings.book import book_bed

from .conftest import sign_in, submit, text_of

CHECK_IN = today_in_kerala() + timedelta(days=2)
ENTRY = {"full_name": "Asha Varghese", "phone": "94470 12345", "employer": "UST, Infopark",
         "emergency_contact_name": "Mary Varghese", "emergency_contact_phone": "9847000001",
         "id_document_type": "aadhaar", "id_number": "6789"}


@pytest.fixture
def hostel(make, session):
    site = make.hostel(name="Infopark Hostel", slug="infopark", stay_kinds="nightly,monthly",
                       rooms=(("A1", "dormitory", "anyone", 2),))
    session.commit()
    return site


@pytest.fixture
def stay(session, member, hostel):
    booking = book_bed(session, member, hostel, CHECK_IN, CHECK_IN + timedelta(days=4),
                       now=now_in_kerala())
    session.commit()
    return booking


@pytest.fixture
def warden(make, session, hostel):
    user = make.member(email="lakshmi@example.org", name="Lakshmi Warrier", role="manager")
    user.managed_sites.append(hostel)
    session.commit()
    return user


def _url(stay) -> str:
    return f"/admin/bookings/{stay.id}/register"


def _audits(db, action: str) -> list[AuditEntry]:
    with db.reader() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))
        s.expunge_all()
        return rows


def _entry(db) -> RegisterEntry | None:
    with db.reader() as s:
        entry = s.scalars(select(RegisterEntry)).first()
        s.expunge_all()
        return entry


def test_the_warden_records_the_entry_from_the_booking_page(client, db, stay, warden):
    sign_in(client, warden.email)
    detail = text_of(client.get(f"/admin/bookings/{stay.id}"))
    assert _url(stay) in detail
    response = submit(client, _url(stay), ENTRY)
    assert response.status_code == 302, text_of(response)
    entry = _entry(db)
    assert (entry.full_name, entry.id_document_type, entry.id_last4) == (
        "Asha Varghese", "aadhaar", "6789")
    page = text_of(client.get(_url(stay)))
    assert "Asha Varghese" in page and "Erased automatically on" in page
    assert [a.actor_id for a in _audits(db, "register.record")] == [warden.id]


def test_a_full_aadhaar_number_is_refused_on_the_form_and_not_echoed(client, db, stay, warden):
    sign_in(client, warden.email)
    response = submit(client, _url(stay), {**ENTRY, "id_number": "2345 6789 0123"})
    assert response.status_code == 422
    page = text_of(response)
    assert "That is a full Aadhaar number: the hostel never keeps one." in page
    assert "2345 6789 0123" not in page and "234567890123" not in page
    assert _entry(db) is None


def test_every_view_of_the_register_page_is_audited(client, db, stay, warden):
    sign_in(client, warden.email)
    submit(client, _url(stay), ENTRY)
    before = len(_audits(db, "register.view"))
    assert client.get(_url(stay)).status_code == 200
    assert client.get(_url(stay)).status_code == 200
    views = _audits(db, "register.view")[before:]
    assert [(v.actor_id, v.target) for v in views] == [(warden.id, f"booking:{stay.id}")] * 2
    # The audit log reads it as a sentence naming who saw whose entry.
    log = text_of(client.get("/admin/audit"))
    assert "saw the register entry of Asha Varghese" in log


def test_others_never_reach_the_register(client, make, session, db, stay, warden):
    sign_in(client, warden.email)
    submit(client, _url(stay), ENTRY)
    other = make.member(email="suresh@example.org", role="manager")
    other.managed_sites.append(make.hostel(slug="technopark"))
    desk = make.desk_booking(member=stay.member)
    session.commit()
    for email, url in (("suresh@example.org", _url(stay)), (stay.member.email, _url(stay))):
        fresh = client.application.test_client()
        sign_in(fresh, email)
        assert fresh.get(url).status_code == 404
        assert fresh.post(url, data=ENTRY).status_code in (400, 404)
    admin = make.member(email="admin2@example.org", role="admin")
    session.commit()
    fresh = client.application.test_client()
    sign_in(fresh, admin.email)
    assert fresh.get(_url(stay)).status_code == 200
    assert fresh.get(f"/admin/bookings/{desk.id}/register").headers["Location"].endswith(
        f"/admin/bookings/{desk.id}")  # a desk booking has no register
    assert {v.actor_id for v in _audits(db, "register.view")} == {admin.id}


def test_the_resident_sees_what_the_hostel_keeps(client, member_client, db, stay, warden):
    page = text_of(member_client.get(f"/bookings/{stay.id}"))
    assert "What the hostel keeps about you" not in page  # a nightly stay, nothing kept yet
    fresh = client.application.test_client()
    sign_in(fresh, warden.email)
    submit(fresh, _url(stay), ENTRY)
    page = text_of(member_client.get(f"/bookings/{stay.id}"))
    assert "What the hostel keeps about you" in page
    assert "Mary Varghese" in page and "6789" in page and "Erased automatically on" in page
    assert _audits(db, "register.view") == []  # the resident's own view is not staff's
    data = json.loads(member_client.get("/account/my-data.json").get_data())
    assert data["register_entries"][0]["id_last4"] == "6789"


# ---------------------------------------------------------------- consent

def test_the_policies_are_public_pages_with_the_rights(client):
    notice = text_of(client.get("/policies/privacy-notice"))
    for words in ("Digital Personal Data Protection Act", "last four digits", "180 days",
                  "Access", "Correction", "Erasure", "Grievance", "Data Protection Board"):
        assert words in notice, words
    assert "Quiet hours" in text_of(client.get("/policies/house-rules"))
    assert client.get("/policies/cookies").status_code == 404
    assert client.get("/policies").status_code == 302  # sign in to accept


def test_a_monthly_stay_waits_for_consent_on_the_pages(member_client, db, hostel):
    form = text_of(member_client.get("/sites/infopark/book-month"))
    assert "/policies?next=" in form
    response = submit(member_client, "/sites/infopark/book-month",
                      {"check_in": CHECK_IN.isoformat(), "months": "1"})
    assert response.status_code == 422
    assert "accept the house rules and the privacy notice" in text_of(response)
    with db.reader() as s:
        assert s.scalars(select(Booking)).first() is None

    unticked = submit(member_client, "/policies", {"house_rules_version": "2026-12",
                                                   "privacy_notice_version": "2026-12"})
    assert unticked.status_code == 422 and "Tick the box" in text_of(unticked)
    stale = submit(member_client, "/policies", {"house_rules_version": "2026-12",
                                                "privacy_notice_version": "2025-01",
                                                "accept": "y"})
    assert stale.status_code == 422 and "newer version" in text_of(stale)
    accepted = submit(member_client, "/policies?next=/sites/infopark/book-month",
                      {"house_rules_version": "2026-12", "privacy_notice_version": "2026-12",
                       "accept": "y", "next": "/sites/infopark/book-month"})
    assert accepted.status_code == 302
    assert accepted.headers["Location"].endswith("/sites/infopark/book-month")
    assert "You have accepted the versions in force" in text_of(member_client.get("/policies"))
    response = submit(member_client, "/sites/infopark/book-month",
                      {"check_in": CHECK_IN.isoformat(), "months": "1"})
    assert response.status_code == 302, text_of(response)


def test_a_monthly_stay_waits_for_consent_over_the_api(client, make, session, hostel):
    from tests.api.conftest import CheckedClient

    member = make.member()
    _record, secret = tokens.create_token(session, member, "tests")
    session.commit()
    api = CheckedClient(client.application).as_(secret)
    body = {"site": "infopark", "check_in": str(CHECK_IN), "months": 1}
    refused = api.post("/api/v1/bookings", json_body=body)
    assert refused.status_code == 422
    assert "POST /api/v1/policies/accept" in refused.get_json()["detail"]
    state = api.get("/api/v1/policies").get_json()
    assert state["accepted"] is False
    versions = {d["document"]: d["version"] for d in state["documents"]}
    assert api.post("/api/v1/policies/accept", json_body={**versions, "house_rules": "1999"}
                    ).status_code == 400
    accepted = api.post("/api/v1/policies/accept", json_body=versions)
    assert accepted.status_code == 200 and accepted.get_json()["accepted"] is True
    assert api.post("/api/v1/bookings", json_body=body).status_code == 201


def test_the_account_tab_shows_every_entry_kept(client, member_client, stay, warden):
    assert "Nothing: no hostel has a register entry about you." in text_of(
        member_client.get("/policies"))
    fresh = client.application.test_client()
    sign_in(fresh, warden.email)
    submit(fresh, _url(stay), ENTRY)
    page = text_of(member_client.get("/policies"))
    assert "Infopark Hostel" in page and "Mary Varghese" in page and "6789" in page
    assert "/policies" in text_of(member_client.get("/account"))
