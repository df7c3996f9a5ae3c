"""Choosing Malayalam or English: the header's switch and the profile's choice."""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import remember_language
from . import bp
from .forms import LanguageForm
from .helpers import is_safe_next


@bp.post("/language")
def choose_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        # Only a hand-made request gets here: the switch's buttons always send a language.
        abort(400, description=_("Choose English or Malayalam."))
    if current_user.is_authenticated:
        # Saved too: the member gets it on every device they sign in on.
        current_user._get_current_object().locale = form.lang.data
    back = form.next.data if is_safe_next(form.next.data) else url_for("web.home")
    return remember_language(redirect(back), form.lang.data)
