"""Joining and leaving a waitlist from the booking pages and My bookings.

"Join the waitlist" is a second submit button of the booking form (its
``formaction``), shown when nothing suitable is free: it posts the same day
and part (or dates) and the form's CSRF token, so it works without JS. A
refusal or "a place is free" goes back to the booking page as a message.
"""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import DayPart
from ..services.bookings.book import DeskRequest, StayRequest
from ..services.bookings.waitlist import get_entry, get_position, join_waitlist, leave_waitlist
from ..services.errors import BookingError
from . import bp
from .forms import BedBookingForm, DeskBookingForm, LeaveWaitlistForm
from .helpers import load_site


@bp.post("/sites/<slug>/waitlist")
@login_required
def join_waitlist_page(slug: str):
    site = load_site(slug)
    if site.is_centre:
        form = DeskBookingForm()
        back = "web.book_desk_page"
    else:
        form = BedBookingForm()
        back = "web.book_bed_page"
    if not form.validate_on_submit():
        flash(_("Choose the day and time again, then join the waitlist."), "error")
        return redirect(url_for(back, slug=slug), code=303)
    if site.is_centre:
        request_ = DeskRequest(site, form.day.data, DayPart(form.part.data))
        query = {"day": form.day.data.isoformat(), "part": form.part.data}
    else:
        request_ = StayRequest(site, form.check_in.data, form.check_out.data)
        query = {"check_in": form.check_in.data.isoformat(),
                 "check_out": form.check_out.data.isoformat()}
    session = get_session()
    try:
        entry = join_waitlist(session, current_user, request_, now_in_kerala())
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for(back, slug=slug, _anchor="step2", **query), code=303)
    flash(_("You are on the waitlist at %(site)s, number %(position)d in line. If a place"
            " frees up we book it for you and send you an email.", site=site.name,
            position=get_position(session, entry)), "success")
    return redirect(url_for("web.my_bookings", _anchor="waitlist"), code=303)


@bp.post("/waitlist/<int:entry_id>/leave")
@login_required
def leave_waitlist_page(entry_id: int):
    session = get_session()
    try:
        entry = get_entry(session, current_user, entry_id)
    except BookingError:
        abort(404)
    if not LeaveWaitlistForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.my_bookings", _anchor="waitlist"), code=303)
    try:
        leave_waitlist(session, current_user, entry, now=now_in_kerala())
    except BookingError as error:
        flash(localize(error), "error")
    else:
        flash(_("You have left the waitlist at %(site)s.", site=entry.site.name), "success")
    return redirect(url_for("web.my_bookings", _anchor="waitlist"), code=303)
