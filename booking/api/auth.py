"""Bearer-token authentication for the API.

The token is looked up on its own short read connection, and a write
request starts writing only when the view is ready to (``start_api_write``,
or ``api_member()`` which calls it): on SQLite its first statement takes the
database's single write lock, and profiling the booking load showed every
millisecond under that lock capping bookings per second for the whole
database. Parsing, validating and deciding happen before it.
"""
from __future__ import annotations

from functools import wraps

from flask import g, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import Unauthorized

from ..errors import problem
from ..extensions import READ_METHODS, get_db, get_session
from ..models import User
from ..services.tokens import TokenOwner, find_token_owner, record_token_use
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
        with get_db().engine.connect() as lookup:
            owner = find_token_owner(lookup, secret.strip())
        if owner is None:
            return _unauthorised(INVALID)
        g.api_owner = owner
        if request.method in READ_METHODS and _load_member(owner) is None:
            return _unauthorised(INVALID)
        return view(*args, **kwargs)

    return wrapper


def _load_member(owner: TokenOwner) -> User | None:
    user = get_session().get(User, owner.user_id)
    if user is None or user.is_deleted:  # deleted since the lookup
        return None
    g.api_user = user
    return user


def api_member() -> User:
    """The token's owner in the request's session; for writes, call it when ready to write."""
    if "api_user" not in g:
        start_api_write()
        if _load_member(g.api_owner) is None:
            raise Unauthorized(INVALID)
    return g.api_user


def api_member_in(session: Session) -> User:
    """The token's owner loaded in another session (e.g. a read before the write)."""
    user = session.get(User, g.api_owner.user_id)
    if user is None or user.is_deleted:  # deleted since the lookup
        raise Unauthorized(INVALID)
    return user


def start_api_write() -> Session:
    """The request's write session, once it is our turn to write; notes the token's use."""
    join_write_queue()  # the next statement takes SQLite's write lock
    session = get_session()
    record_token_use(session, g.api_owner)
    return session
