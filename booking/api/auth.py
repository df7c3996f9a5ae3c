"""Bearer-token authentication for the API: one indexed query finds the token's owner."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from ..errors import problem
from ..extensions import READ_METHODS, get_session
from ..models import User
from ..services.accounts.tokens import authenticate_token
from ..services.messages import Text, _

INVALID = _("That token is not valid (it may have been revoked).")


def _unauthorised(detail: Text):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def bearer_secret(header: str) -> str | None:
    """The token in an ``Authorization: Bearer TOKEN`` header, however the scheme is spelt."""
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def token_required(view):
    """Let the request through with a valid token, or answer 401 problem+json."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        secret = bearer_secret(header)
        if not header:
            return _unauthorised(_(
                "Send your personal API token as 'Authorization: Bearer TOKEN'."
                " Create one on your account page."
            ))
        if secret is None:
            return _unauthorised(_("Use the Bearer scheme: 'Authorization: Bearer TOKEN'."))
        # A write notes the token's use in its own transaction; a read writes nothing.
        user = authenticate_token(get_session(), secret,
                                  record_use=request.method not in READ_METHODS)
        if user is None:
            return _unauthorised(INVALID)
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def api_member() -> User:
    """The token's owner, loaded in the request's session."""
    return g.api_user
