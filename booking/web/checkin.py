"""Checking in at a centre with the QR code at its entrance.

The code in the URL is today's code of the site (services/bookings/checkin.py).
GET shows what would be checked in; POST (with CSRF) checks it in. A stranger
is sent to sign in and comes back here (Flask-Login's ``next``).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..forms import BaseForm
from ..extensions import get_session
from ..services.bookings import checkin
from ..services.errors import AlreadyCheckedIn, BookingError, InvalidCheckInCode
from . import bp
from .helpers import load_site


class CheckInForm(BaseForm):
    """Only the CSRF token: the site, code and booking come from the URL and the clock."""


def _load_centre(slug: str):
    site = load_site(slug)
    if not site.is_centre:
        abort(404)
    return site


def _code_refused(site, error: InvalidCheckInCode):
    return render_template("checkin/invalid.html", site=site, message=localize(error)), 400


@bp.get("/check-in/<slug>/<code>")
@login_required
def check_in(slug: str, code: str):
    site, now = _load_centre(slug), now_in_kerala()
    try:
        checkin.check_code(current_app.config["SECRET_KEY"], site, code, now)
    except InvalidCheckInCode as error:
        return _code_refused(site, error)
    booking = checkin.get_booking_for_now(get_session(), current_user, site, now)
    return render_template("checkin/confirm.html", site=site, code=code, booking=booking,
                           form=CheckInForm(), early=checkin.EARLY_CHECK_IN)


@bp.post("/check-in/<slug>/<code>")
@login_required
def check_in_post(slug: str, code: str):
    site, form = _load_centre(slug), CheckInForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        checkin.check_in_member(get_session(), current_user, site, code,
                                current_app.config["SECRET_KEY"], now=now_in_kerala())
    except InvalidCheckInCode as error:
        return _code_refused(site, error)
    except AlreadyCheckedIn:
        flash(_("You are already checked in."), "info")
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("web.check_in", slug=slug, code=code)), 303
    else:
        flash(_("Checked in at %(site)s. Have a good day!", site=site.name), "success")
    return redirect(url_for("web.check_in", slug=slug, code=code)), 303
