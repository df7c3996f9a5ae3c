"""Payments, refunds and reversals: each a numbered receipt, never edited.

Receipt numbers run per site (1, 2, 3 …). Two wardens recording at once must
get distinct numbers: on PostgreSQL the next number is taken while holding
the site's row (``FOR NO KEY UPDATE``, so bookings inserting rows that point at
the site are not blocked); on SQLite a writing session already begins with
``BEGIN IMMEDIATE`` (db.py), one writer at a time. The unique key
(site_id, receipt_no) backs both: a clash is retried with the next number.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Booking, Payment, Site, User
from ...models.money import PaymentKind, PaymentMode
from ..accounts.permissions import can_manage_site
from ..admin import audit
from ..errors import InvalidRequest, NotFound, NotPermitted, RuleViolation
from ..messages import _
from .amounts import MAX_PAISE

PAYMENT_FIELDS = ("receipt_no", "booking_id", "kind", "amount_paise", "paid_on", "mode",
                  "reference", "reverses_id", "note")
RETRIES = 5


def _check_staff(actor: User | None, site: Site) -> None:
    if actor is not None and not can_manage_site(actor, site):
        raise NotPermitted(_("Only an administrator or this site's manager or warden can record "
                             "money for this stay."))


def _hold_site(session: Session, site_id: int) -> None:
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(Site.id).where(Site.id == site_id)
                        .with_for_update(key_share=True))


def _insert_numbered(session: Session, payment: Payment) -> Payment:
    """Give the payment the site's next receipt number and insert it."""
    _hold_site(session, payment.site_id)
    for _attempt in range(RETRIES):
        payment.receipt_no = 1 + int(session.scalar(
            select(func.coalesce(func.max(Payment.receipt_no), 0))
            .where(Payment.site_id == payment.site_id)) or 0)
        try:
            with session.begin_nested():
                session.add(payment)
                session.flush()
            return payment
        except IntegrityError:
            # Belt and braces (the lock is held): someone took the number; try the next.
            continue
    raise RuleViolation(_('Could not number the receipt: too many at once. Try again.'))


def _checked(amount_paise: int, paid_on: date, mode: str, today: date) -> None:
    if amount_paise <= 0:
        raise InvalidRequest(_('Enter an amount above zero.'))
    if amount_paise > MAX_PAISE:
        raise InvalidRequest(_('That amount is more than ₹1,00,00,000; check it.'))
    if mode not in {m.value for m in PaymentMode}:
        raise InvalidRequest(_('Choose how it was paid: cash, UPI or bank transfer.'))
    if paid_on > today:
        raise InvalidRequest(_("The date of payment cannot be in the future."), field="paid_on")


def record_payment(session: Session, actor: User | None, booking: Booking, *,
                   amount_paise: int, paid_on: date, mode: str, reference: str = "",
                   note: str = "", refund: bool = False, today: date) -> Payment:
    """Record money received (or, with ``refund``, paid back) for a stay: a new receipt."""
    if booking.bed_id is None:
        raise InvalidRequest(_('Payments are recorded for hostel stays only.'))
    _check_staff(actor, booking.site)
    _checked(amount_paise, paid_on, mode, today)
    payment = Payment(site_id=booking.site_id, booking_id=booking.id,
                      member_id=booking.member_id, amount_paise=-amount_paise if refund
                      else amount_paise, paid_on=paid_on, mode=mode,
                      reference=(reference or "").strip()[:100], note=(note or "").strip()[:200],
                      kind=PaymentKind.REFUND if refund else PaymentKind.PAYMENT,
                      recorded_by_id=actor.id if actor else None)
    _insert_numbered(session, payment)
    audit.record(session, actor, "payment.refund" if refund else "payment.record",
                 site=booking.site, target=f"booking:{booking.id}",
                 after=audit.snapshot(payment, PAYMENT_FIELDS))
    return payment


def reverse_payment(session: Session, actor: User | None, payment: Payment, *, reason: str,
                    today: date) -> Payment:
    """Undo a payment or refund by a counter-entry (its own receipt); once only, with a reason."""
    _check_staff(actor, payment.site)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidRequest(_('Say why the receipt is reversed.'))
    # Held before looking, so a racer's reversal is seen (PostgreSQL; SQLite is serial).
    _hold_site(session, payment.site_id)
    if payment.kind == PaymentKind.REVERSAL:
        raise RuleViolation(_("A reversal cannot itself be reversed; record a new payment "
                              "instead."))
    if session.scalar(select(Payment.id).where(Payment.reverses_id == payment.id)):
        raise RuleViolation(_("Receipt %(receipt_no)s has already been reversed.",
                              receipt_no=payment.receipt_no))
    reversal = Payment(site_id=payment.site_id, booking_id=payment.booking_id,
                       member_id=payment.member_id, amount_paise=-payment.amount_paise,
                       paid_on=today, mode=payment.mode, reference=payment.reference,
                       kind=PaymentKind.REVERSAL, reverses_id=payment.id, note=reason[:200],
                       recorded_by_id=actor.id if actor else None)
    _insert_numbered(session, reversal)
    audit.record(session, actor, "payment.reverse", site=payment.site,
                 target=f"booking:{payment.booking_id}",
                 before=audit.snapshot(payment, PAYMENT_FIELDS),
                 after=audit.snapshot(reversal, PAYMENT_FIELDS))
    return reversal


def get_payments(session: Session, booking: Booking) -> list[Payment]:
    """The stay's receipts, oldest first."""
    return list(session.scalars(select(Payment).where(Payment.booking_id == booking.id)
                                .order_by(Payment.receipt_no)))


def reversed_ids(session: Session, booking: Booking) -> set[int]:
    return set(session.scalars(select(Payment.reverses_id).where(
        Payment.booking_id == booking.id, Payment.reverses_id.is_not(None))))


def get_payment(session: Session, booking: Booking, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None or payment.booking_id != booking.id:
        raise NotFound(_('No such receipt for this stay.'))
    return payment
