"""Bearer-token authentication for the API."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from ..errors import problem
from ..extensions import READ_METHODS, get_session
from ..services.tokens import authenticate_token


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
        user = authenticate_token(get_session(), secret.strip(),
                                  record_use=request.method not in READ_METHODS)
        if user is None:
            return _unauthorised("That token is not valid (it may have been revoked).")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper
