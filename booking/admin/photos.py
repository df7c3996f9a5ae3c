"""A site's photos: upload (resized, EXIF stripped, alt text required), delete, show first.

Administrators only. The upload form is the one page that takes more than the
app-wide 64 kB request limit (``accepts_body_up_to``, checked at the edge), and
it is exempt from the app-wide CSRF check so that it can answer a body over its
own limit with a form error, then runs the same check itself.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..localize import localize
from ..extensions import csrf, get_session
from ..inputs import accepts_body_up_to, is_body_refused
from ..models import SitePhoto
from ..services.sites import photos as site_photos
from ..services.errors import BookingError
from ..services.accounts.permissions import is_admin
from . import bp
from .access import admin_required, get_part_or_404, get_site_or_404
from .forms import DeleteForm, PhotoForm

# The file plus the form's other fields and multipart framing.
MAX_REQUEST_BYTES = site_photos.MAX_UPLOAD_BYTES + 64 * 1024


@bp.record_once
def _template_helpers(state) -> None:
    # A global, so the site_tabs macro (imported without context) can ask.
    state.app.jinja_env.globals["can_manage_photos"] = lambda: is_admin(current_user)


def _read_photo_form() -> tuple[PhotoForm, int]:
    """The upload form, CSRF-checked; a body over the limit is a form error (413)."""
    try:
        if is_body_refused():  # refused at the edge: nothing of it was read
            raise RequestEntityTooLarge()
        csrf.protect()  # what the app-wide check would have done (a chunked body may be too large)
    except RequestEntityTooLarge:
        form = PhotoForm(formdata=None)  # nothing was read, so nothing can change
        form.photo.errors = [_("The photo is larger than 8 MB; upload a smaller one.")]
        return form, 413
    return PhotoForm(), 200


@bp.route("/sites/<int:site_id>/photos", methods=["GET", "POST"])
@admin_required
@csrf.exempt
@accepts_body_up_to(MAX_REQUEST_BYTES)
def site_photos_page(site_id: int):
    form, status = _read_photo_form()
    site = get_site_or_404(site_id)
    if status == 200 and form.validate_on_submit():
        data = form.photo.data.read(site_photos.MAX_UPLOAD_BYTES + 1)
        try:
            site_photos.add_photo(get_session(), current_user, site, data, form.alt_text.data)
        except BookingError as error:
            form.photo.errors.append(localize(error))
        else:
            flash(_("Photo added."), "success")
            return redirect(url_for("admin.site_photos_page", site_id=site.id))
    if status == 200 and form.errors:
        status = 400
    return render_template("admin/site_photos.html", site=site, form=form,
                           photos=site_photos.get_photos(get_session(), site),
                           action_form=DeleteForm(formdata=None),
                           max_photos=site_photos.MAX_PHOTOS), status


@bp.post("/sites/<int:site_id>/photos/<int:photo_id>/<any(delete, first):action>")
@admin_required
def site_photo_action(site_id: int, photo_id: int, action: str):
    site = get_site_or_404(site_id)
    photo = get_part_or_404(site, SitePhoto, photo_id)
    if not DeleteForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("admin.site_photos_page", site_id=site.id)), 400
    if action == "delete":
        site_photos.delete_photo(get_session(), current_user, site, photo)
        flash(_("Photo deleted."), "success")
    else:
        site_photos.move_photo_first(get_session(), current_user, site, photo)
        flash(_("That photo now shows first."), "success")
    return redirect(url_for("admin.site_photos_page", site_id=site.id))
