"""The member's choice of optional notices (account page), and unsubscribing from a mail.

The unsubscribe address is the signed token from the mail and needs no
sign-in. GET shows what it would turn off and a button; POST turns it off.
Mail clients POST to it themselves (one-click, RFC 8058: body
``List-Unsubscribe=One-Click``), so the POST is exempt from CSRF: the token
in the address is what authorises it, as with the API's bearer tokens.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField

from ..localize import localize
from ..forms import BaseForm
from ..extensions import csrf, get_session
from ..services.notices import preferences
from . import bp

TOPIC_LABELS = {
    preferences.OWN_BOOKINGS: _l("Confirmations when I book, cancel or end a booking myself"),
    preferences.REMINDERS: _l("A reminder the day before each booking"),
}


class NoticePreferencesForm(BaseForm):
    own_bookings = BooleanField(TOPIC_LABELS[preferences.OWN_BOOKINGS])
    reminders = BooleanField(TOPIC_LABELS[preferences.REMINDERS])


def notices_context(member) -> dict:
    """What the account page's mail section shows (see accounts/_notices.html)."""
    wanted = preferences.get_wanted(get_session(), member)
    return {"notices_form": NoticePreferencesForm(formdata=None, data=wanted)}


@bp.post("/account/notices")
@login_required
def save_notice_preferences():
    form = NoticePreferencesForm()
    if not form.validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.profile") + "#notices")
    preferences.set_wanted(get_session(), current_user._get_current_object(),
                           {topic: getattr(form, topic).data for topic in preferences.TOPICS})
    flash(_("Your mail choices are saved."), "success")
    return redirect(url_for("web.profile") + "#notices")


def _key() -> str:
    key = current_app.secret_key
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)


def _bad_link_page(error):
    return render_template("notices/unsubscribe_invalid.html", message=localize(error)), 400


@bp.get("/notices/unsubscribe/<token>")
def unsubscribe_page(token: str):
    try:
        user, topic = preferences.get_unsubscribe_target(get_session(), _key(), token)
    except preferences.BadUnsubscribeLink as error:
        return _bad_link_page(error)
    return render_template("notices/unsubscribe.html", token=token, user=user,
                           topic_label=TOPIC_LABELS[topic], done=False)


@bp.post("/notices/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    try:
        user, topic = preferences.unsubscribe(get_session(), _key(), token)
    except preferences.BadUnsubscribeLink as error:
        return _bad_link_page(error)
    return render_template("notices/unsubscribe.html", token=token, user=user,
                           topic_label=TOPIC_LABELS[topic], done=True)
