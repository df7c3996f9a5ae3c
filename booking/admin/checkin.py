"""A centre's check-in QR code (printed at the entrance) and staff check-ins from the day sheet."""
from __future__ import annotations

import segno
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..services.bookings.checkin import check_in_by_staff, check_in_code
from ..services.errors import BookingError
from . import bp
from .access import get_booking_or_404, get_site_or_404
from .forms import CheckInForm


def check_in_url(site, day) -> str:
    """The address the QR code carries: PUBLIC_URL, not the host this request came to."""
    code = check_in_code(current_app.config["SECRET_KEY"], site, day)
    path = url_for("web.check_in", slug=site.slug, code=code)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


@bp.get("/sites/<int:site_id>/check-in-code")
def site_check_in_code(site_id: int):
    site = get_site_or_404(site_id)
    if not site.is_centre:
        abort(404)
    day = now_in_kerala().date()
    url = check_in_url(site, day)
    # Inline SVG drawn here: no image request, no external QR service, prints sharp.
    svg = segno.make(url, error="m").svg_inline(border=4, omitsize=True, light="#fff",
                                                  title=site.name)
    return render_template("admin/check_in_code.html", site=site, day=day, url=url, svg=svg)


@bp.post("/bookings/<int:booking_id>/check-in")
def booking_check_in(booking_id: int):
    booking = get_booking_or_404(booking_id)
    if not CheckInForm().validate_on_submit():
        abort(400)
    try:
        check_in_by_staff(get_session(), current_user, booking, now=now_in_kerala())
    except BookingError as error:
        flash(localize(error), "error")
    else:
        name = booking.member.name if booking.member else _("(deleted account)")
        flash(_("%(name)s is checked in.", name=name), "success")
    return redirect(url_for("admin.site_today", site_id=booking.site_id,
                            day=booking.starts_on.isoformat()), 303)
