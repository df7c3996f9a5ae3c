"""Security at the edge, in one place: headers, proxies, rate limits, sign-in throttle.

- Security headers on every response (a Content-Security-Policy that allows
  no inline script, no framing, no MIME sniffing, a strict referrer policy;
  HSTS when the request came over HTTPS).
- ProxyFix when ``BEHIND_PROXY`` is true, so client addresses (rate limits,
  logs) and the https scheme (Secure cookies, redirects) come from nginx.
- Rate limits applied centrally to endpoints *by name* (``RATE_LIMITS``);
  ``missing_rate_limited_endpoints`` lets a test fail loudly when a named
  endpoint no longer exists.
- The sign-in throttle (services/accounts/signin_throttle.py) wrapped around
  ``web.sign_in`` without that view having to know: failures slow down one
  (account, client) pair, not the account; a signed device cookie, set at
  every successful sign-in, lets the owner's browser count as its own client.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app, g, render_template, request
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from .api.auth import bearer_secret
from .auth import TOKEN_ONLY_PREFIX
from .clock import KOLKATA
from .errors import error_page, problem, wants_problem_json
from .ratelimits import EndpointLimit, Limits, RateLimited, apply_rate_limits
from .i18n import format_day
from .services.accounts.users import normalise_email
from .services.accounts.signin_throttle import PER_ACCOUNT, PER_CLIENT, Pause, SignInThrottle
from .web.forms import SignInForm
from .web.helpers import is_safe_next

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
    # ProxyFix (BEHIND_PROXY) has already put the client's address here.
    return request.remote_addr or "unknown"


def by_credential() -> str:
    """The API caller: a hash of its bearer token, or its address without one.

    The token as authentication parses it, not the raw header: ``bearer``,
    ``BEARER`` or extra spaces around the same token share one allowance.
    """
    secret = bearer_secret(request.headers.get("Authorization", ""))
    if secret:
        return "cred:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return by_address()


def by_account() -> str:
    """The signed-in account (one member cannot mint tokens from many addresses)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"  # not get_id(): that names the session
    return by_credential()


def by_typed_address() -> str:
    """The email address a form names (or the signed-in member's), normalised and hashed.

    Keyed with the app's secret, so the counters' keys (in Redis) give no
    address away, and never logged.
    """
    email = request.form.get("email") or (current_user.email if current_user.is_authenticated
                                          else "") or ""
    secret = current_app.secret_key
    secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    address = normalise_email(email).encode("utf-8")
    digest = hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]
    return f"email:{digest}"


# The one table of rate limits. Names are checked by tests/prod/test_security.py.
# A tuple counts each of its limits by its own key; the first full one refuses.
RATE_LIMITS: dict[str, Limits] = {
    # Per address, sized for an office behind one NAT address (a Technopark company at
    # 9 am), not one person; guessing at one account is slowed by the sign-in throttle.
    "web.sign_in": EndpointLimit("100 per minute;500 per hour", key=by_address),
    "web.register": EndpointLimit("5 per minute;20 per hour", key=by_address),
    "web.create_token": EndpointLimit("10 per hour", key=by_account),
    "api.create_booking": EndpointLimit("120 per minute", key=by_credential),
    # Each asks for a mail to someone's address: a few per address (nobody's inbox is
    # flooded), more per client (an office NAT), and neither says whether an account exists.
    "web.forgot_password": (EndpointLimit("3 per 15 minutes;10 per day", key=by_typed_address),
                            EndpointLimit("10 per minute;50 per hour", key=by_address)),
    "web.resend_verification": (EndpointLimit("3 per 15 minutes;10 per day",
                                              key=by_typed_address),
                                EndpointLimit("10 per minute;50 per hour", key=by_address)),
    # Calendar feeds: the 256-bit secret is what stops guessing; this stops one client
    # hammering. Generous, since a calendar service fetches many members' feeds
    # from the same few addresses.
    "web.calendar_feed": EndpointLimit("300 per minute", key=by_address, methods=("GET",)),
    "web.create_calendar_feed": EndpointLimit("20 per hour", key=by_account),
    # One series books up to 92 days of desks: fewer requests than single bookings.
    "api.create_booking_series": EndpointLimit("20 per minute", key=by_credential),
}


def missing_rate_limited_endpoints(app: Flask) -> list[str]:
    """Endpoints named in RATE_LIMITS that the app does not have (a rename went unnoticed)."""
    return sorted(name for name in RATE_LIMITS if name not in app.view_functions)


def _too_many_requests(error: RateLimited):
    retry_after = error.retry_after
    detail = _("Too many attempts. Please try again in %(wait)s.", wait=wait_words(retry_after))
    if wants_problem_json():
        response = problem(429, "Too Many Requests", detail)
    else:
        error.message = detail  # type: ignore[attr-defined]
        error.title = _("Too many attempts")  # type: ignore[attr-defined]
        response = current_app.make_response(
            (render_template("errors/generic.html", error=error), 429))
    response.headers["Retry-After"] = str(retry_after)
    return response


# ---------------------------------------------------------------- sign-in throttle

DEVICE_COOKIE = "wnh_device"
# What a browser's sign-in form sends ("" for a post with no body at all).
SIGN_IN_ENCODINGS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", ""})
DEVICE_COOKIE_DAYS = 365


def get_throttle() -> SignInThrottle:
    return current_app.extensions["signin_throttle"]


def _sign_in_attempt() -> str | None:
    """The email of a sign-in attempt being posted, if this request is one."""
    if request.endpoint != "web.sign_in" or request.method != "POST":
        return None
    if not current_app.config.get("SIGNIN_THROTTLE_ENABLED", True):
        return None
    return (request.form.get("email") or "").strip() or None


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="signin-device")


def _device() -> str | None:
    """This browser's device id from its signed cookie (None when absent or forged)."""
    try:
        return str(_devices().loads(request.cookies.get(DEVICE_COOKIE, "")))
    except BadData:
        return None


def _client(email: str) -> str:
    return get_throttle().client_for(email, by_address(), _device())


def init_signin_throttle(app: Flask) -> None:
    app.extensions["signin_throttle"] = SignInThrottle.from_settings(
        app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        per_client=app.config.get("SIGNIN_THROTTLE_PER_CLIENT", PER_CLIENT),
        per_account=app.config.get("SIGNIN_THROTTLE_PER_ACCOUNT", PER_ACCOUNT),
        clock=app.config.get("SIGNIN_THROTTLE_CLOCK"),
    )

    @user_logged_in.connect_via(app)
    def _note_sign_in(_sender, user, **_extra):
        g.signed_in_email = user.email

    @app.before_request
    def _sign_in_by_form_only():
        # The form would read a JSON body too, but the throttle counts only what it
        # can read before the view (request.form): one encoding, so no guess escapes it.
        if (request.endpoint == "web.sign_in" and request.method == "POST"
                and request.mimetype not in SIGN_IN_ENCODINGS):
            return _sign_in_by_form_please()
        return None

    @app.before_request
    def _pause_guessing():
        email = _sign_in_attempt()
        pause = email and _fail_open(lambda: get_throttle().check(email, _client(email)))
        if not pause:
            return None
        current_app.logger.warning("Sign-in paused: too many failures (%s)", pause.reason)
        return _sign_in_paused(pause)

    @app.after_request
    def _count_sign_in(response):
        email = _sign_in_attempt()
        if g.get("signed_in_email") and current_app.config.get("SIGNIN_THROTTLE_ENABLED", True):
            _remember_device(g.signed_in_email, response)
        elif email and request.form.get("password") and response.status_code == 422:
            # 422 is the sign-in form shown again: a wrong password (CSRF failures are 400).
            _fail_open(lambda: get_throttle().record_failure(email, _client(email)))
        return response


def _sign_in_by_form_please():
    return error_page(415, _("Sign in with the form"), _(
        "Sign-in takes the fields of the sign-in page (a form post), not JSON or other"
        " bodies. Programs use a personal API token instead: create one on your account"
        " page."))


def _remember_device(email: str, response) -> None:
    """A successful sign-in: this address and this browser are now the owner's."""
    device = _device() or secrets.token_urlsafe(18)
    clients = [f"address:{by_address()}", f"device:{device}"]
    _fail_open(lambda: get_throttle().record_success(email, clients))
    response.set_cookie(
        DEVICE_COOKIE, _devices().dumps(device), max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True,
        samesite="Lax")


def _sign_in_paused(pause: Pause):
    wait, moment = wait_words(pause.retry_after), _moment_after(pause.retry_after)
    if pause.reason == "client":
        message = _("Too many failed sign-ins to this account from here. For its safety,"
                    " sign-in from here is paused for %(wait)s: try again at %(moment)s.",
                    wait=wait, moment=moment)
    else:
        message = _("Too many failed sign-ins to this account from many places. Sign-in from"
                    " new devices is paused for %(wait)s: try again at %(moment)s. Where you"
                    " have signed in before, you can sign in now.", wait=wait, moment=moment)
    form = SignInForm(formdata=None, email=request.form.get("email", ""))
    form.form_errors.append(message)
    next_url = request.args.get("next")
    response = current_app.make_response((render_template(
        "accounts/sign_in.html", form=form, next_url=next_url if is_safe_next(next_url) else None,
    ), 429))
    response.headers["Retry-After"] = str(pause.retry_after)
    return response


def wait_words(seconds: int) -> str:
    """A wait as people say it: "40 seconds", "5 minutes", "3 hours"."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", math.ceil(minutes / 60))


def _moment_after(seconds: int) -> str:
    """The Kerala time a wait ends: "9:17 AM", or "5:30 AM on 9 Dec 2026" on another day."""
    clock = current_app.config.get("SIGNIN_THROTTLE_CLOCK") or time.time
    now = datetime.fromtimestamp(clock(), KOLKATA)
    then = now + timedelta(seconds=seconds)
    hour = format_time(then, "h:mm a")
    if then.date() == now.date():
        return hour
    return _("%(time)s on %(day)s", time=hour, day=format_day(then.date()))


def _fail_open(action: Callable[[], object]):
    """The throttle store (Redis) being down must not stop people signing in."""
    try:
        return action()
    except Exception as error:  # redis, network: any storage failure
        current_app.logger.error("Sign-in throttle storage unavailable: %s",
                                 type(error).__name__)
        return None


# ---------------------------------------------------------------- headers

def init_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Answers for one person are never stored, by shared caches or the browser's.
        if _is_personal_answer():
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _is_personal_answer() -> bool:
    """The answer is for one person: a token's holder, or a signed-in user however they
    were recognised (the session cookie, or the remember-me cookie alone)."""
    if request.headers.get("Authorization"):
        return True
    if request.path.startswith(TOKEN_ONLY_PREFIX) or request.endpoint == "static":
        return False  # no cookie session there (auth.py); static files are the same for all
    try:
        return current_user.is_authenticated
    except Exception:  # the database is unreachable: err on the side of not storing
        current_app.logger.warning("Could not tell whether an answer is personal")
        return True


def init_proxy(app: Flask) -> None:
    if app.config.get("BEHIND_PROXY"):
        hops = int(app.config.get("PROXY_HOPS", 1))
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_security(app: Flask) -> None:
    """Call after blueprints and error handlers are registered."""
    init_proxy(app)
    init_headers(app)
    apply_rate_limits(app, RATE_LIMITS)
    app.register_error_handler(RateLimited, _too_many_requests)
    init_signin_throttle(app)
