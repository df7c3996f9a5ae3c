"""Weekly desk bookings: the "Book every week" form, the series page, cancelling the rest.

Each view parses, loads, authorises, calls one service and renders; every
refusal is shown on the form with a 4xx status, never a 500.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import BookingSeries, DayPart
from ..services.bookings.series import (
    SeriesRefused,
    book_series,
    cancel_series_rest,
    get_member_series,
    get_occurrences,
    get_occurrences_ahead,
)
from ..i18n import format_day
from ..services.errors import BookingError, NotFound
from . import bp
from .forms import CancelSeriesForm, SeriesForm
from .helpers import load_site, show_refusal


@bp.route("/sites/<slug>/book-weekly", methods=["GET", "POST"])
@login_required
def book_series_page(slug: str):
    site = load_site(slug)
    if not site.is_centre:
        abort(404)
    now = now_in_kerala()
    start = now.date() + timedelta(days=1)
    form = SeriesForm(first=start, until=start + timedelta(days=20))
    refused = []
    if form.validate_on_submit():
        try:
            result = book_series(get_session(), current_user, site, DayPart(form.part.data),
                                 "".join(sorted(form.weekdays.data)), form.first.data,
                                 form.until.data, all_or_nothing=form.all_or_nothing.data,
                                 now=now)
        except SeriesRefused as error:
            show_refusal(form, error)
            refused = localize([(r.day, r.reason) for r in error.refused])
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(ngettext("%(num)d date booked.", "%(num)d dates booked.",
                           len(result.booked)), "success")
            return redirect(url_for("web.series_page", series_id=result.series.id))
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("bookings/series_form.html", site=site, form=form,
                           refused=refused, last_day=now.date() + timedelta(
                               days=site.advance_days)), status


def _own_series(series_id: int) -> BookingSeries:
    try:
        return get_member_series(get_session(), current_user, series_id)
    except NotFound:
        abort(404)


@bp.get("/bookings/series/<int:series_id>")
@login_required
def series_page(series_id: int):
    series, now = _own_series(series_id), now_in_kerala()
    session = get_session()
    return render_template("bookings/series.html", series=series,
                           occurrences=get_occurrences(session, series),
                           ahead=get_occurrences_ahead(session, series, now),
                           refused=[(date.fromisoformat(r["date"]), r["reason"])
                                    for r in series.refused])


@bp.route("/bookings/series/<int:series_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_series_page(series_id: int):
    series, now = _own_series(series_id), now_in_kerala()
    form = CancelSeriesForm()
    if form.validate_on_submit():
        try:
            outcome = cancel_series_rest(get_session(), current_user, series, now)
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(ngettext("%(num)d date cancelled.", "%(num)d dates cancelled.",
                           len(outcome.cancelled)), "success")
            for booking, reason in outcome.kept:
                flash(_("Kept %(day)s: %(reason)s", day=format_day(booking.starts_on),
                        reason=localize(reason)), "warning")
            return redirect(url_for("web.series_page", series_id=series.id))
    status = 422 if form.form_errors or form.errors else 200
    return render_template("bookings/series_cancel.html", series=series, form=form,
                           ahead=get_occurrences_ahead(get_session(), series, now)), status
