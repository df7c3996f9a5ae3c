"""Closures: close a site or one room for dates, seeing the bookings it hits first."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..models import Closure, Room
from ..services.sites import capacity, admin as sites_admin
from ..services.errors import BookingError
from . import bp
from .access import get_part_or_404, get_site_or_404
from .forms import ClosureForm, DeleteForm, choices


def _closure_form(site) -> ClosureForm:
    form = ClosureForm()
    form.room_id.choices = choices([(0, _("The whole site"))] + [
        (r.id, _("Room %(name)s", name=r.name)) for r in site.rooms if r.retired_on is None])
    return form


@bp.route("/sites/<int:site_id>/closures", methods=["GET", "POST"])
def closures(site_id: int):
    site = get_site_or_404(site_id)
    form = _closure_form(site)
    affected, status = None, 200
    if form.validate_on_submit():
        room = get_part_or_404(site, Room, form.room_id.data) if form.room_id.data else None
        if form.ends_on.data < form.starts_on.data:
            form.ends_on.errors.append(_("The last day is before the first."))
            status = 400
        elif request.form.get("confirm"):
            try:
                change = sites_admin.add_closure(
                    get_session(), current_user, site, form.starts_on.data, form.ends_on.data,
                    reason=form.reason.data, room=room,
                    cancel_affected=form.handling.data == "cancel", today=today_in_kerala())
            except BookingError as error:
                form.starts_on.errors.append(localize(error))
                status = 400
            else:
                return _after_closure(site, form, change)
        else:
            # Step 1: show what the closure would hit before anything changes.
            affected = capacity.get_bookings_in_closure(
                get_session(), site, form.starts_on.data, form.ends_on.data, room)
    elif request.method == "POST":
        status = 400
    return render_template("admin/closures.html", site=site, form=form, affected=affected,
                           delete_form=DeleteForm(), today=today_in_kerala()), status


def _after_closure(site, form, change):
    if form.handling.data == "cancel" and change.conflicts:
        flash(_("Closed. %(n)d booking(s) cancelled; members see the reason.",
                n=len(change.conflicts)), "success")
    elif change.conflicts:
        flash(_("Closed. %(moved)d moved, %(n)d booking(s) need attention.",
                moved=len(change.moved), n=len(change.conflicts)), "warning")
        return redirect(url_for("admin.booking_list", site=site.id, status="conflict"))
    else:
        flash(_("Closed. %(moved)d booking(s) moved.", moved=len(change.moved)), "success")
    return redirect(url_for("admin.closures", site_id=site.id))


@bp.post("/sites/<int:site_id>/closures/<int:closure_id>/delete")
def closure_delete(site_id: int, closure_id: int):
    form = DeleteForm()
    site = get_site_or_404(site_id)
    closure = get_part_or_404(site, Closure, closure_id)
    if not form.validate_on_submit():
        return redirect(url_for("admin.closures", site_id=site.id)), 400
    sites_admin.remove_closure(get_session(), current_user, site, closure)
    flash(_("Closure removed; those dates are bookable again."), "success")
    return redirect(url_for("admin.closures", site_id=site.id))
