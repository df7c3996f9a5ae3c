"""The JSON API (/api/v1): public availability, token-authenticated bookings.

Token-authenticated, so exempt from CSRF (no cookies are trusted here).
"""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import bookings, views  # noqa: E402,F401  (routes register on import)
from .auth import close_api_reader  # noqa: E402
from .docs import register_docs_page  # noqa: E402
from .write_queue import init_write_queue, leave_write_queue  # noqa: E402

bp.record_once(register_docs_page)
bp.record_once(lambda state: init_write_queue(state.app))
# Teardown runs after the app's after_request hook has committed.
bp.teardown_request(leave_write_queue)
bp.teardown_request(close_api_reader)
