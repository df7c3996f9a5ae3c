"""Room eligibility: staff grant or refuse members' requests; admins set it on the user page.

Open to administrators and to managers of any hostel (eligibility is per person, so a
warden sees every member's request); a manager who runs only centres gets 403.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..models import User
from ..services.accounts import eligibility
from ..services.accounts.eligibility import Decision
from ..services.errors import BookingError
from ..services.accounts.permissions import can_decide_eligibility
from . import bp
from .access import admin_required
from .forms import EligibilityDecisionForm, EligibilityForm

LABELS = {"women": _l("women's rooms"), "men": _l("men's rooms"),
          None: _l("rooms for anyone only")}


def _deciders_only() -> None:
    if not can_decide_eligibility(current_user):
        abort(403)


@bp.get("/eligibility")
def eligibility_requests():
    _deciders_only()
    session = get_session()
    return render_template(
        "admin/eligibility.html",
        pending=eligibility.get_pending_requests(session, current_user),
        decided=eligibility.get_recent_decisions(session, current_user),
        form=EligibilityDecisionForm(formdata=None))


@bp.post("/eligibility/decide")
def decide_eligibility():
    _deciders_only()
    form = EligibilityDecisionForm()
    if not form.validate_on_submit() or form.grant.data == form.refuse.data:
        flash(_("That decision could not be read; please try again."), "error")
        return redirect(url_for("admin.eligibility_requests"))
    session = get_session()
    try:
        req = eligibility.get_request_for_staff(session, current_user, form.request_id.data)
        if form.grant.data:
            decision = eligibility.grant_request(session, current_user, req, today_in_kerala(),
                                                 note=form.note.data or "")
        else:
            eligibility.refuse_request(session, current_user, req, form.note.data or "")
            flash(_("%(name)s's request is refused; they see your note.",
                    name=req.member.name), "info")
            return redirect(url_for("admin.eligibility_requests"))
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("admin.eligibility_requests"))
    return _after_change(decision, url_for("admin.eligibility_requests"))


@bp.post("/users/<int:user_id>/eligibility")
@admin_required
def user_eligibility(user_id: int):
    session = get_session()
    user = session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    form = EligibilityForm()
    if not form.validate_on_submit():
        flash(_("Choose what they may book."), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    try:
        decision = eligibility.set_eligibility(session, current_user, user,
                                               form.hostel_eligibility.data or None,
                                               today_in_kerala())
    except BookingError as error:
        flash(localize(error), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return _after_change(decision, url_for("admin.user_edit", user_id=user.id))


def _after_change(decision: Decision, back: str):
    """Say what changed and, when stays were flagged, which ones and where to resolve them."""
    member = decision.member
    if decision.before == decision.after:
        flash(_("%(name)s may book %(rooms)s (unchanged).", name=member.name,
                rooms=LABELS[decision.after]), "info")
        return redirect(back)
    flash(_("%(name)s may now book %(rooms)s.", name=member.name,
            rooms=LABELS[decision.after]), "success")
    if not decision.flagged:
        return redirect(back)
    flash(_("%(n)d stay(s) no longer allowed need attention: %(list)s.", n=len(decision.flagged),
            list=", ".join(f"#{b.id} ({b.site.name}, {b.resource_label})"
                           for b in decision.flagged)), "warning")
    return redirect(url_for("admin.booking_list", status="conflict", member=member.email))
