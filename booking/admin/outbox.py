"""The outbox as administrators see it: what was sent, what is waiting, what failed.

A failed message can be put back in line ("Resend"); it goes out with the
same Message-ID, so a mail client that already has it shows it once.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import get_session
from ..models import OutboxMessage, OutboxStatus
from ..services.admin import audit
from ..services.notices import outbox
from . import bp
from .access import admin_required
from .forms import ResendForm

STATUSES = ("failed", "pending", "sent")


@bp.get("/outbox")
@admin_required
def outbox_list():
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    session = get_session()
    return render_template("admin/outbox.html", status=status,
                           messages=outbox.recent(session, statuses=[status] if status else None),
                           counts=outbox.counts(session), form=ResendForm())


@bp.post("/outbox/<int:message_id>/resend")
@admin_required
def resend_message(message_id: int):
    if not ResendForm().validate_on_submit():
        abort(400)
    session = get_session()
    message = session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status == OutboxStatus.PENDING:
        flash(_("That message is already waiting to be sent."), "info")
    else:
        outbox.resend(session, message)
        audit.record(session, current_user, "outbox.resend", target=f"outbox:{message.id}",
                     before={"status": message.status}, after={"kind": message.kind})
        flash(_("The message to %(to)s will be sent again in a moment.",
                to=message.to_address), "success")
    return redirect(url_for("admin.outbox_list", status=request.args.get("status", "")))
