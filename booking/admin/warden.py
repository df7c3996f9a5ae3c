"""The warden's day at a hostel (arrivals, departures, in house, free beds) and the
warden's actions on a stay: arrival, departure, a move to another bed."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import now_in_kerala, today_in_kerala
from ..extensions import get_session, writes_on_read
from ..models import Bed
from ..web.helpers import show_refusal
from ..services.bookings import warden
from ..services.dates import format_day
from ..services.errors import BookingError
from . import bp
from .access import audit_personal_view, get_booking_or_404, get_site_or_404
from .forms import DayForm, MoveStayForm, StayActionForm, choices


@bp.get("/sites/<int:site_id>/hostel")
@writes_on_read
def hostel_day(site_id: int):
    site = get_site_or_404(site_id)
    if not site.is_hostel:  # a centre's day is its day sheet
        return redirect(url_for("admin.site_today", site_id=site.id))
    form = DayForm(request.args)
    form.validate()
    day = form.day.data or today_in_kerala()
    sheet = warden.get_hostel_day(get_session(), site, day)
    audit_personal_view(site, "hostel", f"hostel:{day.isoformat()}",
                        [b.member for b in sheet.people])
    return render_template("admin/hostel_day.html", site=site, form=form, day=day,
                           sheet=sheet, today=today_in_kerala(), action_form=StayActionForm(),
                           warden=warden)


def _stay_or_404(booking_id: int):
    booking = get_booking_or_404(booking_id)
    if booking.bed_id is None:
        abort(404)
    return booking


def _back(booking):
    return redirect(url_for("admin.hostel_day", site_id=booking.site_id) + f"#stay-{booking.id}",
                    303)


def _name(booking) -> str:
    return booking.member.name if booking.member else _("(deleted account)")


@bp.post("/stays/<int:booking_id>/arrive")
def stay_arrive(booking_id: int):
    booking = _stay_or_404(booking_id)
    if not StayActionForm().validate_on_submit():
        abort(400)
    try:
        warden.mark_arrival(get_session(), current_user, booking, now=now_in_kerala())
    except BookingError as error:
        get_session().rollback()
        flash(localize(error), "error")
    else:
        flash(_("%(name)s has arrived (bed %(bed)s).", name=_name(booking),
                bed=booking.bed.label), "success")
    return _back(booking)


@bp.post("/stays/<int:booking_id>/depart")
def stay_depart(booking_id: int):
    booking = _stay_or_404(booking_id)
    if not StayActionForm().validate_on_submit():
        abort(400)
    try:
        warden.mark_departure(get_session(), current_user, booking, now=now_in_kerala())
    except BookingError as error:
        get_session().rollback()
        flash(localize(error), "error")
    else:
        flash(_("%(name)s has left; bed %(bed)s is free from %(day)s.", name=_name(booking),
                bed=booking.bed.label, day=format_day(booking.ends_on)), "success")
    return _back(booking)


def _move_form(booking, today: date) -> MoveStayForm:
    form = MoveStayForm()
    if form.first_night.data is None and not form.is_submitted():
        form.first_night.data = warden.earliest_move_night(booking, today)
    first = form.first_night.data or warden.earliest_move_night(booking, today)
    beds = warden.bed_choices(get_session(), booking, first)
    # Beds that would do first (free and allowed), then the rest, each marked why not.
    beds.sort(key=lambda pair: (not (pair[1] and warden.may_have(booking, pair[0].room)),
                                not pair[1]))
    form.bed.choices = choices(
        [(0, _("Choose a bed"))]
        + [(bed.id, _("%(bed)s · room %(room)s (%(who)s)", bed=bed.label, room=bed.room.name,
                      who=_designation(bed.room.designation))
            + ("" if free else _(" · taken some nights"))
            + ("" if warden.may_have(booking, bed.room) else _(" · not for this resident")))
           for bed, free in beds])
    return form


def _designation(value: str) -> str:
    return {"women": _("women"), "men": _("men")}.get(value, _("anyone"))


@bp.route("/stays/<int:booking_id>/move", methods=["GET", "POST"])
def stay_move(booking_id: int):
    booking = get_booking_or_404(booking_id)
    if booking.bed_id is None:  # a desk booking moves nowhere from here
        return redirect(url_for("admin.booking_detail", booking_id=booking.id))
    today = today_in_kerala()
    form = _move_form(booking, today)
    status = 200
    if form.validate_on_submit():
        target = get_session().get(Bed, form.bed.data) if form.bed.data else None
        if target is None:
            form.bed.errors.append(_("Choose the bed to move to."))
        else:
            try:
                warden.move_resident(get_session(), current_user, booking, target,
                                     form.first_night.data, reason=form.reason.data or "",
                                     now=now_in_kerala())
            except BookingError as error:
                get_session().rollback()
                show_refusal(form, error, default_field="bed")
            else:
                flash(_("%(name)s moves to bed %(bed)s from the night of %(day)s.",
                        name=_name(booking), bed=target.label,
                        day=format_day(form.first_night.data)), "success")
                return _back(booking)
        status = 422
    elif form.is_submitted():
        status = 422
    booking = _stay_or_404(booking_id)  # reloaded after a rollback (no phone shown here)
    return render_template("admin/move_stay.html", booking=booking, site=booking.site,
                           form=form, today=today,
                           earliest=warden.earliest_move_night(booking, today)), status
