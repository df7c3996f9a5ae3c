"""Security at the edge, in one place: headers, proxies, rate limits, lockout.

- Security headers on every response (a Content-Security-Policy that allows
  no inline script, no framing, no MIME sniffing, a strict referrer policy;
  HSTS when the request came over HTTPS).
- ProxyFix when ``BEHIND_PROXY`` is true, so client addresses (rate limits,
  logs) and the https scheme (Secure cookies, redirects) come from nginx.
- Rate limits applied centrally to endpoints *by name* (``RATE_LIMITS``);
  ``missing_rate_limited_endpoints`` lets a test fail loudly when a named
  endpoint no longer exists.
- Per-account sign-in lockout (services/lockout.py) wrapped around
  ``web.sign_in`` without that view having to know.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, user_logged_in
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import problem, wants_problem_json
from .extensions import limiter
from .services.lockout import SignInLockout

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


# ---------------------------------------------------------------- rate limits

def by_address() -> str:
    return get_remote_address()


def by_credential() -> str:
    """The API caller: a hash of its bearer token, or its address without one."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "cred:" + hashlib.sha256(authorization.encode("utf-8")).hexdigest()[:32]
    return get_remote_address()


def by_account() -> str:
    """The signed-in account (one member cannot mint tokens from many addresses)."""
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return by_credential()


@dataclass(frozen=True)
class EndpointLimit:
    limit: str
    key: Callable[[], str] = by_address
    methods: tuple[str, ...] = ("POST",)


# The one table of rate limits. Names are checked by tests/prod/test_security.py.
RATE_LIMITS: dict[str, EndpointLimit] = {
    "web.sign_in": EndpointLimit("10 per minute;30 per 15 minutes"),
    "web.register": EndpointLimit("5 per minute;20 per hour"),
    "web.create_token": EndpointLimit("10 per hour", key=by_account),
    "api.create_booking": EndpointLimit("120 per minute", key=by_credential),
}


def missing_rate_limited_endpoints(app: Flask) -> list[str]:
    """Endpoints named in RATE_LIMITS that the app does not have (a rename went unnoticed)."""
    return sorted(name for name in RATE_LIMITS if name not in app.view_functions)


def apply_rate_limits(app: Flask) -> None:
    for endpoint, rule in RATE_LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            app.logger.debug("Rate limit for unknown endpoint %s not applied", endpoint)
            continue
        app.view_functions[endpoint] = limiter.limit(
            rule.limit, key_func=rule.key, methods=list(rule.methods),
        )(view)


def _seconds_until_reset() -> int | None:
    if g.get("retry_after"):  # set by the sign-in lockout
        return g.retry_after
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()) + 1)


def _too_many_requests(error: HTTPException, detail: str | None = None):
    retry_after = _seconds_until_reset()
    detail = detail or _("Too many attempts. Please wait a little and try again.")
    if wants_problem_json():
        response = problem(429, "Too Many Requests", detail)
    else:
        error.message = detail  # type: ignore[attr-defined]
        error.title = _("Too many attempts")  # type: ignore[attr-defined]
        response = current_app.make_response(
            (render_template("errors/generic.html", error=error), 429))
    response.headers["Retry-After"] = str(retry_after or 60)
    return response


# ---------------------------------------------------------------- sign-in lockout

def get_lockout() -> SignInLockout:
    return current_app.extensions["signin_lockout"]


def _sign_in_attempt() -> str | None:
    """The email of a sign-in attempt being posted, if this request is one."""
    if request.endpoint != "web.sign_in" or request.method != "POST":
        return None
    if not current_app.config.get("SIGNIN_LOCKOUT_ENABLED", True):
        return None
    return (request.form.get("email") or "").strip() or None


def init_lockout(app: Flask) -> None:
    app.extensions["signin_lockout"] = SignInLockout.from_uri(
        app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        max_failures=app.config.get("SIGNIN_LOCKOUT_FAILURES", 5),
        window_seconds=app.config.get("SIGNIN_LOCKOUT_SECONDS", 15 * 60),
    )

    @user_logged_in.connect_via(app)
    def _note_sign_in(_sender, **_extra):
        g.signed_in_now = True

    @app.before_request
    def _refuse_locked_account():
        email = _sign_in_attempt()
        if email and _fail_open(get_lockout().is_locked, email):
            g.retry_after = _fail_open(get_lockout().seconds_left, email)
            current_app.logger.warning("Sign-in refused: account locked after failures")
            minutes = max(1, round((g.retry_after or 60) / 60))
            return _too_many_requests(_LockedOut(), _(
                "Too many failed sign-ins for this account. For its safety, sign-in is paused:"
                " please try again in %(minutes)d minutes.", minutes=minutes))
        return None

    @app.after_request
    def _count_sign_in(response):
        email = _sign_in_attempt()
        if email and g.get("signed_in_now"):
            _fail_open(get_lockout().clear, email)
        elif email and request.form.get("password") and response.status_code == 422:
            # 422 is the sign-in form shown again: a wrong password (CSRF failures are 400).
            _fail_open(get_lockout().record_failure, email)
        return response


def _fail_open(action, email: str):
    """The lockout store (Redis) being down must not stop people signing in."""
    try:
        return action(email)
    except Exception as error:  # redis, network: any storage failure
        current_app.logger.error("Sign-in lockout storage unavailable: %s", type(error).__name__)
        return None


class _LockedOut(HTTPException):
    code = 429
    description = "Too many failed sign-ins for this account."


# ---------------------------------------------------------------- headers

def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Pages for a signed-in person, and API answers, are never stored by shared caches.
        has_session = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        if request.headers.get("Authorization") or (has_session and session.get("_user_id")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def init_proxy(app: Flask) -> None:
    if app.config.get("BEHIND_PROXY"):
        hops = int(app.config.get("PROXY_HOPS", 1))
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_security(app: Flask) -> None:
    """Call after blueprints and error handlers are registered."""
    init_proxy(app)
    init_headers(app)
    apply_rate_limits(app)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    init_lockout(app)
