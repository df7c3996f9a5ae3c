"""A resident's receipts (their own stays only), and the money labels every page uses."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..extensions import get_session
from ..services.errors import BookingError
from ..services.money import payments, receipts
from ..services.money.amounts import format_inr
from . import bp

MODES = {"cash": _l("Cash"), "upi": _l("UPI"), "bank": _l("Bank transfer")}


@bp.app_template_filter("inr")
def inr(paise: int | None) -> str:
    """₹1,23,456.00, Indian digit grouping on every page."""
    return format_inr(paise or 0)


@bp.app_template_global()
def due_label(what: str) -> str:
    """A due's ``what`` (deposit, month N, nights) in the page's language."""
    if what == "deposit":
        return _("Refundable deposit")
    if what == "nights":
        return _("Nights")
    if what.startswith("month "):
        return _("Month %(num)s", num=what.removeprefix("month "))
    return what


@bp.app_template_global()
def payment_kind_label(payment) -> str:
    if payment.kind == "refund":
        return _("Refund")
    if payment.kind == "reversal":
        return _("Reversal of receipt %(no)s", no=receipts.receipt_number(payment.reverses)
                 if payment.reverses else "?")
    return _("Payment")


@bp.app_template_global()
def payment_mode_label(mode: str) -> str:
    return str(MODES.get(mode, mode))


bp.add_app_template_global(receipts.receipt_number, "receipt_number")


@bp.get("/bookings/<int:booking_id>/receipts/<int:payment_id>.pdf")
@login_required
def my_receipt(booking_id: int, payment_id: int):
    # The member's own booking or a 404 (bookings.py); anyone else's receipt is not there.
    from .bookings import _own_booking
    from ..admin.money import pdf_response, receipt_language

    booking = _own_booking(booking_id)
    try:
        payment = payments.get_payment(get_session(), booking, payment_id)
    except BookingError:
        abort(404)
    return pdf_response(receipts.render_receipt(get_session(), payment, receipt_language()))


@bp.get("/bookings/<int:booking_id>/payments")
@login_required
def my_payments(booking_id: int):
    """The resident's dues, receipts (each a PDF) and balance for one of their stays."""
    from flask import render_template

    from ..clock import today_in_kerala
    from ..services.money.dues import balance_for, dues_for
    from .bookings import _own_booking

    session, booking = get_session(), _own_booking(booking_id)
    return render_template("bookings/payments.html", booking=booking,
                           dues=dues_for(session, booking),
                           balance=balance_for(session, booking, today_in_kerala()),
                           receipts=payments.get_payments(session, booking))
