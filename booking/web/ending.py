"""Ending a booking in progress early: a confirmation page that says what is kept and freed."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..services.bookings.ending import end_booking_early, get_ending
from ..services.errors import BookingError
from ..services.bookings.member import is_cancellable_by_member
from . import bp
from .bookings import _own_booking
from .forms import EndEarlyForm
from .helpers import show_refusal


@bp.route("/bookings/<int:booking_id>/end", methods=["GET", "POST"])
@login_required
def end_booking_page(booking_id: int):
    booking = _own_booking(booking_id)
    form, now = EndEarlyForm(), now_in_kerala()
    if form.validate_on_submit():
        try:
            end_booking_early(get_session(), booking, current_user, now=now)
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Done: the rest of your booking is free for others now."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    # A refused POST shows the reason as it stands now (the page's own notice).
    ending, refusal = get_ending(booking, now, by_member=True)
    status = 422 if form.form_errors else 200
    return render_template("bookings/end.html", booking=booking, form=form, ending=ending,
                           refusal=localize(refusal),
                           can_cancel=is_cancellable_by_member(booking, now),
                           ), status
