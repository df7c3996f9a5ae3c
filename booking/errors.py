"""Error pages and problem+json answers, in the site's style, never a bare 500.

- Refusals from the services (``BookingError``) keep their status and message.
- A value the database cannot hold (an id past 2**31 typed into a URL) is a
  404/400, not a 500.
- A lost database (a killed connection, a restarted server, a pool that
  cannot hand out a connection, SQLite "database is locked") answers a clean
  503 with Retry-After.
Every handler that answers an error ends the request's transaction first.
"""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from .extensions import end_session
from .localize import current_locale, localize
from .services.errors import BookingError

MAX_DB_INT = 2**31 - 1  # PostgreSQL `integer` ids

# Werkzeug names statuses and describes them in English; a page shows these instead.
PAGE_TEXTS = {
    400: (_l("Something in the request is not right"),
          _l("What was sent could not be used. Go back, reload the page and try again.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not possible at this address"),
          _l("This address cannot be used that way. Go back and use the page's own buttons.")),
    410: (_l("No longer here"), _l("What was at this address has been removed.")),
    413: (_l("Too much was sent"), _l("Send less and try again.")),
    429: (_l("Too many attempts"), _l("Please wait a moment and try again.")),
}
CSRF_MESSAGE = _l("This form has expired or was opened in another tab or session. Reload the"
                  " page, fill it in again and send it.")


def page_title(status: int, title: str) -> str:
    """Our words for a status Werkzeug only named in English; any other title as given."""
    if title == HTTP_STATUS_CODES.get(status) and status in PAGE_TEXTS:
        return str(PAGE_TEXTS[status][0])
    return title


def http_error_texts(error: HTTPException) -> dict:
    """Title and message for an HTTP error's page, in the request's language."""
    title, message = error.name, error.description
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    elif message == type(error).description and error.code in PAGE_TEXTS:
        message = PAGE_TEXTS[error.code][1]  # Werkzeug's stock sentence, not one of ours
    return {"code": error.code, "title": page_title(error.code or 500, title),
            "message": str(message)}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title, detail, type_: str = "about:blank", **extra):
    """An RFC 9457 problem+json response, its texts in the request's language
    (title, detail and extras may be service `Text`s, translated here)."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(localize(body))
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Content-Language"] = current_locale()
    return response


def error_page(status: int, title: str, message: str, *, template: str = "errors/generic.html"):
    """The same error as problem+json under /api/, or as a page in the site's style."""
    if wants_problem_json():
        return problem(status, title, message)
    return current_app.make_response(
        (render_template(template, error={"title": page_title(status, title),
                                          "message": message}), status))


def is_database_unavailable(error: BaseException | None) -> bool:
    """A lost connection, a server going away, a busy database or an exhausted pool."""
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated) or isinstance(
            error, (OperationalError, InterfaceError))
    return False


def database_unavailable():
    response = error_page(503, _("Please try again"), _(
        "The service is briefly unavailable. Nothing was saved; please try again."))
    response.headers["Retry-After"] = "2"
    return response


def input_out_of_range():
    """A value the database cannot even hold (an id past 2**31 on PostgreSQL,
    2**63 on SQLite) or a date past year 9999: bad input, not a bug."""
    ids = [v for v in (request.view_args or {}).values() if isinstance(v, int)]
    if any(not -MAX_DB_INT <= v <= MAX_DB_INT for v in ids):
        return error_page(404, "Not Found", _("There is nothing at this address."))
    return error_page(400, "Bad Request", _("A value in the request is out of range."))


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if isinstance(error, InternalServerError) and is_database_unavailable(
                error.original_exception):
            # The commit in the after-request hook failed: it arrives here wrapped.
            end_session(commit=False)
            return database_unavailable()
        if wants_problem_json():
            return problem(error.code or 500, error.name, error.description or error.name)
        if error.code in (403, 404):
            return render_template(f"errors/{error.code}.html", error=error), error.code
        return render_template("errors/generic.html", error=http_error_texts(error)), error.code

    @app.errorhandler(BookingError)
    def _booking_error(error: BookingError):
        # Views catch these to show form errors; this is the safety net.
        end_session(commit=False)
        if wants_problem_json():
            return problem(error.http_status, error.title, error.text,
                           **getattr(error, "problem_extras", {}))
        shown = {"title": localize(error.title), "message": localize(error.text)}
        return render_template("errors/generic.html", error=shown), error.http_status

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def _database_error(error: Exception):
        if isinstance(error, DataError):
            end_session(commit=False)
            return input_out_of_range()
        if not is_database_unavailable(error):
            return _unexpected(error)  # a real bug: reported as one
        end_session(commit=False)
        app.logger.warning("Database unavailable: %s", type(error.__cause__ or error).__name__)
        return database_unavailable()

    @app.errorhandler(OverflowError)
    def _overflow(_error: OverflowError):
        # SQLite's driver (ids past 2**63) and date arithmetic on absurd ranges.
        end_session(commit=False)
        return input_out_of_range()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        end_session(commit=False)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_problem_json():
            return problem(500, "Internal Server Error",
                           "Something went wrong on our side; please try again.")
        return render_template("errors/500.html"), 500
