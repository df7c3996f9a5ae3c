"""The hostel's house rules and privacy notice: read them (public), accept them (members),
and see what hostels keep about you (an account tab).

A monthly stay is refused until the versions in force are accepted
(services/accounts/policies.py). Each version's text is its own template,
``policies/<document>_<version>.html``: a new text is a new file and a new
version, so what a resident accepted stays readable as it was.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import get_session
from ..services.accounts import policies
from ..services.errors import BookingError
from . import bp
from .forms import AcceptPoliciesForm
from .helpers import is_safe_next, show_refusal
from ..services.bookings import register
from .register_words import ID_DOCUMENT_LABELS, POLICY_TITLES, REGISTER_FIELD_LABELS

SLUGS = {"house-rules": "house_rules", "privacy-notice": "privacy_notice"}


def policy_template(document: str) -> str:
    return f"policies/{document}_{policies.current_versions()[document]}.html"


def _texts() -> list[dict]:
    versions = policies.current_versions()
    return [{"document": d, "slug": slug, "title": POLICY_TITLES[d], "version": versions[d],
             "template": policy_template(d)} for slug, d in SLUGS.items()]


@bp.get("/policies/<slug>")
def policy_page(slug: str):
    document = SLUGS.get(slug)
    if document is None:
        abort(404)
    text = next(t for t in _texts() if t["document"] == document)
    return render_template("policies/document.html", text=text,
                           grievance_contact=current_app.config["GRIEVANCE_CONTACT"])


@bp.route("/policies", methods=["GET", "POST"])
@login_required
def accept_policies_page():
    back = request.values.get("next")
    back = back if is_safe_next(back) else None
    versions = policies.current_versions()
    form = AcceptPoliciesForm(house_rules_version=versions["house_rules"],
                              privacy_notice_version=versions["privacy_notice"])
    if form.validate_on_submit():
        try:
            policies.accept_policies(get_session(), current_user, {
                "house_rules": form.house_rules_version.data,
                "privacy_notice": form.privacy_notice_version.data})
        except BookingError as error:
            show_refusal(form, error)
        else:
            flash(_("Thank you: you have accepted the house rules and the privacy notice."),
                  "success")
            return redirect(back or url_for("web.accept_policies_page"))
    session = get_session()
    status = 422 if (form.errors or form.form_errors) else 200
    return render_template(
        "policies/accept.html", form=form, texts=_texts(), back=back,
        missing=policies.missing_policies(session, current_user),
        accepted=policies.accepted_versions(session, current_user),
        entries=register.member_entries(session, current_user),
        erasure_due_on=register.erasure_due_on, id_labels=ID_DOCUMENT_LABELS,
        register_labels=REGISTER_FIELD_LABELS,
        grievance_contact=current_app.config["GRIEVANCE_CONTACT"]), status
