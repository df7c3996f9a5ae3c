"""What a stay owes and when, and what has been paid against it.

From the tariff in force on the check-in day (``tariffs.tariff_on``):

- a monthly stay owes the refundable deposit and the first month at check-in,
  then a month on the check-in day's date of each later month, for every month
  that begins before its check-out (a month begun is owed in full);
- a nightly bed stay owes its nights × the nightly rate at check-in.

Payments are allocated to the dues oldest first, net of refunds and
reversals. A refund (say of the deposit after departure) reduces what was
paid; the balance says what is still owed (negative: owed back).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Booking, Payment
from ..bookings.stays import add_months
from .tariffs import tariff_on


def _charges(session: Session, booking: Booking) -> list[dict]:
    if booking.bed_id is None or not booking.is_live:
        return []
    tariff = tariff_on(session, booking.site_id, booking.starts_on)
    if tariff is None:
        return []
    if not booking.is_monthly:
        return [{"due_on": booking.starts_on, "what": "nights",
                 "amount_paise": booking.nights * tariff.per_night_paise}]
    charges = []
    if tariff.deposit_paise:
        charges.append({"due_on": booking.starts_on, "what": "deposit",
                        "amount_paise": tariff.deposit_paise})
    month = 0
    while (due_on := add_months(booking.starts_on, month)) < booking.ends_on:
        month += 1
        charges.append({"due_on": due_on, "what": f"month {month}",
                        "amount_paise": tariff.per_month_paise})
    return charges


def paid_paise(session: Session, booking: Booking) -> int:
    """Everything received for the stay, less refunds and reversals."""
    return int(session.scalar(select(func.coalesce(func.sum(Payment.amount_paise), 0))
                              .where(Payment.booking_id == booking.id)) or 0)


def dues_for(session: Session, booking: Booking) -> list[dict]:
    """The stay's dues in date order: {"due_on", "amount_paise", "paid_paise", "what"}."""
    left = max(paid_paise(session, booking), 0)
    dues = []
    for charge in _charges(session, booking):
        paid = min(left, charge["amount_paise"])
        left -= paid
        dues.append({**charge, "paid_paise": paid})
    return dues


@dataclass(frozen=True)
class Balance:
    due_paise: int  # everything the stay owes, whenever due
    paid_paise: int  # net of refunds and reversals
    due_by_paise: int  # what fell due by the day asked about

    @property
    def outstanding_paise(self) -> int:
        """Still owed of the total (negative: paid more than owed)."""
        return self.due_paise - self.paid_paise

    @property
    def overdue_paise(self) -> int:
        return max(self.due_by_paise - self.paid_paise, 0)


def balance_for(session: Session, booking: Booking, day) -> Balance:
    charges = _charges(session, booking)
    return Balance(due_paise=sum(c["amount_paise"] for c in charges),
                   paid_paise=paid_paise(session, booking),
                   due_by_paise=sum(c["amount_paise"] for c in charges if c["due_on"] <= day))
