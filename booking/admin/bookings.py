"""Bookings: search and filter, CSV export, a site's day, cancel or resolve on a member's behalf."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import now_in_kerala, today_in_kerala
from ..extensions import get_session, writes_on_read
from ..models import Site
from ..services.admin import bookings as admin_bookings
from ..services.sites import admin as sites_admin
from ..services.admin.bookings import BookingFilter
from ..services.bookings.ending import end_early_for_member, get_ending
from ..services.errors import BookingError
from . import bp
from .access import (
    audit_personal_view,
    get_booking_or_404,
    get_site_or_404,
    visible_site_ids,
    visible_sites,
)
from .forms import BookingFilterForm, CancelForm, ConflictForm, DayForm, EndEarlyForm, choices


def _filter_from_request() -> tuple[BookingFilterForm, BookingFilter | None]:
    requested = request.args.get("site", type=int)
    if requested:
        get_site_or_404(requested)  # a hand-typed site the viewer does not run: 404
    form = BookingFilterForm(request.args)
    form.site.choices = choices([(0, _("All my sites"))] + [(s.id, s.name) for s in visible_sites()])
    if not form.validate():
        return form, None
    site_id = form.site.data or None
    return form, BookingFilter(site_ids=visible_site_ids(), site_id=site_id,
                               first=form.first.data, last=form.last.data,
                               member=form.member.data or "", status=form.status.data or "")


@bp.get("/bookings")
def booking_list():
    form, booking_filter = _filter_from_request()
    bookings, total, page = [], 0, max(request.args.get("page", 1, type=int) or 1, 1)
    error = None
    if booking_filter is not None:
        try:
            bookings, total = admin_bookings.search_bookings(get_session(), booking_filter, page)
        except BookingError as e:
            error = localize(e)
    status = 400 if booking_filter is None or error else 200
    return render_template("admin/bookings.html", form=form, bookings=bookings, total=total,
                           page=page, page_size=admin_bookings.PAGE_SIZE, error=error), status


@bp.get("/bookings.csv")
@writes_on_read
def booking_export():
    form, booking_filter = _filter_from_request()
    if booking_filter is None:
        abort(400, _("Check the filter: %(e)s", e=", ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items())))
    try:
        rows, members = admin_bookings.get_export(get_session(), booking_filter)
    except BookingError as error:
        abort(400, localize(error))
    audit_personal_view(get_session().get(Site, booking_filter.site_id)
                        if booking_filter.site_id else None, "export", "bookings.csv", members)
    name = f"bookings-{today_in_kerala().isoformat()}.csv"
    return Response(admin_bookings.to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _detail_page(booking, *, cancel_form=None, end_form=None, status: int = 200):
    ending, _refusal = get_ending(booking, now_in_kerala())
    return render_template("admin/booking_detail.html", booking=booking,
                           cancel_form=cancel_form or CancelForm(), conflict_form=ConflictForm(),
                           end_form=end_form or EndEarlyForm(prefix="end"), ending=ending,
                           today=today_in_kerala()), status


@bp.get("/bookings/<int:booking_id>")
@writes_on_read
def booking_detail(booking_id: int):
    booking = get_booking_or_404(booking_id)
    audit_personal_view(booking.site, "booking", f"booking:{booking.id}", [booking.member])
    return _detail_page(booking)


@bp.post("/bookings/<int:booking_id>/cancel")
def booking_cancel(booking_id: int):
    form = CancelForm()
    booking = get_booking_or_404(booking_id)
    if form.validate_on_submit():
        try:
            admin_bookings.cancel_for_member(get_session(), current_user, booking,
                                             form.reason.data)
        except BookingError as error:
            flash(localize(error), "error")
        else:
            flash(_("Booking cancelled; the member sees your reason."), "success")
            return redirect(url_for("admin.booking_detail", booking_id=booking.id))
    return _detail_page(booking, cancel_form=form, status=400)


@bp.post("/bookings/<int:booking_id>/end")
def booking_end(booking_id: int):
    form = EndEarlyForm(prefix="end")
    booking = get_booking_or_404(booking_id)
    if form.validate_on_submit():
        try:
            end_early_for_member(get_session(), current_user, booking, form.reason.data,
                                 now=now_in_kerala())
        except BookingError as error:
            flash(localize(error), "error")
        else:
            flash(_("Ended early: the rest is free for others; the member sees your reason."),
                  "success")
            return redirect(url_for("admin.booking_detail", booking_id=booking.id))
    return _detail_page(booking, end_form=form, status=400)


@bp.post("/bookings/<int:booking_id>/conflict")
def booking_conflict(booking_id: int):
    form = ConflictForm()
    booking = get_booking_or_404(booking_id)
    if not form.validate_on_submit():
        return redirect(url_for("admin.booking_detail", booking_id=booking.id)), 400
    try:
        done = sites_admin.resolve_conflict(get_session(), current_user, booking,
                                            action=form.action.data, note=form.note.data or "")
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("admin.booking_detail", booking_id=booking.id)), 400
    if done:
        flash(_("Resolved."), "success")
    else:
        flash(_("Still nothing equivalent free; cancel it or try again later."), "warning")
    return redirect(url_for("admin.booking_detail", booking_id=booking.id))


@bp.get("/sites/<int:site_id>/today")
@writes_on_read
def site_today(site_id: int):
    form = DayForm(request.args)
    form.validate()
    site = get_site_or_404(site_id)
    day = form.day.data or today_in_kerala()
    sheet = admin_bookings.get_day_sheet(get_session(), site, day)
    audit_personal_view(site, "day", f"day:{day.isoformat()}",
                        [b.member for b in sheet.in_today + sheet.departures])
    return render_template("admin/today.html", site=site, form=form, day=day, sheet=sheet,
                           today=today_in_kerala())
