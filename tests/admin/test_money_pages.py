"""Hostel money pages (issue 17): tariffs, payments and receipts, the collections CSV, who sees what."""
from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from booking.clock import today_in_kerala
from booking.models import AuditEntry, Booking, Payment, Tariff
from booking.services.accounts.policies import accept_policies
from booking.services.bookings.stays import book_monthly
from booking.services.money.payments import record_payment
from booking.services.money.tariffs import add_tariff
from tests.admin.conftest import csrf_token, sign_in
from tests.conftest import NOW


def _stay(session, make, world, member=None):
    hostel = world.hostel
    hostel.stay_kinds = "nightly,monthly"
    today = today_in_kerala()
    add_tariff(session, None, hostel, effective_from=today, per_night_paise=40000,
               per_month_paise=750000, deposit_paise=1000000, today=today)
    accept_policies(session, member or world.member)  # consent comes before a monthly stay
    booking = book_monthly(session, member or world.member, hostel, NOW.date() + timedelta(days=3),
                           2, now=NOW)
    session.commit()
    return booking


def test_a_manager_adds_a_tariff_refusals_next_to_the_fields(world, client, reader):
    sign_in(client, world.manager_a)
    url = f"/admin/sites/{world.hostel.id}/tariffs"
    assert client.get(url).status_code == 200
    today = today_in_kerala()
    bad = client.post(url, data={"csrf_token": csrf_token(client, url),
                                 "effective_from": (today - timedelta(days=1)).isoformat(),
                                 "per_month": "7,500", "per_night": "abc", "deposit": "10000"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "cannot start in the past" in page and 'id="effective_from-error"' in page
    assert 'id="per_night-error"' in page
    good = client.post(url, data={"csrf_token": csrf_token(client, url),
                                  "effective_from": today.isoformat(), "per_month": "7,500",
                                  "per_night": "400", "deposit": "10000.50"})
    assert good.status_code == 302
    reader.rollback()
    tariff = reader.scalar(select(Tariff))
    assert (tariff.per_month_paise, tariff.per_night_paise, tariff.deposit_paise) == (
        750000, 40000, 1000050)
    assert reader.scalar(select(AuditEntry).where(AuditEntry.action == "tariff.add"))
    assert "₹7,500.00" in client.get(url).get_data(as_text=True)
    # A manager of other sites does not see this one.
    sign_in(client, world.manager_b)
    assert client.get(url).status_code == 404


def test_staff_record_reverse_and_download_receipts(world, client, reader, session, make):
    booking = _stay(session, make, world)
    sign_in(client, world.manager_a)
    detail = client.get(f"/admin/bookings/{booking.id}").get_data(as_text=True)
    url = f"/admin/bookings/{booking.id}/payments"
    assert url in detail
    page = client.get(url).get_data(as_text=True)
    assert "₹10,000.00" in page  # the deposit due
    today = today_in_kerala().isoformat()
    token = csrf_token(client, url)
    for amount in ("0", "-5"):
        refused = client.post(url, data={"csrf_token": token, "kind": "payment", "amount": amount,
                                         "paid_on": today, "mode": "cash"})
        assert refused.status_code == 400
        assert 'id="amount-error"' in refused.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": token, "kind": "payment", "amount": "17,500",
                                  "paid_on": today, "mode": "upi", "reference": "UPI123"})
    assert done.status_code == 302
    reader.rollback()
    payment = reader.scalar(select(Payment))
    assert (payment.amount_paise, payment.receipt_no, payment.mode) == (1750000, 1, "upi")
    pdf = client.get(f"{url}/{payment.id}/receipt.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "TECHNOPARK-0001" in text and "17,500.00" in text and "Seventeen Thousand" in text
    assert client.get(f"{url}/{payment.id}/receipt.pdf?lang=ml").status_code == 200
    # Reversal: a reason is required; then once only; audited.
    rev = f"{url}/{payment.id}/reverse"
    assert client.post(rev, data={"csrf_token": token, "rev-reason": ""}).status_code == 400
    assert client.post(rev, data={"csrf_token": token, "rev-reason": "Wrong stay"}).status_code == 302
    again = client.post(rev, data={"csrf_token": token, "rev-reason": "again"})
    assert again.status_code == 400
    reader.rollback()
    assert [p.amount_paise for p in reader.scalars(select(Payment).order_by(Payment.id))] == [
        1750000, -1750000]
    assert reader.scalar(select(AuditEntry).where(AuditEntry.action == "payment.reverse"))
    audit_page = client.get(f"/admin/audit?site={world.hostel.id}").get_data(as_text=True)
    assert "reversed receipt 1 (₹17,500.00)" in audit_page and "Wrong stay" in audit_page
    assert "recorded ₹17,500.00 (upi)" in audit_page
    # Staff of another site: 404 for the page and the receipt.
    sign_in(client, world.manager_b)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/{payment.id}/receipt.pdf").status_code == 404


def test_residents_download_their_own_receipts_only(world, client, session, make):
    booking = _stay(session, make, world)
    other = make.resident(name="Other Resident", password=None)
    other_booking = _stay_for(session, world, other, booking)
    today = today_in_kerala()
    mine = record_payment(session, None, booking, amount_paise=1000000, paid_on=today,
                          mode="cash", today=today)
    theirs = record_payment(session, None, other_booking, amount_paise=500000, paid_on=today,
                            mode="cash", today=today)
    session.commit()
    sign_in(client, world.member)
    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)
    link = f"/bookings/{booking.id}/receipts/{mine.id}.pdf"
    assert link in page and "₹10,000.00" in page
    payments_page = client.get(f"/bookings/{booking.id}/payments")
    assert payments_page.status_code == 200 and link in payments_page.get_data(as_text=True)
    assert client.get(f"/bookings/{other_booking.id}/payments").status_code == 404
    response = client.get(link + "?lang=ml")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/bookings/{other_booking.id}/receipts/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/bookings/{booking.id}/receipts/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/admin/bookings/{booking.id}/payments/{mine.id}/receipt.pdf").status_code == 404


def _stay_for(session, world, member, first: Booking) -> Booking:
    accept_policies(session, member)
    booking = book_monthly(session, member, world.hostel, first.starts_on, 1, now=NOW)
    session.commit()
    return booking


def test_the_collections_csv_for_admins_and_the_sites_manager(world, client, session, make):
    booking = _stay(session, make, world)
    today = today_in_kerala()
    record_payment(session, None, booking, amount_paise=750050, paid_on=today, mode="bank",
                   reference="UTR9", today=today)
    session.commit()
    url = f"/admin/sites/{world.hostel.id}/collections.csv?month={today:%Y-%m}"
    for user in (world.admin, world.manager_a):
        sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        text = response.get_data(as_text=True)
        assert '"TECHNOPARK-0001"' in text and '"Meera Member"' in text and '"7500.50"' in text
        assert '"bank","UTR9","payment"' in text
    assert client.get(url.replace(f"{today:%Y-%m}", "2026-13")).status_code == 400
    sign_in(client, world.manager_b)
    assert client.get(url).status_code == 404
    sign_in(client, world.member)
    assert client.get(url).status_code == 404
