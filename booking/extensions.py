"""Flask extensions and the per-request database session.

One transaction per request, owned by the edge: services flush, never
commit. The session is committed after a successful response and rolled
back on any error or error status.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from .db import Database, open_database
from .services.notices.settings import MailSettings

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db() -> Database:
    return current_app.extensions["booking_db"]


def writes_on_read(view):
    """Mark a view whose GET writes too (an audit entry for personal data it shows).

    Its session begins as a writer, as a POST's does: on SQLite a read
    transaction cannot safely become a write half-way through.
    """
    view.writes_on_read = True
    return view


def _is_write_request() -> bool:
    if request.method not in READ_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "writes_on_read", False)


def get_session() -> Session:
    """The request's one session; a writer (BEGIN IMMEDIATE on SQLite) for writes."""
    if "db_session" not in g:
        db = get_db()
        g.db_session = (db.writer if _is_write_request() else db.reader)()
    return g.db_session


def end_session(*, commit: bool) -> None:
    """End the request's transaction: the one place that commits or rolls back.

    Rolling back is ``close()``: it ends the transaction without expiring
    what was loaded, so an error page can still show ``current_user``.
    """
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        if commit:
            session.commit()
    finally:
        session.close()


def mail_settings_from(config) -> MailSettings:
    return MailSettings(sender=config["MAIL_FROM"], public_url=config["PUBLIC_URL"],
                        secret_key=config["SECRET_KEY"] or "")


def init_database(app: Flask) -> None:
    app.extensions["booking_db"] = open_database(app.config["DATABASE_URL"],
                                                 pool_size=app.config["DB_POOL_SIZE"],
                                                 info={"mail": mail_settings_from(app.config)})

    @app.after_request
    def _commit_or_roll_back(response):
        end_session(commit=response.status_code < 400)
        return response

    @app.teardown_request
    def _roll_back_if_left(_exc):
        # The session is still here only when the request failed before a response.
        end_session(commit=False)
