"""Sites: the list, a site's overview, create, edit, status, CSV import."""
from __future__ import annotations

from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..services.sites import admin as sites_admin
from ..services.errors import BookingError, ImportFailed
from ..services.sites.finding import get_capacity_today
from ..web.helpers import show_refusal
from . import bp
from .access import admin_required, get_site_or_404, visible_site_ids, visible_sites
from .forms import DeleteForm, ImportForm, SiteEditForm, SiteForm, StatusForm

MAX_CSV_BYTES = 60_000


@bp.get("/sites")
def site_list():
    query = request.args.get("q", "").strip().lower()
    sites = [s for s in visible_sites()
             if not query or query in s.name.lower() or query in s.district.lower()]
    counts = get_capacity_today(get_session(), today_in_kerala(), visible_site_ids())
    return render_template("admin/sites.html", sites=sites, counts=counts, query=query)


@bp.route("/sites/new", methods=["GET", "POST"])
@admin_required
def site_new():
    form = SiteForm(data={"opening_days": list("012345"), "opens_at": time(8),
                          "closes_at": time(20), "check_in_time": time(14),
                          "check_out_time": time(11), "advance_days": 30,
                          "max_stay_nights": 180, "cancel_cutoff_hours": 0,
                          "stay_kinds": "nightly", "min_months": 1, "notice_days": 30,
                          "longest_stay_months": 12})
    if form.validate_on_submit():
        try:
            site = sites_admin.create_site(get_session(), current_user, slug=form.slug.data,
                                           kind=form.kind.data, status="planned", **form.changes())
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("%(name)s created (planned). Add its capacity, then open it.", name=site.name),
                  "success")
            return redirect(url_for("admin.site_detail", site_id=site.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/site_form.html", form=form, site=None), status


@bp.get("/sites/<int:site_id>")
def site_detail(site_id: int):
    site = get_site_or_404(site_id)
    return render_template("admin/site_detail.html", site=site, status_form=StatusForm(),
                           delete_form=DeleteForm(),
                           moves=sorted(sites_admin.STATUS_MOVES[site.status]))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
def site_edit(site_id: int):
    site = get_site_or_404(site_id)
    form = SiteEditForm(obj=site, data={"opening_days": list(site.opening_days)}
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            sites_admin.update_site(get_session(), current_user, site, form.changes())
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.site_detail", site_id=site.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/site_form.html", form=form, site=site), status


@bp.post("/sites/<int:site_id>/status")
def site_status(site_id: int):
    form = StatusForm()
    site = get_site_or_404(site_id)
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("admin.site_detail", site_id=site.id)), 400
    try:
        change = sites_admin.set_site_status(get_session(), current_user, site,
                                             form.status.data, today_in_kerala())
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("admin.site_detail", site_id=site.id)), 400
    flash(_("%(name)s is now %(status)s.", name=site.name, status=site.status), "success")
    if change.conflicts:
        flash(_("%(n)d booking(s) need attention.", n=len(change.conflicts)), "warning")
    return redirect(url_for("admin.site_detail", site_id=site.id))


@bp.route("/sites/import", methods=["GET", "POST"])
@admin_required
def site_import():
    form = ImportForm()
    rows, errors, text = [], [], ""
    if form.validate_on_submit():
        text = form.csv_text.data or _read_upload(form)
        if text is None:
            form.file.errors.append(_("Choose a UTF-8 CSV file of at most 60 kB."))
        elif request.form.get("confirm") and form.csv_text.data:
            try:
                sites = sites_admin.import_centres(get_session(), current_user, text)
            except ImportFailed as error:
                errors = localize(error.row_errors) or [(0, localize(error))]
                return render_template("admin/site_import.html", form=form, rows=[],
                                       errors=errors, text=""), 400
            flash(_("%(n)d centres imported.", n=len(sites)), "success")
            return redirect(url_for("admin.site_list"))
        else:
            rows, errors = sites_admin.preview_import(get_session(), text)
            errors = localize(errors)
    elif request.method == "POST":
        return render_template("admin/site_import.html", form=form, rows=[], errors=[],
                               text=""), 400
    return render_template("admin/site_import.html", form=form, rows=rows, errors=errors,
                           text=text or "")


def _read_upload(form: ImportForm) -> str | None:
    upload = form.file.data
    if upload is None or not getattr(upload, "read", None):
        return None
    raw = upload.read(MAX_CSV_BYTES + 1)
    if not raw or len(raw) > MAX_CSV_BYTES:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
