"""Flask-Login wiring, and cookie sessions only where people sign in.

API calls authenticate with a bearer token on every request; opening (and
verifying the signature of) a cookie session for them would be work for
nothing, and would let a browser's cookie stand in for a token.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin

from .extensions import get_session, login_manager
from .models import User


TOKEN_ONLY_PREFIX = "/api/v1/"


class WebSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session for the web pages; none for the token API."""

    def open_session(self, app, request):
        if request.path.startswith(TOKEN_ONLY_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_login(app: Flask) -> None:
    app.session_interface = WebSessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "web.sign_in"
    login_manager.login_message_category = "info"
    # The site says "Sign in" everywhere; str() renders the lazy text in the
    # request's language before it is flashed (the session stores plain text).
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.localize_callback = str
    login_manager.anonymous_user = AnonymousUserMixin

    @login_manager.user_loader
    def _load_user(user_id: str):
        if not user_id.isdigit():
            return None
        user = get_session().get(User, int(user_id))
        if user is None or user.is_deleted:
            return None
        return user
