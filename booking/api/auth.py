"""Bearer-token authentication for the API."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from ..errors import problem
from ..extensions import READ_METHODS, get_db, get_session
from ..models import User
from ..services.tokens import find_token_owner, record_token_use
from .write_queue import join_write_queue


def _unauthorised(detail: str):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(view):
    """Let the request through with g.api_user set, or answer 401 problem+json."""

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
        user = _token_owner(secret.strip())
        if user is None:
            return _unauthorised("That token is not valid (it may have been revoked).")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def _token_owner(secret: str) -> User | None:
    """The token's owner, loaded into the request's session.

    The lookup runs in its own short read transaction: on SQLite a write
    request's session holds the write lock from its first statement, and
    profiling the booking load showed every millisecond under that lock
    capping bookings per second for the whole database.
    """
    with get_db().engine.connect() as lookup:
        owner = find_token_owner(lookup, secret)
    if owner is None:
        return None
    if request.method not in READ_METHODS:
        join_write_queue()  # the next statement takes SQLite's write lock
    session = get_session()
    user = session.get(User, owner.user_id)
    if user is None or user.is_deleted:  # deleted between the two reads
        return None
    if request.method not in READ_METHODS:
        record_token_use(session, owner)
    return user
