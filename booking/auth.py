"""Flask-Login wiring, and cookie sessions only where people sign in.

The id Flask-Login keeps (in the session cookie and the remember-me cookie)
is ``"user id:session key"``: the user loader asks the database, on every
request, whether that sign-in session is still live
(services/accounts/sign_in_sessions.py), so sign-out, a new password and
"sign out of all other devices" take effect on the server, not just in the
browser that asked.

API calls authenticate with a bearer token on every request; opening (and
verifying the signature of) a cookie session for them would be work for
nothing, and would let a browser's cookie stand in for a token.
"""
from __future__ import annotations

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, login_user, logout_user

from .extensions import get_session, login_manager
from .models import User
from .services.accounts import sign_in_sessions

MAX_USER_ID = 2**31 - 1  # PostgreSQL integer ids


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
    def _load_user(identity: str):
        user_id, _, key = identity.partition(":")
        if not (user_id.isdigit() and 0 < int(user_id) <= MAX_USER_ID and key):
            return None  # an id from before sign-in sessions, or a forged one
        user = sign_in_sessions.get_signed_in_user(get_session(), int(user_id), key)
        if user is not None:
            user.session_key = key
        return user


def sign_in_browser(user: User, *, remember: bool = False) -> None:
    """Sign this browser in: a new server-side session, new cookies, a new CSRF secret."""
    key = sign_in_sessions.start_session(get_session(), user, remember=remember)
    _log_in(user, key, remember)


def renew_browser_session(user: User, key: str) -> None:
    """Carry this browser on to its renewed session (``key``), cookies and all."""
    _log_in(user, key, sign_in_sessions.is_remembered(get_session(), key))


def sign_out_browser(user: User | None) -> None:
    """End this browser's session on the server too: copies of its cookies stop working."""
    if user is not None and user.is_authenticated and user.session_key:
        sign_in_sessions.end_session(get_session(), user, user.session_key)
    logout_user()


def _log_in(user: User, key: str, remember: bool) -> None:
    user.session_key = key
    # A CSRF token minted before sign-in (perhaps planted by someone else) is refused after it.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
    login_user(user, remember=remember)
