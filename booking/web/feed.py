"""The private calendar feed: the .ics address itself, and its buttons on the account page."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..localize import localize
from ..clock import today_in_kerala
from ..forms import BaseForm
from ..extensions import get_session
from ..services.errors import BookingError
from ..services.notices import feed
from . import bp


class FeedForm(BaseForm):
    """Only the CSRF token: create, regenerate and revoke act on the member's own feed."""


def _key() -> bytes:
    key = current_app.secret_key
    return key if isinstance(key, bytes) else str(key).encode("utf-8")


def _base_url() -> str:
    return current_app.config.get("PUBLIC_URL") or request.url_root


def feed_url(secret: str) -> str:
    """The feed's full address, as calendar apps need it."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/") + url_for("web.calendar_feed", secret=secret)
    return url_for("web.calendar_feed", secret=secret, _external=True)


def feed_context(member) -> dict:
    """What the account page's calendar section shows (see accounts/_calendar_feed.html)."""
    found = feed.get_feed(get_session(), member)
    secret = feed.get_feed_secret(found, _key()) if found is not None else None
    url = feed_url(secret) if secret else None
    return {"calendar_feed": found, "calendar_feed_url": url,
            "calendar_webcal_url": "webcal://" + url.partition("://")[2] if url else None,
            "calendar_feed_form": FeedForm(formdata=None)}


@bp.get("/calendar/<secret>.ics")
def calendar_feed(secret: str):
    body = feed.get_feed_calendar(get_session(), secret, today=today_in_kerala(),
                                  base_url=_base_url())
    if body is None:
        abort(404)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    # The address is the key: no shared cache may keep the answer, no search engine list it.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Content-Disposition"] = 'inline; filename="bookings.ics"'
    return response


@bp.post("/account/calendar-feed")
@login_required
def create_calendar_feed():
    if not FeedForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.profile") + "#calendar-feed")
    member = current_user._get_current_object()
    had_feed = feed.get_feed(get_session(), member) is not None
    try:
        feed.create_feed(get_session(), member, _key())
    except BookingError as error:
        flash(localize(error), "error")
    else:
        flash(_("Your calendar has a new address; the old one no longer works.") if had_feed
              else _("Your calendar feed is ready: add its address to your calendar app."),
              "success")
    return redirect(url_for("web.profile") + "#calendar-feed")


@bp.post("/account/calendar-feed/revoke")
@login_required
def revoke_calendar_feed():
    if not FeedForm().validate_on_submit():
        flash(_("This form expired. Please try again."), "error")
        return redirect(url_for("web.profile") + "#calendar-feed")
    try:
        feed.revoke_feed(get_session(), current_user._get_current_object())
    except BookingError:
        flash(_("You have no calendar feed to turn off."), "info")
    else:
        flash(_("Your calendar feed is turned off; its address no longer works."), "success")
    return redirect(url_for("web.profile") + "#calendar-feed")
