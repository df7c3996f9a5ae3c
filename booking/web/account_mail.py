"""Mailed account links: verify an address, resend that link, forgot and reset a password.

Links are signed and checked by the services (services/accounts/links.py);
a link that cannot be used (expired, used, altered) answers a page that says
so, with a way to ask for a new one, never a 500.
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import inspect

from ..auth import sign_in_browser
from ..localize import localize
from ..extensions import get_session, writes_on_read
from ..services.accounts import password_reset, verification
from ..services.accounts.links import AccountLinks
from ..services.errors import BookingError, LinkRefused
from . import bp
from .forms import ForgotPasswordForm, ResendVerificationForm, ResetPasswordForm
from .helpers import is_safe_next, show_refusal


def needs_email_verification(user) -> bool:
    """True for a signed-in member who has not confirmed the address (safe on error pages)."""
    if not user.is_authenticated:
        return False
    state = inspect(user, raiseerr=False)
    if state is not None and state.detached and "email_verified_at" not in state.dict:
        return False
    return user.email_verified_at is None and not user.is_deleted


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals["needs_email_verification"] = needs_email_verification


def account_links() -> AccountLinks:
    """Signed with the app's secret; ``ACCOUNT_LINK_CLOCK`` lets tests move time."""
    return AccountLinks(current_app.secret_key,
                        clock=current_app.config.get("ACCOUNT_LINK_CLOCK") or time.time)


def _link_problem(error: LinkRefused, ask_again: str):
    """The page for a link that cannot be used; ``ask_again`` is "verify" or "reset"."""
    response = current_app.make_response((render_template(
        "accounts/link_problem.html", ask_again=ask_again,
        error={"title": localize(error.title), "message": localize(error)}), error.http_status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/verify-email")
@login_required
def resend_verification():
    back = request.form.get("next")
    back = back if is_safe_next(back) else url_for("web.profile")
    if not ResendVerificationForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(back)
    user = current_user._get_current_object()
    if verification.send_verification(get_session(), account_links(), user):
        flash(_("We have sent a new link to %(email)s. Open it within 48 hours; earlier"
                " links still work until they expire.", email=user.email), "success")
    else:
        flash(_("Your email address is already verified."), "info")
    return redirect(back)


@bp.get("/verify-email/<token>")
@writes_on_read
def verify_email(token: str):
    try:
        user = verification.verify_email(get_session(), account_links(), token)
    except LinkRefused as error:
        return _link_problem(error, "verify")
    signed_in_as_owner = current_user.is_authenticated and current_user.get_id() == str(user.id)
    return render_template("accounts/email_verified.html", signed_in=signed_in_as_owner)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same page whether or not an account has this address.
        password_reset.request_password_reset(get_session(), account_links(), form.email.data)
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form), \
        422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        if form.validate_on_submit():
            user = password_reset.reset_password(get_session(), account_links(), token,
                                                 form.password.data)
            sign_in_browser(user)  # a new server-side session; the reset ended the others
            flash(_("Your password is changed and you are signed in."), "success")
            return redirect(url_for("web.my_bookings"))
        # The form (again): only while the link is still good.
        password_reset.check_reset_link(get_session(), account_links(), token)
    except LinkRefused as error:
        return _link_problem(error, "reset")
    except BookingError as error:
        show_refusal(form, error)
    response = current_app.make_response((render_template(
        "accounts/reset_password.html", form=form), 422 if form.errors or form.form_errors
        else 200))
    response.headers["Cache-Control"] = "no-store"
    return response
