"""Monthly hostel stays on the member pages: ask for one, extend it, give notice.

The services decide (services/bookings/stays.py); these views parse the form,
call one service function and show its refusal next to the field it concerns.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..services.accounts.policies import has_accepted_current
from ..services.bookings.stays import (
    MAX_MONTHS,
    beds_to_move_to,
    book_monthly,
    can_extend,
    can_give_notice,
    earliest_leaving_on,
    extend_stay,
    give_notice,
)
from ..services.errors import (
    BedTakenForExtension, BookingError, InPast, OutsideBookingWindow, PoliciesNotAccepted,
    StayTooLong,
)
from . import bp
from .bookings import _own_booking
from .forms import ExtendStayForm, MonthlyStayForm, NoticeForm
from .helpers import load_site, show_refusal


def _show_on_field(form, error: BookingError, fields: dict) -> None:
    """A refusal about one field goes next to it; any other above the form."""
    for kinds, field in fields.items():
        if isinstance(error, kinds):
            field.errors = list(field.errors) + [localize(error)]
            return
    show_refusal(form, error)


@bp.route("/sites/<slug>/book-month", methods=["GET", "POST"])
@login_required
def book_month_page(slug: str):
    site = load_site(slug)
    if not site.is_hostel:
        abort(404)
    now = now_in_kerala()
    form = MonthlyStayForm(check_in=now.date(), months=str(site.min_months))
    form.set_month_choices(site)
    if form.validate_on_submit():
        try:
            booking = book_monthly(get_session(), current_user, site, form.check_in.data,
                                   form.month_count, now=now)
        except PoliciesNotAccepted:
            form.form_errors.append(_("Before your first monthly stay, read and accept the"
                                      " house rules and the privacy notice (link below)."))
        except BookingError as error:
            _show_on_field(form, error, {(InPast, OutsideBookingWindow): form.check_in,
                                         StayTooLong: form.months})
        else:
            flash(_("Your monthly stay is booked."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("bookings/month_form.html", site=site, form=form,
                           needs_policies=not has_accepted_current(get_session(), current_user)
                           ), status


@bp.route("/bookings/<int:booking_id>/extend", methods=["GET", "POST"])
@login_required
def extend_stay_page(booking_id: int):
    booking, now = _own_booking(booking_id), now_in_kerala()
    if not booking.is_monthly:
        abort(404)
    form = ExtendStayForm()
    most = max(1, min(MAX_MONTHS, booking.site.longest_stay_months - (booking.months or 0)))
    form.set_month_choices(most)
    free_beds: list[str] = []
    if form.validate_on_submit():
        try:
            extend_stay(get_session(), booking, current_user, int(form.months.data),
                        move_to=form.bed.data or None, now=now)
        except BedTakenForExtension as error:
            show_refusal(form, error)
            free_beds = error.free_beds
        except BookingError as error:
            _show_on_field(form, error, {StayTooLong: form.months})
        else:
            flash(_("Your stay is extended."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    elif form.bed.data:  # a move was offered before: keep offering what is free
        free_beds = [b.label for b in beds_to_move_to(get_session(), booking, booking.ends_on,
                                                      now.date())]
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("bookings/extend.html", booking=booking, form=form,
                           free_beds=free_beds, can_extend=can_extend(booking, now.date())
                           ), status


@bp.route("/bookings/<int:booking_id>/notice", methods=["GET", "POST"])
@login_required
def give_notice_page(booking_id: int):
    booking, now = _own_booking(booking_id), now_in_kerala()
    if not booking.is_monthly:
        abort(404)
    earliest = earliest_leaving_on(booking, now.date())
    form = NoticeForm(leaving_on=min(earliest, booking.ends_on))
    if form.validate_on_submit():
        try:
            give_notice(get_session(), booking, current_user, leaving_on=form.leaving_on.data,
                        now=now)
        except BookingError as error:
            _show_on_field(form, error, {BookingError: form.leaving_on})
        else:
            flash(_("Notice given. Your stay ends on the day you chose."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("bookings/notice.html", booking=booking, form=form,
                           earliest=earliest, can_give_notice=can_give_notice(booking, now.date()),
                           ), status
