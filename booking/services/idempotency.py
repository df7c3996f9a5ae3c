"""Idempotency keys: a retried POST replays the first answer instead of booking twice.

The record is claimed *before* the work, inside a SAVEPOINT: its unique key
(user, key) makes a concurrent twin wait for the first transaction (on
PostgreSQL the insert blocks on the index; on SQLite writers are serialised
by BEGIN IMMEDIATE) and then replay what it committed. The record is written
in the same transaction as the booking, so both exist or neither does.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import IdempotencyRecord, User
from .errors import BookingError, InvalidRequest

KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII, as in the IETF draft


class KeyReused(BookingError):
    """The same Idempotency-Key came with a different request."""

    http_status = 422
    title = "Idempotency key reused"


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: str


def request_fingerprint(method: str, path: str, payload: object) -> str:
    canonical = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidRequest(
            "The Idempotency-Key header must be 1 to 200 visible ASCII characters"
            " (a UUID is a good choice)."
        )
    return key


def claim(session: Session, user: User, key: str, fingerprint: str) -> StoredAnswer | None:
    """Claim the key for this request, or return the answer already given to it."""
    check_key(key)
    record = IdempotencyRecord(user_id=user.id, key=key, request_hash=fingerprint,
                               status_code=0, body="")
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
        return None
    except IntegrityError:
        pass
    earlier = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key))
    if earlier is None or earlier.status_code == 0:  # pragma: no cover - needs a crash mid-flight
        raise InvalidRequest("A request with this Idempotency-Key is still in progress; retry.")
    if earlier.request_hash != fingerprint:
        raise KeyReused(
            "This Idempotency-Key was already used for a different request."
            " Use a new key for a new booking."
        )
    return StoredAnswer(earlier.status_code, earlier.body)


def record_answer(session: Session, user: User, key: str, status_code: int, body: str) -> None:
    """Store the answer with the claim, in the same transaction as the work."""
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key))
    record.status_code = status_code
    record.body = body
    session.flush()
