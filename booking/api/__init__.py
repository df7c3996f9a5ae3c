"""The JSON API (/api/v1): public availability, token-authenticated bookings.

Token-authenticated, so exempt from CSRF (no cookies are trusted here).
"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import (  # noqa: E402,F401  (routes register on import)
    bookings, policies, receipts, series, stays, views, waitlist,
)
from .docs import register_docs_page  # noqa: E402

bp.record_once(register_docs_page)
