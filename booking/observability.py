"""Request ids, structured (JSON lines) logs and the health endpoint.

Every request carries an id: the caller's ``X-Request-ID`` when it looks like
one (a proxy such as nginx sets it), otherwise a fresh one; it is echoed in
the response and stamped on every log line written while the request runs,
so one id follows a request from nginx to gunicorn to the app's logs.

Logs never carry secrets or addresses: the access log records the path without
its query string and no headers at all, and every message goes through
``redact`` on its way out (Bearer tokens, passwords, API tokens, cookies, email
addresses). The development server's request log (werkzeug's, under `make run`)
is cut the same way: its request line loses its query string.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Blueprint, Flask, current_app, g, has_request_context, jsonify, request
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_log = logging.getLogger("booking.request")

# Anything that looks like a credential, wherever it appears in a message.
_SECRET_PATTERNS = [
    (re.compile(r"\bwnh_[A-Za-z0-9_-]{6,}"), "wnh_[REDACTED]"),  # API tokens, anywhere
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\[\]-]+"), r"\1 [REDACTED]"),
    (re.compile(r"(?i)\b(authorization|cookie|set-cookie)(\s*[:=]\s*)[^\s,;]+"),
     r"\1\2[REDACTED]"),
    (re.compile(r"(?i)\b(password|passwd|secret|secret_key|token|api_key|csrf_token|session)"
                r"(['\"]?\s*[:=]\s*['\"]?)[^\s&,;'\"]+"), r"\1\2[REDACTED]"),
    # A calendar feed's address is its key (the access log records paths).
    (re.compile(r"/calendar/[^/\s?]+\.ics"), "/calendar/[REDACTED].ics"),
    # Postgres/Redis URLs with a password: keep the user, drop the password.
    (re.compile(r"(?i)(\w+(?:\+\w+)?://[^:/@\s]+:)[^@\s]+@"), r"\1[REDACTED]@"),
    # Email addresses (personal data, and an account name for guessing), after the URL
    # rule so a database URL keeps its user name.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
]


# Every pattern above starts from one of these words; most lines (the access
# log's "GET /path 200") contain none, and one search is cheaper than five.
_MAYBE_SECRET = re.compile(
    r"(?i)wnh_|bearer|basic|authorization|cookie|passw|secret|token|api_key|session|://|@"
    r"|/calendar/")


def redact(message: str) -> str:
    """The message with every credential-looking value replaced by [REDACTED]."""
    if not _MAYBE_SECRET.search(message):
        return message
    for pattern, replacement in _SECRET_PATTERNS:
        message = pattern.sub(replacement, message)
    return message


def get_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line: easy for journald, Loki or CloudWatch to index."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or get_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "status", "duration_ms", "user_id", "remote_addr"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingFormatter(logging.Formatter):
    """The plain-text formatter for local development, scrubbed the same way."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


# A request line's target with its query string: "GET /sign-in?email=… HTTP/1.1".
_QUERY_STRING = re.compile(r"(\s/[^\s?\"]*)\?[^\s\"]*")


class DevServerLogFilter(logging.Filter):
    """werkzeug's request log (the development server): no query strings, nothing secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(_QUERY_STRING.sub(r"\1", record.getMessage()))
        record.args = ()
        return True


_dev_server_log_filter = DevServerLogFilter()


def configure_logging(app: Flask) -> None:
    """Send the app's logs (logger "booking") to stderr as JSON lines or scrubbed text."""
    logger = logging.getLogger("booking")
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    for handler in [h for h in logger.handlers if getattr(h, "_booking_handler", False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(JsonLinesFormatter())
    else:
        handler.setFormatter(RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            defaults={"request_id": "-"}))
        handler.addFilter(_add_request_id)
    handler._booking_handler = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    # Our handler is the one Flask would otherwise add; don't print twice.
    logger.propagate = app.config.get("LOG_PROPAGATE", app.testing)
    logging.getLogger("werkzeug").addFilter(_dev_server_log_filter)  # once, however many apps


def _add_request_id(record: logging.LogRecord) -> bool:
    record.request_id = get_request_id() or "-"
    return True


def _signed_in_user_id() -> int | None:
    # Only if the request already loaded its user: never a query just to log.
    # The identity key, not user.id: the session may be closed and the object expired.
    user = g.get("_login_user")
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None


def init_request_ids(app: Flask) -> None:
    def _start():
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _VALID_REQUEST_ID.match(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    # First of all hooks, so even a rate-limited request's log lines carry the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        access_log.info(
            "%s %s %s", request.method, redact(request.path), response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                # Never the query string, and no feed secret: they may carry credentials.
                "path": redact(request.path),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                "user_id": _signed_in_user_id(),
                "remote_addr": request.remote_addr,
            },
        )
        return response


# ---------------------------------------------------------------- health

ops = Blueprint("ops", __name__)


@ops.get("/healthz")
def healthz():
    """200 when the app can reach its database, 503 problem+json when it cannot."""
    from .errors import problem

    try:
        with current_app.extensions["booking_db"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to answer SELECT 1 means "not healthy"
        current_app.logger.warning("Health check failed: %s", type(error).__name__)
        response = problem(503, "Service Unavailable", "The database is not reachable.")
        response.headers["Retry-After"] = "5"
        return response
    response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


def init_observability(app: Flask) -> None:
    configure_logging(app)
    init_request_ids(app)
    app.register_blueprint(ops)
