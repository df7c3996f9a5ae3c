"""Idempotency keys: a retried POST replays the first answer instead of booking twice.

The record is claimed *before* the work: its unique key (user, key) makes a
concurrent twin wait for the first transaction (on PostgreSQL the insert
blocks on the index; on SQLite writers are serialised by BEGIN IMMEDIATE)
and then replay what it committed. The record is written
in the same transaction as the booking, so both exist or neither does.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..direct import Direct, connection_of
from ..models import IdempotencyRecord, User, utcnow
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


def _claim_statement(insert):
    return (
        insert(IdempotencyRecord)
        .values(user_id=bindparam("for_user"), key=bindparam("for_key"), request_hash=bindparam("hash"),
                status_code=0, body="", created_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyRecord.id)
    )


# Built once (per dialect): building a statement cost more than running it.
# Run on the driver's cursor (see direct.py): they are on every API booking.
_CLAIM = {"postgresql": Direct(_claim_statement(postgresql.insert)),
          "sqlite": Direct(_claim_statement(sqlite.insert))}
_FIND = Direct(select(
    IdempotencyRecord.request_hash, IdempotencyRecord.status_code, IdempotencyRecord.body,
).where(IdempotencyRecord.user_id == bindparam("for_user"),
       IdempotencyRecord.key == bindparam("for_key")))
_ANSWER = Direct(
    update(IdempotencyRecord)
    .where(IdempotencyRecord.user_id == bindparam("for_user"),
       IdempotencyRecord.key == bindparam("for_key"))
    .values(status_code=bindparam("status"), body=bindparam("answer"))
)


def find_answer(connection: Connection, user: User, key: str,
                fingerprint: str) -> StoredAnswer | None:
    """The answer already given to this key, if one is stored (read-only).

    Safe outside the write transaction, so a retry is answered without
    waiting for the write lock. A different request under the same key is
    KeyReused.
    """
    earlier = _FIND.first(connection, for_user=user.id, for_key=key)
    if earlier is None:
        return None
    request_hash, status_code, body = earlier
    if status_code == 0:
        return None
    if request_hash != fingerprint:
        raise KeyReused(
            "This Idempotency-Key was already used for a different request."
            " Use a new key for a new booking."
        )
    return StoredAnswer(status_code, body)


def claim(session: Session, user: User, key: str, fingerprint: str) -> StoredAnswer | None:
    """Claim the key for this request, or return the answer already given to it.

    One INSERT .. ON CONFLICT DO NOTHING: a concurrent twin waits on the
    unique key (PostgreSQL) or the write lock (SQLite) and then finds the
    committed record. A claim leaves status 0 until record_answer fills it.
    """
    check_key(key)
    connection = connection_of(session)
    claimed = _CLAIM[connection.dialect.name].first(
        connection, for_user=user.id, for_key=key, hash=fingerprint, at=utcnow())
    if claimed is not None:
        return None
    earlier = find_answer(connection, user, key, fingerprint)
    if earlier is None:  # pragma: no cover - needs a crash mid-flight
        raise InvalidRequest("A request with this Idempotency-Key is still in progress; retry.")
    return earlier


def record_answer(session: Session, user: User, key: str, status_code: int, body: str) -> None:
    """Store the answer with the claim, in the same transaction as the work."""
    _ANSWER.execute(connection_of(session), for_user=user.id, for_key=key, status=status_code,
                    answer=body)
