"""Hostel money (issue 17): paise, tariffs, dues, payments, reversals, receipt numbers, PDFs, CSV."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking.models import AuditEntry, Payment
from booking.services.bookings.dues import dues_for
from booking.services.bookings.stays import book_monthly
from booking.services.errors import InPast, InvalidRequest, RuleViolation
from booking.services.money.amounts import (
    amount_in_words, format_inr, number_in_words, parse_rupees, rupees_text,
)
from booking.services.money.collections import collections_csv, get_collections
from booking.services.money.dues import balance_for
from booking.services.money.payments import record_payment, reverse_payment
from booking.services.money.receipts import receipt_number, render_receipt
from booking.services.money.tariffs import add_tariff, get_tariffs, tariff_on
from tests.conftest import NOW
from tests.core.test_concurrency import race

TODAY = NOW.date()
CHECK_IN = TODAY + timedelta(days=5)


def _hostel(make, **rules):
    values = {"stay_kinds": "nightly,monthly", "min_months": 1, "notice_days": 30,
              "longest_stay_months": 12, **rules}
    return make.hostel(rooms=(("R1", "dormitory", "anyone", 4),), **values)


def _tariff(session, site, day=TODAY, month=750000, night=40000, deposit=1000000):
    return add_tariff(session, None, site, effective_from=day, per_night_paise=night,
                      per_month_paise=month, deposit_paise=deposit, today=TODAY)


def _pay(session, booking, paise, **kw):
    values = {"paid_on": TODAY, "mode": "upi", "reference": "UPI-1", "today": TODAY} | kw
    return record_payment(session, None, booking, amount_paise=paise, **values)


# ---------------------------------------------------------------- amounts

@pytest.mark.parametrize("text, paise", [
    ("7500", 750000), ("7,500.50", 750050), ("₹ 1,23,456", 12345600), ("0.5", 50),
    ("10000.05", 1000005), ("0", 0)])
def test_rupees_become_paise(text, paise):
    assert parse_rupees(text) == paise


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.234", "1e5", "12..5", "₹", "1,00,00,00,001"])
def test_bad_amounts_are_refused_with_a_message(text):
    with pytest.raises(InvalidRequest) as refusal:
        parse_rupees(text)
    assert refusal.value.message


def test_indian_grouping_and_words():
    assert format_inr(12345600) == "₹1,23,456.00"
    assert format_inr(1234567800) == "₹1,23,45,678.00"
    assert rupees_text(-750050) == "-7500.50"
    assert number_in_words(0) == "Zero"
    assert number_in_words(15) == "Fifteen"
    assert number_in_words(105) == "One Hundred Five"
    assert number_in_words(100000) == "One Lakh"
    assert number_in_words(12345678) == "One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight"
    assert amount_in_words(12345600) == (
        "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six Only")
    assert amount_in_words(750050) == "Rupees Seven Thousand Five Hundred and Fifty Paise Only"


# ---------------------------------------------------------------- tariffs

def test_a_tariff_in_the_past_is_refused_and_changes_never_touch_past_stays(make, session):
    site = _hostel(make)
    with pytest.raises(InPast):
        _tariff(session, site, day=TODAY - timedelta(days=1))
    first = _tariff(session, site)
    later = _tariff(session, site, day=CHECK_IN + timedelta(days=10), month=900000)
    assert [t.id for t in get_tariffs(session, site)] == [later.id, first.id]
    assert tariff_on(session, site.id, CHECK_IN) is first
    assert tariff_on(session, site.id, TODAY - timedelta(days=1)) is None
    with pytest.raises(RuleViolation):
        _tariff(session, site)  # one per site and day
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "tariff.add")).all()
    assert len(entries) == 2


# ---------------------------------------------------------------- dues

def test_a_monthly_stay_owes_deposit_and_first_month_then_each_month(make, session):
    site = _hostel(make)
    _tariff(session, site)
    booking = book_monthly(session, make.resident(), site, CHECK_IN, 3, now=NOW)
    # A tariff added later does not change this stay's prices.
    _tariff(session, site, day=CHECK_IN + timedelta(days=1), month=999900)
    dues = dues_for(session, booking)
    assert [(d["due_on"], d["what"], d["amount_paise"], d["paid_paise"]) for d in dues] == [
        (CHECK_IN, "deposit", 1000000, 0), (CHECK_IN, "month 1", 750000, 0),
        (date(2027, 1, 6), "month 2", 750000, 0), (date(2027, 2, 6), "month 3", 750000, 0)]
    _pay(session, booking, 1500000)
    _pay(session, booking, 100000, mode="cash", reference="")
    dues = dues_for(session, booking)
    assert [d["paid_paise"] for d in dues] == [1000000, 600000, 0, 0]  # oldest first
    balance = balance_for(session, booking, CHECK_IN)
    assert (balance.due_paise, balance.paid_paise, balance.outstanding_paise,
            balance.overdue_paise) == (3250000, 1600000, 1650000, 150000)


def test_a_nightly_stay_owes_its_nights_at_check_in(make, session):
    site = _hostel(make)
    _tariff(session, site)
    booking = make.bed_booking(site=site, check_in=CHECK_IN, nights=3)
    assert dues_for(session, booking) == [
        {"due_on": CHECK_IN, "what": "nights", "amount_paise": 120000, "paid_paise": 0}]
    assert dues_for(session, make.bed_booking(site=_hostel(make))) == []  # no tariff: nothing


# ---------------------------------------------------------------- payments

def test_payments_of_zero_or_less_are_refused(make, session):
    site = _hostel(make)
    booking = make.bed_booking(site=site)
    for paise in (0, -100):
        with pytest.raises(InvalidRequest):
            _pay(session, booking, paise)
    with pytest.raises(InvalidRequest):
        _pay(session, booking, 100, mode="cheque")
    with pytest.raises(InvalidRequest):
        _pay(session, booking, 100, paid_on=TODAY + timedelta(days=1))
    assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_receipt_is_reversed_once_with_a_reason_and_audited(make, session):
    site = _hostel(make)
    booking = make.bed_booking(site=site)
    payment = _pay(session, booking, 50000)
    refund = _pay(session, booking, 20000, refund=True)
    assert (payment.receipt_no, refund.receipt_no, refund.amount_paise) == (1, 2, -20000)
    with pytest.raises(InvalidRequest):
        reverse_payment(session, None, payment, reason=" ", today=TODAY)
    reversal = reverse_payment(session, None, payment, reason="Typed the wrong stay",
                               today=TODAY)
    assert (reversal.receipt_no, reversal.amount_paise, reversal.reverses_id) == (3, -50000,
                                                                                  payment.id)
    with pytest.raises(RuleViolation):
        reverse_payment(session, None, payment, reason="again", today=TODAY)
    with pytest.raises(RuleViolation):
        reverse_payment(session, None, reversal, reason="undo the undo", today=TODAY)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["payment.record", "payment.refund", "payment.reverse"]
    # What a receipt says is never edited (the schema's trigger).
    session.commit()
    payment.amount_paise = 1
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_two_wardens_recording_at_once_get_distinct_receipt_numbers(db, make, session):
    site = _hostel(make)
    bookings = [make.bed_booking(site=site, check_in=CHECK_IN + timedelta(days=3 * i))
                for i in range(4)]
    session.commit()
    ids = [b.id for b in bookings]

    def attempt(s, index):
        from booking.models import Booking
        return record_payment(s, None, s.get(Booking, ids[index]), amount_paise=1000 + index,
                              paid_on=TODAY, mode="cash", today=TODAY).receipt_no

    outcomes = race(db, attempt, racers=4)
    assert sorted(outcomes) == [1, 2, 3, 4], outcomes


# ---------------------------------------------------------------- receipts and CSV

def _text(pdf: bytes) -> str:
    # Words joined again across the PDF's line wraps.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def test_the_receipt_pdf_reads_back(make, session):
    site = _hostel(make, name="Technopark Hostel", address="Technopark, Kazhakkoottam")
    _tariff(session, site, month=15000000, deposit=0)
    member = make.resident(name="Anjali Nair")
    booking = book_monthly(session, member, site, CHECK_IN, 1, now=NOW)
    payment = _pay(session, booking, 12345600)
    english = render_receipt(session, payment, "en")
    text = _text(english.content)
    number = receipt_number(payment)
    assert number.endswith("-0001") and number in text
    assert "1,23,456.00" in text and "Anjali Nair" in text
    assert "One Lakh Twenty-Three Thousand Four Hundred Fifty-Six" in text
    assert "26,544.00" in text  # the balance: ₹1,50,000 − ₹1,23,456
    malayalam = render_receipt(session, payment, "ml")
    reader = PdfReader(io.BytesIO(malayalam.content))
    fonts = {str(f["/BaseFont"]) for f in _fonts(reader)}
    assert any("NotoSansMalayalam" in f for f in fonts), fonts
    ml_text = _text(malayalam.content)
    assert number in ml_text and "1,23,456.00" in ml_text and "രസീത് നമ്പർ" in ml_text
    assert "ഡിസംബർ" in ml_text  # the check-in month, in Malayalam


def _fonts(reader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            yield font.get_object()


def test_a_months_collections_as_csv(make, session):
    site = _hostel(make)
    booking = make.bed_booking(site=site, member=make.resident(name="=Sneha"))
    _pay(session, booking, 750050, reference="UTR123")
    _pay(session, booking, 10000, refund=True, mode="cash", reference="")
    _pay(session, booking, 100, paid_on=TODAY.replace(day=1) - timedelta(days=1))  # last month
    text = collections_csv(get_collections(session, site, TODAY.year, TODAY.month))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == ('"receipt_no","date","resident","booking","mode","reference","kind",'
                        '"amount_rupees"')
    assert len(lines) == 3
    assert f'"{TODAY.isoformat()}","\'=Sneha","{booking.id}","upi","UTR123","payment","7500.50"' in lines[1]
    assert lines[2].endswith('"cash","","refund","-100.00"')


def test_two_wardens_reversing_the_same_receipt_at_once_reverse_it_once(db, make, session):
    site = _hostel(make)
    payment = _pay(session, make.bed_booking(site=site), 50000)
    session.commit()
    payment_id = payment.id

    def attempt(s, index):
        return reverse_payment(s, None, s.get(Payment, payment_id), reason=f"warden {index}",
                               today=TODAY).receipt_no

    outcomes = race(db, attempt, racers=2)
    assert sorted(str(type(o).__name__) for o in outcomes) == ["RuleViolation", "int"], outcomes
