"""Admin and site-manager pages.

Every request into the blueprint passes ``access.require_staff`` first: the
whole area is invisible (404) to members and asks strangers to sign in.
Pages about one site load it with ``access.get_site_or_404``, so a manager
gets 404 for any site they do not run, even for URLs typed by hand.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    access,
    audit_log,
    bookings,
    capacity,
    checkin,
    closures,
    dashboard,
    holidays,
    money,
    outbox,
    eligibility,
    photos,
    register,
    sites,
    users,
    warden,
)
