"""Bearer-token authentication for the API.

One indexed query finds the live token and loads its owner. A read request
does it on its own session. A write request does it on a separate read
session (``api_reader``), where the view can also decide what to write, and
starts writing only when ready to (``start_api_write``, or ``api_member()``
which calls it): on SQLite its first statement takes the database's single
write lock, and profiling the booking load showed every millisecond under
that lock capping bookings per second for the whole database.

The read session runs on the thread's pinned autocommit connection: no pool
checkout, BEGIN or ROLLBACK per request. Its statements need no common
snapshot: a decision reads the site's revision before its facts, and
``holds.place`` decides again if that revision has moved by the time it
writes, so facts newer than the revision only ever cost a second look.
"""
from __future__ import annotations

from functools import wraps

from flask import g, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import Unauthorized

from ..errors import problem
from ..extensions import READ_METHODS, get_db, get_session
from ..models import User
from ..services.tokens import find_token_user, record_token_use
from .write_queue import join_write_queue

INVALID = "That token is not valid (it may have been revoked)."


def _unauthorised(detail: str):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(view):
    """Let the request through with a valid token, or answer 401 problem+json."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if not header:
            return _unauthorised(
                "Send your personal API token as 'Authorization: Bearer TOKEN'."
                " Create one on your account page."
            )
        if scheme.lower() != "bearer" or not secret.strip():
            return _unauthorised("Use the Bearer scheme: 'Authorization: Bearer TOKEN'.")
        is_read = request.method in READ_METHODS
        found = find_token_user(get_session() if is_read else api_reader(), secret.strip())
        if found is None:
            return _unauthorised(INVALID)
        user, g.api_owner = found
        if is_read:
            g.api_user = user
        else:
            g.api_reader_user = user
        return view(*args, **kwargs)

    return wrapper


def api_reader() -> Session:
    """A write request's read session: for looking and deciding before writing."""
    if "api_reader" not in g:
        g.api_reader = Session(bind=get_db().pinned_connection(), expire_on_commit=False)
    return g.api_reader


def close_api_reader(_exc=None) -> None:
    """Done reading (before writing, or at teardown); the pinned connection stays."""
    reader = g.pop("api_reader", None)
    if reader is not None:
        reader.close()


def api_reader_member() -> User:
    """The token's owner, as loaded in the write request's read session."""
    return g.api_reader_user


def api_member() -> User:
    """The token's owner in the request's session; for writes, call it when ready to write."""
    if "api_user" not in g:
        session = start_api_write()
        user = session.get(User, g.api_owner.user_id)
        if user is None or user.is_deleted:  # deleted since the lookup
            raise Unauthorized(INVALID)
        g.api_user = user
    return g.api_user


def start_api_write() -> Session:
    """The request's write session, once it is our turn to write; notes the token's use."""
    close_api_reader()
    join_write_queue()  # the next statement takes SQLite's write lock
    session = get_session()
    record_token_use(session, g.api_owner)
    return session
