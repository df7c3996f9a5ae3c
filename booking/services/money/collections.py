"""A month's collections at a site, as CSV for the accounts (admins and the site's manager)."""
from __future__ import annotations

import calendar
import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...models import Payment, Site
from ..admin.bookings import defuse_cell
from .amounts import rupees_text
from .receipts import receipt_number

CSV_COLUMNS = ["receipt_no", "date", "resident", "booking", "mode", "reference", "kind",
               "amount_rupees"]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def get_collections(session: Session, site: Site, year: int, month: int) -> list[Payment]:
    """Every receipt of the site dated in that month, in receipt order."""
    first, last = month_bounds(year, month)
    return list(session.scalars(
        select(Payment).options(joinedload(Payment.member))
        .where(Payment.site_id == site.id, Payment.paid_on >= first, Payment.paid_on <= last)
        .order_by(Payment.receipt_no)))


def collections_csv(payments: list[Payment]) -> str:
    """CSV text with a byte-order mark (Excel and Malayalam names); formulas defused."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for p in payments:
        # The amount is ours and numeric (a refund's minus sign must stay a number).
        writer.writerow([defuse_cell(c) for c in (
            receipt_number(p), p.paid_on.isoformat(), p.member.name if p.member else "",
            str(p.booking_id), p.mode, p.reference, p.kind)] + [rupees_text(p.amount_paise)])
    return buffer.getvalue()
