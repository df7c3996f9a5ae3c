"""Forms for the hostel money pages: tariffs, payments, reversals, the month's collections."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ..forms import BaseForm
from .forms import choices

MODES = [("cash", _l("Cash")), ("upi", _l("UPI")), ("bank", _l("Bank transfer"))]
KINDS = [("payment", _l("Payment received")), ("refund", _l("Refund paid out"))]
RUPEES_HINT = _l("In rupees, e.g. 7500 or 7,500.50")


class TariffForm(BaseForm):
    effective_from = DateField(_l("In force from"), validators=[InputRequired()])
    per_month = StringField(_l("Per month (₹)"), validators=[DataRequired(), Length(max=20)])
    per_night = StringField(_l("Per night (₹)"), validators=[DataRequired(), Length(max=20)])
    deposit = StringField(_l("Refundable deposit (₹)"),
                          validators=[DataRequired(), Length(max=20)])


class PaymentForm(BaseForm):
    kind = RadioField(_l("What"), choices=choices(KINDS), default="payment")
    amount = StringField(_l("Amount (₹)"), validators=[DataRequired(), Length(max=20)])
    paid_on = DateField(_l("Date"), validators=[InputRequired()])
    mode = RadioField(_l("Paid by"), choices=choices(MODES), default="cash")
    reference = StringField(_l("Reference (UPI or bank transaction id)"),
                            validators=[Optional(), Length(max=100)])


class ReverseForm(BaseForm):
    reason = StringField(_l("Why it is reversed"), validators=[DataRequired(), Length(max=200)])


class CollectionsForm(BaseForm):
    month = StringField(_l("Month"), validators=[
        DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("A month like 2026-12."))])
