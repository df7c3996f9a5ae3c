"""Error pages and problem+json answers, in the site's style, never a bare 500."""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .services.errors import BookingError


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra):
    """An RFC 9457 problem+json response."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _rollback() -> None:
    session = g.pop("db_session", None)
    if session is not None:
        # close() rolls the transaction back without expiring loaded objects, so the
        # error page can still show current_user (rollback() would detach it expired).
        session.close()


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if wants_problem_json():
            return problem(error.code or 500, error.name, error.description or error.name)
        template = f"errors/{error.code}.html" if error.code in (403, 404) else "errors/generic.html"
        return render_template(template, error=error), error.code

    @app.errorhandler(BookingError)
    def _booking_error(error: BookingError):
        # Views catch these to show form errors; this is the safety net.
        _rollback()
        if wants_problem_json():
            return problem(error.http_status, error.title, error.message)
        return render_template("errors/generic.html", error=error), error.http_status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        _rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_problem_json():
            return problem(500, "Internal Server Error",
                           "Something went wrong on our side; please try again.")
        return render_template("errors/500.html"), 500

