"""The hostel schema's own guards (issue 17), on whichever engine the run uses.

The services refuse bad input with messages; these constraints are what holds
when a service has a bug or someone writes SQL by hand: money never zero or
edited, one reversal per payment, receipt numbers unique per site, no full ID
numbers in the register, erased meaning erased.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from booking.models import (
    Booking, BookingMove, Payment, PolicyAcceptance, RegisterEntry, Site, Tariff, utcnow,
)
from tests.conftest import NOW

DAY = NOW.date() + timedelta(days=1)


def _fails(session, *rows) -> None:
    """Adding the rows breaks a constraint; the session is usable afterwards."""
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add_all(rows)
            session.flush()


def _fails_sql(session, statement, params=None) -> None:
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(statement, params or {})


@pytest.fixture
def stay(make):
    return make.bed_booking(check_in=DAY, nights=3)


def _payment(stay: Booking, receipt_no: int, amount: int = 500_000, **values) -> Payment:
    values = {"kind": "payment", "mode": "upi", "paid_on": DAY, **values}
    return Payment(site_id=stay.site_id, booking_id=stay.id, member_id=stay.member_id,
                   receipt_no=receipt_no, amount_paise=amount, **values)


# ---------------------------------------------------------------- sites and stays

def test_a_new_hostel_offers_nightly_stays_with_the_default_monthly_rules(make, session):
    site = make.hostel()
    session.expire(site)
    assert (site.stay_kinds, site.min_months, site.notice_days, site.longest_stay_months,
            site.register_retention_days) == ("nightly", 1, 30, 12, 180)
    assert site.offers_nightly and not site.offers_monthly


@pytest.mark.parametrize("column, value", [("stay_kinds", "weekly"), ("min_months", 0),
                                           ("notice_days", -1), ("longest_stay_months", 0),
                                           ("register_retention_days", -1)])
def test_site_stay_rules_are_checked(make, session, column, value):
    site = make.hostel()
    _fails_sql(session, update(Site).where(Site.id == site.id).values({column: value}))


def test_existing_and_new_bookings_are_nightly(make, session, stay):
    session.expire(stay)
    assert stay.stay_kind == "nightly" and stay.months is None and not stay.is_monthly


def test_only_a_bed_can_be_held_monthly(make, session):
    desk = make.desk_booking(day=DAY)
    _fails_sql(session, update(Booking).where(Booking.id == desk.id)
               .values(stay_kind="monthly"))


def test_months_are_positive_and_only_for_monthly_stays(session, stay):
    _fails_sql(session, update(Booking).where(Booking.id == stay.id).values(months=2))
    _fails_sql(session, update(Booking).where(Booking.id == stay.id)
               .values(stay_kind="monthly", months=0))
    _fails_sql(session, update(Booking).where(Booking.id == stay.id)
               .values(stay_kind="other"))
    session.execute(update(Booking).where(Booking.id == stay.id)
                    .values(stay_kind="monthly", months=None))  # open-ended


def test_notice_is_given_only_on_a_monthly_stay(session, stay):
    _fails_sql(session, update(Booking).where(Booking.id == stay.id)
               .values(notice_given_on=DAY))


def test_a_move_goes_to_another_bed(session, stay):
    _fails(session, BookingMove(booking_id=stay.id, from_bed_id=stay.bed_id,
                                to_bed_id=stay.bed_id, from_on=DAY))


# ---------------------------------------------------------------- tariffs

def test_tariff_amounts_are_never_negative(make, session):
    site = make.hostel()
    for field in ("per_night_paise", "per_month_paise", "deposit_paise"):
        amounts = {"per_night_paise": 50_000, "per_month_paise": 900_000,
                   "deposit_paise": 1_000_000, field: -1}
        _fails(session, Tariff(site_id=site.id, effective_from=DAY, **amounts))


def test_one_tariff_per_site_and_date(make, session):
    site, other = make.hostel(), make.hostel()
    amounts = {"per_night_paise": 50_000, "per_month_paise": 900_000, "deposit_paise": 0}
    session.add_all([Tariff(site_id=site.id, effective_from=DAY, **amounts),
                     Tariff(site_id=other.id, effective_from=DAY, **amounts)])
    session.flush()
    _fails(session, Tariff(site_id=site.id, effective_from=DAY, **amounts))


# ---------------------------------------------------------------- payments

def test_a_payment_is_never_zero_and_has_the_sign_of_its_kind(session, stay):
    _fails(session, _payment(stay, 1, amount=0))
    _fails(session, _payment(stay, 1, amount=-100))
    _fails(session, _payment(stay, 1, amount=100, kind="refund"))
    _fails(session, _payment(stay, 1, mode="cheque"))
    session.add(_payment(stay, 1, amount=-100, kind="refund"))
    session.flush()


def test_receipt_numbers_are_unique_per_site(make, session, stay):
    other = make.bed_booking(check_in=DAY, nights=2)
    session.add_all([_payment(stay, 1), _payment(other, 1)])  # another site: its own series
    session.flush()
    _fails(session, _payment(stay, 1))
    _fails(session, _payment(stay, 0))


def test_a_payment_is_reversed_at_most_once(session, stay):
    paid = _payment(stay, 1)
    session.add(paid)
    session.flush()
    session.add(_payment(stay, 2, amount=-paid.amount_paise, kind="reversal",
                         reverses_id=paid.id))
    session.flush()
    _fails(session, _payment(stay, 3, amount=-paid.amount_paise, kind="reversal",
                             reverses_id=paid.id))


def test_a_reversal_names_what_it_reverses_and_only_a_reversal_does(session, stay):
    paid = _payment(stay, 1)
    session.add(paid)
    session.flush()
    _fails(session, _payment(stay, 2, amount=-100, kind="reversal"))
    _fails(session, _payment(stay, 2, reverses_id=paid.id))


def test_what_a_receipt_says_cannot_be_updated(session, stay):
    paid = _payment(stay, 1)
    session.add(paid)
    session.flush()
    for values in ({"amount_paise": 1}, {"receipt_no": 9}, {"paid_on": DAY + timedelta(1)},
                   {"mode": "cash"}, {"reference": "edited"}):
        _fails_sql(session, update(Payment).where(Payment.id == paid.id).values(values))
    # Deleting an account may blank who paid (ON DELETE SET NULL), not what was paid.
    session.execute(update(Payment).where(Payment.id == paid.id).values(member_id=None))
    assert session.scalar(select(Payment.amount_paise).where(Payment.id == paid.id)) == 500_000


# ---------------------------------------------------------------- the register

def _entry(stay: Booking, **values) -> RegisterEntry:
    values = {"full_name": "Anjali Nair", "phone": "9847000000", "id_document_type": "aadhaar",
              "id_last4": "1234", **values}
    return RegisterEntry(booking_id=stay.id, site_id=stay.site_id, **values)


@pytest.mark.parametrize("last4", ["123", "12a4", "abcd", "12 4"])
def test_the_register_keeps_exactly_four_digits_of_an_id(session, stay, last4):
    _fails(session, _entry(stay, id_last4=last4))


def test_the_register_knows_only_listed_id_documents(session, stay):
    _fails(session, _entry(stay, id_document_type="ration_card"))


def test_one_register_entry_per_stay(session, stay):
    session.add(_entry(stay))
    session.flush()
    _fails(session, _entry(stay))


def test_an_erased_entry_keeps_nothing_personal(session, stay):
    entry = _entry(stay)
    session.add(entry)
    session.flush()
    _fails_sql(session, update(RegisterEntry).where(RegisterEntry.id == entry.id)
               .values(erased_at=utcnow()))
    blank = dict.fromkeys(("full_name", "phone", "employer", "emergency_contact_name",
                           "emergency_contact_phone", "id_document_type", "id_last4"))
    session.execute(update(RegisterEntry).where(RegisterEntry.id == entry.id)
                    .values(erased_at=utcnow(), **blank))
    _fails_sql(session, update(RegisterEntry).where(RegisterEntry.id == entry.id)
               .values(phone="9847000000"))


def test_a_policy_version_is_accepted_once(make, session):
    member = make.member()
    session.add(PolicyAcceptance(user_id=member.id, document="house_rules", version="2026-12"))
    session.flush()
    _fails(session, PolicyAcceptance(user_id=member.id, document="house_rules",
                                     version="2026-12"))
    _fails(session, PolicyAcceptance(user_id=member.id, document="menu", version="1"))
    session.add(PolicyAcceptance(user_id=member.id, document="privacy_notice",
                                 version="2026-12"))
    session.flush()
