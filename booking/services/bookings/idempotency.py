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
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...models import IdempotencyRecord, User, utcnow
from ..errors import BookingError, InvalidRequest
from ..messages import _

KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII, as in the IETF draft


class KeyReused(BookingError):
    """The same Idempotency-Key came with a different request."""

    http_status = 422
    title = _("Idempotency key reused")


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
            _("The Idempotency-Key header must be 1 to 200 visible ASCII characters"
            " (a UUID is a good choice).")
        )
    return key


def _claim_statement(dialect_name: str):
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return (
        insert(IdempotencyRecord)
        .values(user_id=bindparam("for_user"), key=bindparam("for_key"),
                request_hash=bindparam("hash"), status_code=0, body="",
                created_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(IdempotencyRecord.id)
    )


def _find(session: Session, user: User, key: str):
    return session.execute(
        select(IdempotencyRecord.request_hash, IdempotencyRecord.status_code,
               IdempotencyRecord.body)
        .where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)
    ).first()


def once(session: Session, user: User, key: str | None, fingerprint: str,
         work: Callable[[], StoredAnswer]) -> tuple[StoredAnswer, bool]:
    """Do ``work`` once per key: its answer, or the one already given (True: replayed).

    The key is claimed before the work, in the same transaction: a
    concurrent twin waits on the unique key (PostgreSQL) or the write lock
    (SQLite), then finds the committed answer. If the work is refused, the
    transaction rolls back and takes the claim with it, so a retry is free
    to try again.
    """
    if key is None:
        return work(), False
    check_key(key)
    claimed = session.execute(_claim_statement(session.get_bind().dialect.name),
                              {"for_user": user.id, "for_key": key, "hash": fingerprint,
                               "at": utcnow()}).first()
    if claimed is None:
        return _earlier_answer(session, user, key, fingerprint), True
    answer = work()
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)
        .values(status_code=answer.status_code, body=answer.body)
    )
    return answer, False


def _earlier_answer(session: Session, user: User, key: str, fingerprint: str) -> StoredAnswer:
    request_hash, status_code, body = _find(session, user, key)
    if request_hash != fingerprint:
        raise KeyReused(
            _("This Idempotency-Key was already used for a different request."
            " Use a new key for a new booking.")
        )
    if status_code == 0:  # pragma: no cover - needs a crash mid-flight
        raise InvalidRequest(_("A request with this Idempotency-Key is still in progress; retry."))
    return StoredAnswer(status_code, body)
