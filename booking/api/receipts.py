"""A member's receipts for one of their stays (hostel payments), with the stay's balance."""
from __future__ import annotations

from flask import url_for

from ..clock import today_in_kerala
from ..extensions import get_session
from ..services.money.dues import balance_for
from ..services.money.payments import get_payments
from ..services.money.receipts import receipt_number
from . import bp
from .auth import api_member, token_required
from .bookings import _own_booking
from .views import compact_json


@bp.get("/bookings/<int:booking_id>/receipts")
@token_required
def list_receipts(booking_id: int):
    session, booking = get_session(), _own_booking(api_member(), booking_id)
    balance = balance_for(session, booking, today_in_kerala())
    return compact_json({
        "receipts": [{
            "receipt": receipt_number(p), "receipt_no": p.receipt_no,
            "paid_on": p.paid_on.isoformat(), "kind": p.kind, "mode": p.mode,
            "reference": p.reference, "amount_paise": p.amount_paise,
            "pdf": url_for("web.my_receipt", booking_id=booking.id, payment_id=p.id,
                           _external=True),
        } for p in get_payments(session, booking)],
        "due_paise": balance.due_paise, "paid_paise": balance.paid_paise,
        "balance_paise": balance.outstanding_paise,
    })
