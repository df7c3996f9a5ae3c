"""Members' personal API tokens: create (shown once), list, revoke."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import Length

from ..localize import localize
from ..forms import BaseForm
from ..clock import KOLKATA
from ..extensions import get_session
from ..i18n import format_day
from ..services.accounts import tokens
from ..services.errors import BookingError
from . import bp


class TokenForm(BaseForm):
    name = StringField(_l("Token name"), validators=[Length(max=tokens.MAX_NAME_LENGTH)],
                       description=_l("Something to recognise it by, e.g. “HR portal”."))


class RevokeForm(BaseForm):
    """Only the CSRF token: the token to revoke is in the URL."""


def _page(form: TokenForm, new_secret: str | None = None, status: int = 200):
    member = current_user._get_current_object()
    return render_template(
        "account/tokens.html", form=form, revoke_form=RevokeForm(), new_secret=new_secret,
        live_tokens=tokens.get_live_tokens(get_session(), member),
        api_docs_url=url_for("api_docs"), kerala_day=kerala_day,
    ), status


def kerala_day(moment) -> str:
    """A stored UTC timestamp as the Kerala calendar date it fell on: 25 Nov 2026."""
    return format_day(moment.astimezone(KOLKATA).date())


@bp.get("/account/tokens")
@login_required
def tokens_page():
    return _page(TokenForm())


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        _token, secret = tokens.create_token(get_session(), current_user._get_current_object(),
                                             form.name.data or "")
    except BookingError as error:
        form.form_errors.append(localize(error))
        return _page(form, status=422)
    # Shown in this answer only; never stored or flashed (a flash lives in the cookie).
    return _page(TokenForm(formdata=None), new_secret=secret, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if not RevokeForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.tokens_page"))
    try:
        token = tokens.revoke_token(get_session(), current_user._get_current_object(), token_id)
    except BookingError:
        flash(_("That token was already revoked or is not yours."), "error")
        return redirect(url_for("web.tokens_page"))
    flash(_("Token %(prefix)s… is revoked; programs using it can no longer book.",
            prefix=token.prefix), "success")
    return redirect(url_for("web.tokens_page"))
