"""Accounts: register, sign in and out, profile, password, my data, delete account."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..auth import renew_browser_session, sign_in_browser, sign_out_browser
from ..clock import now_in_kerala, today_in_kerala
from ..extensions import get_session
from ..i18n import current_locale
from ..services.accounts import users as accounts, eligibility, privacy, sign_in_sessions, verification
from ..services.errors import BookingError, DuplicateEmail
from . import bp
from .forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EligibilityRequestForm,
    LanguageForm,
    ProfileForm,
    RegisterForm,
    SignInForm,
    SignOutOthersForm,
    WithdrawRequestForm,
)
from .account_mail import account_links
from .feed import feed_context
from .notices import notices_context
from .helpers import is_safe_next, show_refusal


SIGN_IN_EMAIL = "sign_in_email"  # an address carried from registration to sign-in


def _safe_next() -> str | None:
    """The page to return to after signing in or registering, if it is on this site."""
    next_url = request.args.get("next")
    return next_url if is_safe_next(next_url) else None


@bp.route("/register", methods=["GET", "POST"])
def register():
    next_url = _safe_next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("web.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = verification.register_member(
                get_session(), account_links(), form.email.data, form.name.data,
                form.password.data, phone=form.phone.data or None,
            )
            if form.eligibility_request.data:
                eligibility.request_eligibility(get_session(), user,
                                                form.eligibility_request.data)
        except DuplicateEmail:
            session[SIGN_IN_EMAIL] = form.email.data  # the sign-in form starts with it
            # Told honestly (registration is rate-limited per address; see SECURITY.md).
            form.email.errors.append(_(
                "There is already an account for this email. Sign in with it; if you have"
                " forgotten its password, choose “Forgot your password?” on the sign-in page."))
        except BookingError as error:
            show_refusal(form, error)
        else:
            sign_in_browser(user)
            flash(_("Welcome, %(name)s: your account is ready. We have sent a link to"
                    " %(email)s: open it to confirm your address before your first booking.",
                    name=user.name, email=user.email), "success")
            return redirect(next_url or url_for("web.my_bookings"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form, next_url=next_url), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    next_url = _safe_next()
    if current_user.is_authenticated:
        return redirect(next_url or url_for("web.home"))
    # Never from the query string: an address in a URL lands in logs and browser history.
    form = SignInForm(email=session.pop(SIGN_IN_EMAIL, ""))
    if form.validate_on_submit():
        user = accounts.authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            sign_in_browser(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url or url_for("web.my_bookings"))
        form.form_errors.append(_("That email and password do not match an account."))
    status = 422 if form.errors else 200
    return render_template("accounts/sign_in.html", form=form, next_url=next_url), status


@bp.post("/sign-out")
def sign_out():
    sign_out_browser(current_user._get_current_object())
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.home"))


@bp.post("/account/sign-out-others")
@login_required
def sign_out_other_devices():
    if not SignOutOthersForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.profile"))
    user = current_user._get_current_object()
    key = sign_in_sessions.sign_out_other_devices(get_session(), user, user.session_key)
    renew_browser_session(user, key)
    flash(_("You are signed out on every other device and browser. You are still signed in"
            " here."), "success")
    return redirect(url_for("web.profile") + "#sessions")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.set_home_pin(user, form.home_pin.data)
        except BookingError as error:
            form.home_pin.errors.append(localize(error))
            return _render_profile(form), 422
        user.name = form.name.data.strip()
        user.phone = form.phone.data or None
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("web.profile"))
    return _render_profile(form), 422 if form.errors else 200


def _render_profile(form, request_form=None):
    member = current_user._get_current_object()
    request_form = request_form or EligibilityRequestForm(formdata=None)
    # Asking for what is already granted makes no sense; offer only the rest.
    request_form.requested.choices = [c for c in request_form.requested.choices
                                      if c.value != member.hostel_eligibility]
    return render_template(
        "accounts/profile.html", form=form, request_form=request_form,
        withdraw_form=WithdrawRequestForm(formdata=None),
        sign_out_others_form=SignOutOthersForm(formdata=None),
        language_form=LanguageForm(formdata=None, lang=member.locale or current_locale()),
        latest_request=eligibility.get_latest_request(get_session(), member),
        **feed_context(member), **notices_context(member))


@bp.post("/account/eligibility")
@login_required
def request_eligibility():
    form = EligibilityRequestForm()
    if form.validate_on_submit():
        try:
            eligibility.request_eligibility(get_session(), current_user._get_current_object(),
                                            form.requested.data)
        except BookingError as error:
            form.requested.errors.append(localize(error))
        else:
            flash(_("Your request is sent. Hostel staff will decide; show the warden your"
                    " photo ID."), "success")
            return redirect(url_for("web.profile") + "#eligibility")
    return _render_profile(ProfileForm(formdata=None, obj=current_user), form), 422


@bp.post("/account/eligibility/withdraw")
@login_required
def withdraw_eligibility_request():
    if not WithdrawRequestForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.profile"))
    try:
        eligibility.withdraw_request(get_session(), current_user._get_current_object())
    except BookingError as error:
        flash(localize(error), "error")
    else:
        flash(_("Your request is withdrawn."), "info")
    return redirect(url_for("web.profile") + "#eligibility")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if accounts.authenticate(get_session(), user.email, form.current.data) is None:
            form.current.errors.append(_("That is not your current password."))
        else:
            try:
                accounts.set_password(user, form.password.data)  # ends every session
            except BookingError as error:
                form.password.errors.append(localize(error))
                return render_template("accounts/password.html", form=form), 422
            renew_browser_session(user, sign_in_sessions.renew_session(
                get_session(), user, user.session_key))
            flash(_("Your password is changed. Any other device or browser signed in to your"
                    " account is now signed out."), "success")
            return redirect(url_for("web.profile"))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.get("/account/my-data.json")
@login_required
def export_data():
    data = privacy.export_member_data(get_session(), current_user)
    data["exported_at"] = now_in_kerala().isoformat(timespec="seconds")
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=my-booking-data.json"},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if accounts.authenticate(get_session(), user.email, form.password.data) is None:
            form.password.errors.append(_("That is not your password."))
        else:
            try:
                privacy.delete_account(get_session(), user, today_in_kerala())
            except BookingError as error:
                show_refusal(form, error)
            else:
                sign_out_browser(None)  # the deletion ended every session
                flash(_("Your account is deleted. Your past bookings are kept without your"
                        " name."), "info")
                return redirect(url_for("web.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/delete.html", form=form), status
