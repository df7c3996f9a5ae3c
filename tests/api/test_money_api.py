"""Dues and receipts over the API (issue 17), every answer held to the OpenAPI document."""
from __future__ import annotations

from datetime import timedelta

from booking.clock import today_in_kerala
from booking.models import Booking
from booking.services.bookings.stays import add_months
from booking.services.money.payments import record_payment
from booking.services.money.tariffs import add_tariff

TODAY = today_in_kerala()
CHECK_IN = TODAY + timedelta(days=3)


def _hostel(make, session):
    site = make.hostel(slug="infopark", stay_kinds="nightly,monthly", min_months=1,
                       notice_days=30, longest_stay_months=12,
                       rooms=(("A1", "dormitory", "anyone", 2),))
    add_tariff(session, None, site, effective_from=TODAY, per_night_paise=40000,
               per_month_paise=750000, deposit_paise=1000000, today=TODAY)
    session.commit()
    return site


def test_a_monthly_stay_shows_its_dues_and_receipts(authed, member, make, session, api):
    from booking.services.accounts.policies import accept_policies

    _hostel(make, session)
    accept_policies(session, member)  # consent comes before a monthly stay
    session.commit()
    response = authed.post("/api/v1/bookings", json_body={
        "site": "infopark", "check_in": str(CHECK_IN), "months": 2})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["booking"]
    assert body["dues"] == [
        {"due_on": str(CHECK_IN), "amount_paise": 1000000, "paid_paise": 0, "what": "deposit"},
        {"due_on": str(CHECK_IN), "amount_paise": 750000, "paid_paise": 0, "what": "month 1"},
        {"due_on": str(add_months(CHECK_IN, 1)), "amount_paise": 750000, "paid_paise": 0,
         "what": "month 2"}]
    booking = session.get(Booking, body["id"])
    record_payment(session, None, booking, amount_paise=1200000, paid_on=TODAY, mode="upi",
                   reference="UPI77", today=TODAY)
    session.commit()
    listed = authed.get("/api/v1/bookings").get_json()["bookings"]
    assert [d["paid_paise"] for d in listed[0]["dues"]] == [1000000, 200000, 0]
    receipts = authed.get(f"/api/v1/bookings/{booking.id}/receipts").get_json()
    assert receipts["balance_paise"] == 2500000 - 1200000
    [receipt] = receipts["receipts"]
    assert (receipt["receipt"], receipt["amount_paise"], receipt["mode"]) == (
        "INFOPARK-0001", 1200000, "upi")
    assert f"/bookings/{booking.id}/receipts/" in receipt["pdf"] and receipt["pdf"].endswith(".pdf")


def test_someone_elses_receipts_are_404(authed, make, session):
    site = _hostel(make, session)
    other = make.resident()
    from booking.services.bookings.stays import book_monthly
    from tests.conftest import NOW
    booking = book_monthly(session, other, site, NOW.date() + timedelta(days=3), 1, now=NOW)
    session.commit()
    assert authed.get(f"/api/v1/bookings/{booking.id}/receipts").status_code == 404
