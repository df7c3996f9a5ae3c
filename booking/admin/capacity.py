"""Capacity pages: a site's desks or rooms and beds; add, rename, retire."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..models import Bed, Desk, Room
from ..services.sites import capacity, admin as sites_admin
from ..services.errors import BookingError
from . import bp
from .access import get_part_or_404, get_site_or_404
from .forms import AddDesksForm, AddRoomForm, RenameForm, RetireForm

PARTS = {"desk": Desk, "bed": Bed, "room": Room}


def _capacity_page(site, desks_form=None, room_form=None, status=200):
    return render_template("admin/capacity.html", site=site, today=today_in_kerala(),
                           desks_form=desks_form or AddDesksForm(),
                           room_form=room_form or AddRoomForm(),
                           rename_form=RenameForm()), status


@bp.get("/sites/<int:site_id>/capacity")
def site_capacity(site_id: int):
    return _capacity_page(get_site_or_404(site_id))


@bp.post("/sites/<int:site_id>/desks")
def desks_add(site_id: int):
    form = AddDesksForm()
    site = get_site_or_404(site_id)
    if form.validate_on_submit():
        try:
            desks = sites_admin.add_desks(get_session(), current_user, site,
                                          form.count.data, form.zone.data)
        except BookingError as error:
            flash(localize(error), "error")
        else:
            flash(_("Added %(n)d desk(s): %(first)s to %(last)s.", n=len(desks),
                    first=desks[0].label, last=desks[-1].label), "success")
            return redirect(url_for("admin.site_capacity", site_id=site.id))
    return _capacity_page(site, desks_form=form, status=400)


@bp.post("/sites/<int:site_id>/rooms")
def room_add(site_id: int):
    form = AddRoomForm()
    site = get_site_or_404(site_id)
    if form.validate_on_submit():
        try:
            room = sites_admin.add_room(get_session(), current_user, site, form.name.data,
                                        beds=form.beds.data, room_type=form.room_type.data,
                                        designation=form.designation.data)
        except BookingError as error:
            flash(localize(error), "error")
        else:
            flash(_("Room %(name)s added with %(n)d beds.", name=room.name, n=len(room.beds)),
                  "success")
            return redirect(url_for("admin.site_capacity", site_id=site.id))
    return _capacity_page(site, room_form=form, status=400)


@bp.post("/sites/<int:site_id>/<kind>/<int:thing_id>/rename")
def part_rename(site_id: int, kind: str, thing_id: int):
    form = RenameForm()
    site = get_site_or_404(site_id)
    thing = get_part_or_404(site, PARTS.get(kind) or abort(404), thing_id)
    if not form.validate_on_submit():
        flash(_("Give a name of 1 to 40 characters."), "error")
        return redirect(url_for("admin.site_capacity", site_id=site.id)), 400
    try:
        sites_admin.rename(get_session(), current_user, site, thing, form.label.data)
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("admin.site_capacity", site_id=site.id)), 400
    flash(_("Renamed."), "success")
    return redirect(url_for("admin.site_capacity", site_id=site.id))


@bp.route("/sites/<int:site_id>/<kind>/<int:thing_id>/retire", methods=["GET", "POST"])
def part_retire(site_id: int, kind: str, thing_id: int):
    """Step 1 shows the live bookings affected and where each could go; step 2 acts."""
    form = RetireForm(request.args) if request.method == "GET" else RetireForm()
    site = get_site_or_404(site_id)
    thing = get_part_or_404(site, PARTS.get(kind) or abort(404), thing_id)
    plan, status = None, 200
    if request.method == "GET" and form.from_on.data:
        plan = _plan(kind, thing, form.from_on.data)
    elif request.method == "POST" and form.validate_on_submit():
        try:
            change = sites_admin.retire(get_session(), current_user, site, thing,
                                        form.from_on.data, today_in_kerala())
        except BookingError as error:
            form.from_on.errors.append(localize(error))
            status = 400
        else:
            return _after_retire(site, change)
    elif request.method == "POST":
        status = 400
    return render_template("admin/retire.html", site=site, kind=kind, thing=thing, form=form,
                           plan=plan), status


def _plan(kind: str, thing, from_on):
    session = get_session()
    if kind == "desk":
        return capacity.plan_desk_retirement(session, thing, from_on)
    beds = list(thing.beds) if kind == "room" else [thing]
    return capacity.plan_bed_retirement(session, beds, from_on)


def _after_retire(site, change):
    flash(_("Retired. %(moved)d booking(s) moved, %(conflicts)d need attention.",
            moved=len(change.moved), conflicts=len(change.conflicts)),
          "warning" if change.conflicts else "success")
    if change.conflicts:
        return redirect(url_for("admin.booking_list", site=site.id, status="conflict"))
    return redirect(url_for("admin.site_capacity", site_id=site.id))
