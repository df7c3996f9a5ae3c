"""The resident register page of one stay: the warden records it at arrival, corrects it
until departure. Only the hostel's own managers and administrators reach it (others 404);
each view is audited by the service, so the GET writes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import get_session, writes_on_read
from ..services.bookings import register as register_service
from ..services.errors import BookingError
from ..web.helpers import show_refusal
from ..web.register_words import ID_DOCUMENT_LABELS, REGISTER_FIELD_LABELS
from . import bp
from .access import get_booking_or_404
from .forms import RegisterEntryForm, choices


def _stay_or_404(booking_id: int):
    """The booking if the viewer runs its site (else 404); None for a desk booking."""
    booking = get_booking_or_404(booking_id)
    if booking.bed_id is None or not booking.site.is_hostel:
        return None
    if not register_service.can_see_register(current_user, booking.site):
        abort(404)
    return booking


def _no_register(booking_id: int):
    flash(_("Only a hostel stay has a register entry."), "info")
    return redirect(url_for("admin.booking_detail", booking_id=booking_id))


def _form(**data) -> RegisterEntryForm:
    form = RegisterEntryForm(**data)
    form.id_document_type.choices = choices(
        [("", _("Choose…"))] + [(k, str(v)) for k, v in ID_DOCUMENT_LABELS.items()])
    return form


def _prefill(entry) -> dict:
    if entry is None or entry.is_erased:
        return {}
    return {"full_name": entry.full_name, "phone": entry.phone, "employer": entry.employer,
            "emergency_contact_name": entry.emergency_contact_name,
            "emergency_contact_phone": entry.emergency_contact_phone,
            "id_document_type": entry.id_document_type, "id_number": entry.id_last4}


def _page(booking, entry, form, status: int = 200, *, show_stored: bool = True):
    return render_template(
        "admin/register_entry.html", booking=booking, entry=entry, form=form,
        show_stored=show_stored,
        editable=register_service.is_editable(booking, entry),
        erasure_due_on=register_service.erasure_due_on(booking),
        id_labels=ID_DOCUMENT_LABELS, field_labels=REGISTER_FIELD_LABELS), status


@bp.get("/bookings/<int:booking_id>/register")
@writes_on_read
def register_entry(booking_id: int):
    booking = _stay_or_404(booking_id)
    if booking is None:
        return _no_register(booking_id)
    entry = register_service.view_entry(get_session(), booking, current_user)
    return _page(booking, entry, _form(**_prefill(entry)))


@bp.post("/bookings/<int:booking_id>/register")
def register_entry_save(booking_id: int):
    booking = _stay_or_404(booking_id)
    if booking is None:
        return _no_register(booking_id)
    form = _form()
    if form.validate_on_submit():
        details = register_service.RegisterDetails(
            full_name=form.full_name.data, phone=form.phone.data,
            employer=form.employer.data or "",
            emergency_contact_name=form.emergency_contact_name.data,
            emergency_contact_phone=form.emergency_contact_phone.data,
            id_document_type=form.id_document_type.data, id_number=form.id_number.data)
        try:
            register_service.save_entry(get_session(), booking, current_user, details)
        except BookingError as error:  # a refusal about one field (RegisterRefused) goes there
            show_refusal(form, error)
        else:
            flash(_("Register entry saved."), "success")
            return redirect(url_for("admin.register_entry", booking_id=booking.id))
    # A refusal is rolled back with its request, audit included: so this page shows only
    # what the warden typed (never the stored details), and never a refused ID number.
    form.id_number.data = ""
    return _page(booking, register_service.get_entry(get_session(), booking), form, 422,
                 show_stored=False)
