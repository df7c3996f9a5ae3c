"""Booking a desk or a bed, the confirmation, My bookings and cancelling.

Each booking page is one form in two steps: step 1 ("when?") and step 2
(what is free then, and the button that books). "Show free desks" posts the
form and is redirected to the shareable GET page of that choice, scrolled to
step 2. Step 1's inputs are the only source of the day or dates booked; step 2
says which choice it was built for, and a booking whose step 1 has changed
since is refused (forms.py). Every refusal from the services is shown on the
form with a 4xx status, never a 500.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import Booking, DayPart, Site
from ..services.bookings.preview import Preview, preview_desk, preview_stay
from ..services.bookings.book import book_bed, book_desk
from ..services.bookings.dues import dues_for
from ..services.money.payments import get_payments
from ..services.bookings.ending import is_endable
from ..services.bookings.stays import can_extend, can_give_notice
from ..services.bookings.series import get_current_series
from ..services.bookings.waitlist import get_member_entries
from ..services.errors import BookingError
from ..services.bookings.member import (
    cancel_booking,
    get_cancel_refusal,
    get_member_bookings,
    is_cancellable_by_member,
)
from . import bp
from ..services.bookings import register
from .register_words import ID_DOCUMENT_LABELS, REGISTER_FIELD_LABELS
from .choices import beds_by_designation, desk_choices, room_summaries
from .forms import BedBookingForm, CancelForm, DeskBookingForm, LeaveWaitlistForm
from .helpers import load_site, show_refusal


def _load_bookable(slug: str, kind: str) -> Site:
    site = load_site(slug)
    if site.kind != kind:
        abort(404)
    return site


def _query_form(form_class, defaults: dict):
    """The step-one form, read from the query string (no CSRF: it changes nothing)."""
    args = request.args if request.args else None
    form = form_class(formdata=args, meta={"csrf": False}, **defaults)
    if args is not None:
        form.validate()
    return form


def _is_show_request() -> bool:
    return request.method == "POST" and request.form.get("action") == "show"


def _show_choice(endpoint: str, slug: str, names: tuple[str, ...]):
    """"Show free ...": step 1's choice as its own GET page, scrolled to step 2.

    The redirect keeps the page shareable and safe to reload; the GET page
    validates the values as any query string.
    """
    values = {name: request.form.get(name, "") for name in names}
    return redirect(url_for(endpoint, slug=slug, _anchor="step2", **values), code=303)


@bp.route("/sites/<slug>/book-desk", methods=["GET", "POST"])
@login_required
def book_desk_page(slug: str):
    site = _load_bookable(slug, "centre")
    if _is_show_request():
        return _show_choice("web.book_desk_page", slug, ("day", "part"))
    now = now_in_kerala()
    query = _query_form(DeskBookingForm, {"day": now.date() + timedelta(days=1)})
    form = DeskBookingForm(day=query.day.data, part=query.part.data)
    if form.validate_on_submit() and form.is_as_shown():
        try:
            booking = book_desk(get_session(), current_user, site, form.day.data,
                                DayPart(form.part.data), form.desk.data or None, now=now)
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Your desk is booked."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    return _desk_form_page(site, form, query, now)


def _desk_form_page(site: Site, form: DeskBookingForm, query: DeskBookingForm, now):
    """The form again, showing what is free for the day and part chosen (or refused)."""
    # After a POST, step 1 shows what was posted (with its errors).
    chosen = query = form if request.method == "POST" else query
    day, part = chosen.day.data, chosen.part.data
    ready = bool(day and part in set(DayPart) and not chosen.day.errors)
    preview = preview_desk(get_session(), site, day, DayPart(part), now) if ready else Preview()
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template(
        "bookings/desk_form.html", site=site, form=form, query=query,
        preview=localize(preview.refusal),
        desk_choices=desk_choices(preview.desks), free_count=len(preview.desks), day=day,
        part=part, ready=ready,
    ), status


@bp.route("/sites/<slug>/book-bed", methods=["GET", "POST"])
@login_required
def book_bed_page(slug: str):
    site = _load_bookable(slug, "hostel")
    if _is_show_request():
        return _show_choice("web.book_bed_page", slug, ("check_in", "check_out"))
    now = now_in_kerala()
    check_in = now.date() + timedelta(days=1)
    query = _query_form(BedBookingForm, {"check_in": check_in,
                                         "check_out": check_in + timedelta(days=1)})
    form = BedBookingForm(check_in=query.check_in.data, check_out=query.check_out.data)
    if form.validate_on_submit() and form.is_as_shown():
        try:
            booking = book_bed(get_session(), current_user, site, form.check_in.data,
                               form.check_out.data, form.bed.data or None, now=now)
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Your bed is booked."), "success")
            return redirect(url_for("web.booking_page", booking_id=booking.id))
    return _bed_form_page(site, form, query, now)


def _bed_form_page(site: Site, form: BedBookingForm, query: BedBookingForm, now):
    """The form again, showing the suitable rooms free for the stay chosen (or refused)."""
    chosen = query = form if request.method == "POST" else query
    ci, co = chosen.check_in.data, chosen.check_out.data
    ready = bool(ci and co and not (chosen.check_in.errors or chosen.check_out.errors))
    preview = preview_stay(get_session(), site, current_user, ci, co, now) if ready else Preview()
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template(
        "bookings/bed_form.html", site=site, form=form, query=query,
        preview=localize(preview.refusal),
        rooms=room_summaries(preview.beds), not_yours=beds_by_designation(preview.other_beds),
        check_in=ci, check_out=co, nights=(co - ci).days if ready and co > ci else 0,
    ), status


def _own_booking(booking_id: int) -> Booking:
    """The signed-in member's own booking; anyone else's is a 404."""
    booking = get_session().get(Booking, booking_id)
    if booking is None or booking.member_id != current_user.id:
        abort(404)
    return booking


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking_page(booking_id: int):
    booking, now = _own_booking(booking_id), now_in_kerala()
    monthly = booking.is_monthly
    return render_template("bookings/show.html", booking=booking,
                           can_cancel=is_cancellable_by_member(booking, now),
                           can_end=is_endable(booking, now),
                           can_extend=monthly and can_extend(booking, now.date()),
                           can_give_notice=monthly and can_give_notice(booking, now.date()),
                           dues=dues_for(get_session(), booking) if monthly else [],
                           register_entry=(register.get_entry(get_session(), booking)
                                           if booking.bed_id is not None else None),
                           register_erasure_on=register.erasure_due_on,
                           id_labels=ID_DOCUMENT_LABELS, register_labels=REGISTER_FIELD_LABELS,
                           receipts=get_payments(get_session(), booking))


@bp.get("/bookings")
@login_required
def my_bookings():
    session, now = get_session(), now_in_kerala()
    ahead = get_member_bookings(session, current_user, upcoming=True, today=now.date())
    past = get_member_bookings(session, current_user, upcoming=False, today=now.date())
    upcoming = [b for b in ahead if b.is_live]
    # Cancelled bookings leave "Upcoming" at once: they join the history below.
    history = sorted([b for b in ahead if not b.is_live] + past,
                     key=lambda b: (b.starts_on, b.id), reverse=True)
    cancellable = {b.id for b in upcoming if is_cancellable_by_member(b, now)}
    return render_template("bookings/mine.html", upcoming=upcoming, past=history[:50],
                           cancellable=cancellable,
                           extendable={b.id for b in upcoming if b.is_monthly
                                       and can_extend(b, now.date())},
                           noticeable={b.id for b in upcoming if b.is_monthly
                                       and can_give_notice(b, now.date())},
                           series=get_current_series(session, current_user, now.date()),
                           waiting=get_member_entries(session, current_user, today=now.date()),
                           leave_form=LeaveWaitlistForm())


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_booking_page(booking_id: int):
    booking = _own_booking(booking_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            cancel_booking(get_session(), booking, current_user, now=now_in_kerala())
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Your booking at %(site)s is cancelled.", site=booking.site.name), "success")
            return redirect(url_for("web.my_bookings"))
    refusal = None if form.form_errors else get_cancel_refusal(booking, now_in_kerala())
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template("bookings/cancel.html", booking=booking, form=form,
                           refusal=localize(refusal),
                           can_end=is_endable(booking, now_in_kerala())), status
