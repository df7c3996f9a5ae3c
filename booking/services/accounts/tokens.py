"""Personal API tokens: created once, shown once, stored only as a SHA-256 hash.

A token is high-entropy random text, so a fast unsalted hash is enough to
make a stolen database useless for calling the API (unlike passwords, there
is nothing to brute-force) and lets a request find its token by one indexed
lookup.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import ApiToken, User, utcnow
from ..errors import InvalidRequest, NotFound
from ..messages import _

TOKEN_PREFIX = "wnh_"
MAX_NAME_LENGTH = 80
MAX_LIVE_TOKENS = 20


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user; returns the record and the only copy of the secret."""
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidRequest(_("Give the token a name of at most %(most)s characters.",
                               most=MAX_NAME_LENGTH))
    if user.is_deleted:
        raise InvalidRequest(_("This account has been deleted."))
    if len(get_live_tokens(session, user)) >= MAX_LIVE_TOKENS:
        raise InvalidRequest(
            _("You already have %(most)s tokens; revoke one you no longer use first.",
              most=MAX_LIVE_TOKENS)
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret),
                     prefix=secret[:12])
    session.add(token)
    session.flush()
    return token, secret


def get_live_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another person's is NotFound)."""
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("No such token."))
    token.revoked_at = utcnow()
    session.flush()
    return token


# Recording every use would add a write to every request; a minute's precision will do.
TOUCH_EVERY = timedelta(minutes=1)


def authenticate_token(session: Session, secret: str, *, now: datetime | None = None,
                       record_use: bool = False) -> User | None:
    """The (not deleted) owner of a live token, or None; notes the token's use when asked."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    found = session.execute(
        select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None),
               User.deleted_at.is_(None))
    ).first()
    if found is None:
        return None
    user, token = found
    now = now or utcnow()
    if record_use and (token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY):
        token.last_used_at = now
    return user
