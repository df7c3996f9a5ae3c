"""Kerala's public holidays: confirm a year's holidays as closures of some or all centres.

The same two steps as a closure: first see the bookings it would hit, then confirm.
"""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..services.sites import holidays as public_holidays
from ..services.errors import BookingError
from . import bp
from .access import visible_sites
from .forms import HolidayForm, choices


def _form(plan, sites, today: date) -> HolidayForm:
    form = HolidayForm()
    form.days.choices = choices([(s.holiday.day.isoformat(), s.holiday.name) for s in plan
                                 if s.holiday.day >= today])
    form.districts.choices = choices([(d, d) for d in sorted({s.district for s in sites})])
    form.sites.choices = choices([(s.id, s.name) for s in sites])
    return form


def _chosen_sites(form: HolidayForm, sites):
    if form.scope.data == "all":
        return sites
    districts, ids = set(form.districts.data or []), set(form.sites.data or [])
    return [s for s in sites if s.district in districts or s.id in ids]


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    today = today_in_kerala()
    year = request.args.get("year", today.year, type=int)
    if not public_holidays.FIRST_YEAR <= year <= public_holidays.LAST_YEAR:
        year = today.year
    session = get_session()
    sites = public_holidays.get_holiday_sites(visible_sites())
    plan = public_holidays.get_holiday_plan(session, year, sites)
    form = _form(plan, sites, today)
    affected, error, status = None, None, 200
    if form.validate_on_submit():
        days = [date.fromisoformat(d) for d in form.days.data or []]
        chosen = _chosen_sites(form, sites)
        try:
            if request.form.get("confirm"):
                done = public_holidays.confirm_holidays(
                    session, current_user, year, days, chosen,
                    cancel_affected=form.handling.data == "cancel", today=today)
                return _after_confirm(year, done, form.handling.data)
            affected = public_holidays.preview_holiday_closures(session, year, days, chosen, today)
        except BookingError as e:
            error, status = localize(e), 400
    elif request.method == "POST":
        status = 400
    return render_template("admin/holidays.html", year=year, plan=plan, sites=sites, form=form,
                           affected=affected, error=error, today=today), status


def _after_confirm(year: int, done, handling: str):
    text = ngettext("%(num)d closure added.", "%(num)d closures added.", done.closures)
    if done.already_closed:
        text += " " + ngettext("%(num)d was already closed and left as it was.",
                               "%(num)d were already closed and left as they were.",
                               done.already_closed)
    conflicts = len(done.change.conflicts)
    if conflicts and handling == "cancel":
        flash(text + " " + ngettext("%(num)d booking cancelled; members see the reason.",
                                    "%(num)d bookings cancelled; members see the reason.",
                                    conflicts), "success")
    elif conflicts:
        flash(text + " " + ngettext("%(num)d booking needs attention.",
                                    "%(num)d bookings need attention.", conflicts), "warning")
        return redirect(url_for("admin.booking_list", status="conflict"))
    else:
        flash(text, "success")
    return redirect(url_for("admin.holidays", year=year))
