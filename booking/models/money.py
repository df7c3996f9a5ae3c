"""Hostel money without a payment gateway: tariffs, and payments with receipts.

Everything is integer paise (₹1 = 100 paise). Money is append-only (DESIGN.md
invariant 7):

- A tariff applies from ``effective_from``; a change is a new row from a
  later date, so past stays keep the tariff they were priced with. One tariff
  per site and date.
- A payment row is a receipt: numbered per site (``receipt_no``, unique with
  the site; the service takes the next number and the key settles a race).
  It is never edited or deleted: a database trigger (migration 0016) refuses
  any UPDATE of what a receipt says. A mistake is undone by a *reversal*, a
  counter-entry of the opposite amount that names the payment it reverses;
  ``reverses_id`` is unique, so a payment is reversed at most once. A refund
  (say of the deposit) is money paid out: a negative amount. Zero never.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .booking import Booking
    from .site import Site
    from .user import User


class PaymentMode(StrEnum):
    CASH = "cash"
    UPI = "upi"
    BANK = "bank"  # bank transfer (NEFT/IMPS/RTGS)


class PaymentKind(StrEnum):
    PAYMENT = "payment"  # money received: positive
    REFUND = "refund"  # money paid back, e.g. the deposit: negative
    REVERSAL = "reversal"  # undoes one payment or refund: the opposite sign


class Tariff(Base):
    __tablename__ = "tariffs"
    __table_args__ = (
        UniqueConstraint("site_id", "effective_from"),
        CheckConstraint("per_night_paise >= 0", name="per_night_paise"),
        CheckConstraint("per_month_paise >= 0", name="per_month_paise"),
        CheckConstraint("deposit_paise >= 0", name="deposit_paise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    per_night_paise: Mapped[int] = mapped_column()
    per_month_paise: Mapped[int] = mapped_column()
    # Refundable, due at arrival with the first month.
    deposit_paise: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship()

    def __repr__(self) -> str:
        return f"<Tariff site={self.site_id} from {self.effective_from}>"


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("site_id", "receipt_no"),
        UniqueConstraint("reverses_id"),
        CheckConstraint("receipt_no >= 1", name="receipt_no"),
        CheckConstraint("amount_paise <> 0", name="amount_nonzero"),
        CheckConstraint("mode IN ('cash', 'upi', 'bank')", name="mode"),
        CheckConstraint("kind IN ('payment', 'refund', 'reversal')", name="kind"),
        # Payments come in, refunds go out; a reversal has the sign of what it
        # undoes (the service checks that against the reversed row).
        CheckConstraint("(kind = 'payment' AND amount_paise > 0)"
                        " OR (kind = 'refund' AND amount_paise < 0)"
                        " OR kind = 'reversal'", name="sign"),
        CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reverses"),
        CheckConstraint("reverses_id IS NULL OR reverses_id <> id", name="not_itself"),
        Index("ix_payments_booking_id", "booking_id"),
        # The month's collections per site (CSV export).
        Index("ix_payments_site_id_paid_on", "site_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    # NULL once the member deleted their account; the receipt stays.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    receipt_no: Mapped[int] = mapped_column()
    amount_paise: Mapped[int] = mapped_column()
    paid_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(10), default=PaymentKind.PAYMENT)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    site: Mapped[Site] = relationship()
    booking: Mapped[Booking] = relationship()
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    reverses: Mapped[Payment | None] = relationship(remote_side=[id])

    @property
    def is_reversal(self) -> bool:
        return self.kind == PaymentKind.REVERSAL

    def __repr__(self) -> str:
        return f"<Payment {self.site_id}/{self.receipt_no} {self.kind} {self.amount_paise}>"
