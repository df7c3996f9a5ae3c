"""Malayalam and English: which language a request gets, and dates and names in it.

The language is chosen per request, in this order (pages):
``?lang=`` in the address (remembered in the ``lang`` cookie), the ``lang``
cookie, the signed-in member's saved ``users.locale``, the browser's
Accept-Language, English. The JSON API ignores the cookie: a client says what it
wants in Accept-Language, then the token holder's saved language applies.

Dates, weekday and month names come from Babel's CLDR data for the language,
not from our catalogue, so they are right in Malayalam without a translator.
"""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from babel.dates import get_day_names
from flask import Flask, g, request
from flask_babel import format_date, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from sqlalchemy import inspect

from .clock import KOLKATA
from .services.accounts.users import format_phone

LOCALES = ("en", "ml")
DEFAULT_LOCALE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: the choice outlives sign-in sessions
LANGUAGE_NAMES = {"en": "English", "ml": "മലയാളം"}  # each in its own language, never translated


def supported(value: str | None) -> str | None:
    return value if value in LOCALES else None


def _is_api_request() -> bool:
    # The versioned JSON API; its HTML docs page at /api/ is a page like any other.
    return request.blueprint == "api"


def _user_locale() -> str | None:
    """The signed-in member's saved language; in the API, the token holder's."""
    user = g.get("api_user") or current_user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        return None
    state = inspect(user, raiseerr=False)
    if state is not None and state.detached and "locale" not in state.dict:
        return None  # an error page after a rollback: nothing to load it with
    return supported(user.locale)


def _browser_locale() -> str | None:
    """The browser's most wanted language we have: en-GB counts as en, ml-IN as ml.

    (Werkzeug's best_match prefers an exact match at any quality, so it would
    give "en-GB, ml;q=0.5" Malayalam.) Languages come sorted by quality.
    """
    for tag, _quality in request.accept_languages:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in LOCALES:
            return primary
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector: the order in the module docstring."""
    if not request:
        return DEFAULT_LOCALE
    g.language_chosen = True  # the answer now depends on these headers: see _vary
    if _is_api_request():
        return _browser_locale() or _user_locale() or DEFAULT_LOCALE
    return (supported(request.args.get(COOKIE)) or supported(request.cookies.get(COOKIE))
            or _user_locale() or _browser_locale() or DEFAULT_LOCALE)


def current_locale() -> str:
    """"en" or "ml": the language this request is answered in."""
    locale = get_locale()
    return supported(locale.language if locale else None) or DEFAULT_LOCALE


def remember_language(response, locale: str):
    """Set the ``lang`` cookie (a year, Lax: sent when following a link from elsewhere)."""
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response


# ---------------------------------------------------------------- dates and names

def format_day(day: date) -> str:
    """Indian style in the request's language: 25 Nov 2026, 25 നവം 2026."""
    return format_date(day, "d MMM y")


def format_when(value: datetime) -> str:
    """25 Nov 2026, 14:05 (Kerala time)."""
    local = value.astimezone(KOLKATA)
    return f"{format_day(local.date())}, {local:%H:%M}"


def language_next() -> str:
    """Where the language switch returns to: this page, without any ?lang= in it.

    A ``next`` pointing off the site is dropped: the page refused it, so the
    switch should not carry it either.
    """
    from .web.helpers import is_safe_next  # the web package imports this module

    args = [(k, v) for k, v in request.args.items(multi=True)
            if k != COOKIE and (k != "next" or is_safe_next(v))]
    return request.path + (f"?{urlencode(args)}" if args else "")


def weekday_names() -> list[str]:
    """Mon..Sun abbreviated in the request's language (Babel counts Monday as 0)."""
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[n] for n in range(7)]


def weekday_name(number: int) -> str:
    """One weekday, Monday = 0, abbreviated."""
    return weekday_names()[number]


# Mon..Sun for form choices made at import time: each turns into the request's language when shown.
WEEKDAY_LABELS = tuple(LazyString(weekday_name, n) for n in range(7))


def init_i18n(app: Flask) -> None:
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(lambda d: format_day(d) if isinstance(d, date) else "", "day")
    app.add_template_filter(lambda d: format_when(d) if d else "", "when")
    app.jinja_env.globals.update({"language_names": LANGUAGE_NAMES,
                                  "language_next": language_next,
                                  "weekday_names": weekday_names})
    # A string for <html lang="{{ current_locale }}">, worked out when the page renders.
    app.context_processor(lambda: {"current_locale": current_locale()})

    @app.after_request
    def _remember_language_from_address(response):
        # ?lang= on any page sets the language for the visits that follow too; a file asked
        # for in a language (a receipt PDF in Malayalam) leaves the pages' language alone.
        chosen = supported(request.args.get(COOKIE))
        if (chosen and not _is_api_request() and response.mimetype == "text/html"
                and request.cookies.get(COOKIE) != chosen):
            remember_language(response, chosen)
        return response

    @app.after_request
    def _vary(response):
        # A cache must not hand one person's Malayalam answer to another's English browser.
        if g.get("language_chosen"):
            response.vary.add("Accept-Language")
            if not _is_api_request():
                response.vary.add("Cookie")
        return response

    @app.after_request
    def _cache_fonts(response):
        # Font file names carry their version (static/fonts/README.md): safe to keep a year.
        if request.endpoint == "static" and (request.view_args or {}).get(
                "filename", "").startswith("fonts/") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = 365 * 24 * 3600
        return response
