"""Hostel money pages: a site's tariffs and collections CSV, a stay's payments and receipts."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session, writes_on_read
from ..web.helpers import show_refusal
from ..services.admin import audit
from ..services.errors import BookingError, InvalidRequest
from ..services.money import collections, dues, payments, receipts, tariffs
from ..services.money.amounts import parse_rupees
from . import bp
from .access import get_booking_or_404, get_site_or_404
from .money_forms import CollectionsForm, PaymentForm, ReverseForm, TariffForm


def _paise(field) -> int | None:
    """The field's rupees as paise, or None with the refusal next to the field."""
    try:
        return parse_rupees(field.data)
    except InvalidRequest as error:
        field.errors = list(field.errors) + [localize(error)]
        return None


def receipt_language() -> str:
    """``?lang=ml`` or ``?lang=en``; otherwise the page's language."""
    lang = request.args.get("lang") or str(get_locale() or "en")
    return "ml" if lang.startswith("ml") else "en"


@bp.route("/sites/<int:site_id>/tariffs", methods=["GET", "POST"])
def site_tariffs(site_id: int):
    site = get_site_or_404(site_id)  # a centre's page says tariffs are for hostels
    form, status, today = TariffForm(), 200, today_in_kerala()
    if form.validate_on_submit():
        amounts = [_paise(f) for f in (form.per_night, form.per_month, form.deposit)]
        if form.effective_from.data < today:
            form.effective_from.errors.append(_(
                "A tariff cannot start in the past: stays already priced keep their tariff. "
                "Choose today or a later day."))
        elif None not in amounts:
            try:
                tariffs.add_tariff(get_session(), current_user, site,
                                   effective_from=form.effective_from.data,
                                   per_night_paise=amounts[0], per_month_paise=amounts[1],
                                   deposit_paise=amounts[2], today=today)
            except BookingError as error:
                form.effective_from.errors.append(localize(error))
            else:
                flash(_("Tariff added. Stays checking in from that day are priced with it."),
                      "success")
                return redirect(url_for("admin.site_tariffs", site_id=site.id))
        status = 400
    elif request.method == "POST":
        status = 400
    month_form = CollectionsForm(request.args if "month" in request.args else None,
                                 meta={"csrf": False})
    if not month_form.month.data:
        month_form.month.data = today.strftime("%Y-%m")
    return render_template("admin/tariffs.html", site=site, form=form, today=today,
                           tariffs=tariffs.get_tariffs(get_session(), site),
                           month_form=month_form), status


@bp.get("/sites/<int:site_id>/collections.csv")
@writes_on_read
def site_collections(site_id: int):
    site = get_site_or_404(site_id)
    form = CollectionsForm(request.args, meta={"csrf": False})
    if not form.validate():
        abort(400, _("Choose a month like 2026-12."))
    year, month = (int(x) for x in form.month.data.split("-"))
    rows = collections.get_collections(get_session(), site, year, month)
    # Residents' names leave the site in the file: written down like a view of the register.
    audit.record_personal_view(get_session(), current_user, site=site, page="export",
                               target=f"collections:{form.month.data}",
                               members=[p.member for p in rows], fields=("name",))
    name = f"collections-{site.slug}-{form.month.data}.csv"
    return Response(collections.collections_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _payments_page(booking, *, form=None, reverse_form=None, status: int = 200):
    session, today = get_session(), today_in_kerala()
    if form is None:
        form = PaymentForm()
        form.paid_on.data = today
    return render_template(
        "admin/payments.html", booking=booking, form=form,
        reverse_form=reverse_form or ReverseForm(prefix="rev"), today=today,
        payments=payments.get_payments(session, booking),
        reversed_ids=payments.reversed_ids(session, booking),
        dues=dues.dues_for(session, booking), balance=dues.balance_for(session, booking, today),
        tariff=tariffs.tariff_on(session, booking.site_id, booking.starts_on)), status


@bp.get("/bookings/<int:booking_id>/payments")
def booking_payments(booking_id: int):
    return _payments_page(get_booking_or_404(booking_id))


@bp.post("/bookings/<int:booking_id>/payments")
def booking_payment_add(booking_id: int):
    booking = get_booking_or_404(booking_id)
    form = PaymentForm()
    if form.validate_on_submit():
        paise = _paise(form.amount)
        if paise is not None:
            try:
                payment = payments.record_payment(
                    get_session(), current_user, booking, amount_paise=paise,
                    paid_on=form.paid_on.data, mode=form.mode.data,
                    reference=form.reference.data or "", refund=form.kind.data == "refund",
                    today=today_in_kerala())
            except BookingError as error:
                show_refusal(form, error, default_field="amount")
            else:
                flash(_("Recorded: receipt %(no)s.", no=receipts.receipt_number(payment)),
                      "success")
                return redirect(url_for("admin.booking_payments", booking_id=booking.id))
    return _payments_page(booking, form=form, status=400)


@bp.post("/bookings/<int:booking_id>/payments/<int:payment_id>/reverse")
def booking_payment_reverse(booking_id: int, payment_id: int):
    booking = get_booking_or_404(booking_id)
    form = ReverseForm(prefix="rev")
    try:
        payment = payments.get_payment(get_session(), booking, payment_id)
    except BookingError:
        abort(404)
    if form.validate_on_submit():
        try:
            reversal = payments.reverse_payment(get_session(), current_user, payment,
                                                reason=form.reason.data, today=today_in_kerala())
        except BookingError as error:
            flash(localize(error), "error")
        else:
            flash(_("Reversed by receipt %(no)s.", no=receipts.receipt_number(reversal)),
                  "success")
            return redirect(url_for("admin.booking_payments", booking_id=booking.id))
    return _payments_page(booking, reverse_form=form, status=400)


@bp.get("/bookings/<int:booking_id>/payments/<int:payment_id>/receipt.pdf")
def booking_receipt(booking_id: int, payment_id: int):
    booking = get_booking_or_404(booking_id)
    try:
        payment = payments.get_payment(get_session(), booking, payment_id)
    except BookingError:
        abort(404)
    return pdf_response(receipts.render_receipt(get_session(), payment, receipt_language()))


def pdf_response(receipt) -> Response:
    return Response(receipt.content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{receipt.filename}"'})
