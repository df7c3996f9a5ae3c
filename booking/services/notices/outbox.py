"""Writing notices to the outbox, and delivering what is due.

A notice is composed in full when its change happens and stored in the same
transaction (``enqueue`` only adds and flushes), so a rolled-back change
sends nothing and a committed one is never lost. Delivery (``deliver_one``)
runs in the worker, one message per claim:

1. claim: in a short transaction, pick the oldest due pending row (``FOR
   UPDATE SKIP LOCKED`` on PostgreSQL, so several workers take different
   rows), count the attempt and move ``due_at`` a lease ahead; commit;
2. send, outside any transaction (the SMTP server may be slow);
3. record: sent, or due again after a back-off, or failed after the last try.

A worker that dies between 1 and 3 leaves the row to come due when the lease
ends: delivered at least once, always with the same Message-ID.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ...models import OutboxMessage, OutboxStatus, utcnow

# A claim outlives any one SMTP conversation; after it the row is due again.
LEASE = timedelta(minutes=5)
# Waits after the 1st, 2nd… failed attempt; the row fails after the last.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1


class _SmtpPolicy(EmailPolicy):
    """``email.policy.SMTP``, except that headers made of URLs are never folded.

    A URL has no space to fold at, so the standard library would turn a long
    one into RFC 2047 encoded-words, which no mail client reads as a URL
    (``List-Unsubscribe`` is plain ASCII, RFC 2369); a line may be 998 long.
    """

    def fold_binary(self, name, value):
        text = str(value)
        if name.lower() in _URL_HEADERS and text.isascii() and len(name) + len(text) < 996:
            return f"{name}: {text}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_URL_HEADERS = {"list-unsubscribe", "list-unsubscribe-post"}
SMTP = _SmtpPolicy(linesep="\r\n")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] | None = None


def one_line(text: str) -> str:
    """A header value from text people typed: CR/LF (or other controls) never start a header."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def compose(*, sender: str, to: str, to_name: str = "", subject: str, text: str,
            html: str | None = None, attachments: Sequence[Attachment] = (),
            headers: dict[str, str] | None = None, domain: str = "localhost") -> EmailMessage:
    """A complete message with a fresh Message-ID, built by the standard library."""
    message = EmailMessage()
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = Address(display_name=one_line(to_name), addr_spec=to)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = one_line(value)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        message.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype,
                               filename=item.filename, params=item.params or {})
    return message


def enqueue(session: Session, message: EmailMessage, *, kind: str, user_id: int | None = None,
            dedupe_key: str | None = None, now: datetime | None = None) -> OutboxMessage | None:
    """Store a composed message in the caller's transaction; None if its occasion was taken.

    With a ``dedupe_key`` the insert runs in a SAVEPOINT, so a second notice for
    the same occasion (another worker's reminder run) is dropped, not an error.
    """
    row = OutboxMessage(
        kind=kind, user_id=user_id, to_address=message["To"].addresses[0].addr_spec,
        subject=str(message["Subject"]), message_id=str(message["Message-ID"]),
        # CRLF line ends: the stored bytes are what goes out over SMTP.
        message=message.as_bytes(policy=SMTP), dedupe_key=dedupe_key,
        status=OutboxStatus.PENDING,
        attempts=0, due_at=now or utcnow(),
    )
    if dedupe_key is None:
        session.add(row)
        session.flush()
        return row
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


# ---------------------------------------------------------------- delivery

class DeliveryError(Exception):
    """Sending failed; ``permanent`` when retrying cannot help (the address was refused)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


# Sends one message: (envelope recipient, RFC 5322 bytes); raises DeliveryError.
Send = Callable[[str, bytes], None]


@dataclass(frozen=True)
class Outcome:
    message_id: str
    status: str
    error: str | None = None


@dataclass(frozen=True)
class _Claimed:
    id: int
    message_id: str
    to_address: str
    message: bytes


def _claim(writer: sessionmaker[Session], now: datetime) -> _Claimed | None:
    with writer() as session, session.begin():
        row = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.attempts += 1
        row.due_at = now + LEASE
        return _Claimed(row.id, row.message_id, row.to_address, row.message)


def deliver_one(writer: sessionmaker[Session], send: Send, *,
                clock: Callable[[], datetime] = utcnow) -> Outcome | None:
    """Deliver the oldest due message, if any; the caller's loop decides when to stop."""
    claimed = _claim(writer, clock())
    if claimed is None:
        return None
    error: DeliveryError | None = None
    try:
        send(claimed.to_address, claimed.message)
    except DeliveryError as exc:
        error = exc
    with writer() as session, session.begin():
        row = session.get(OutboxMessage, claimed.id)
        now = clock()
        if error is None:
            row.status, row.sent_at, row.last_error = OutboxStatus.SENT, now, None
        elif error.permanent or row.attempts >= MAX_ATTEMPTS:
            row.status, row.last_error = OutboxStatus.FAILED, str(error)[:2000]
        else:
            row.due_at, row.last_error = now + BACKOFF[row.attempts - 1], str(error)[:2000]
        return Outcome(claimed.message_id, row.status, row.last_error)


def deliver_due(writer: sessionmaker[Session], send: Send, *, limit: int = 1000,
                clock: Callable[[], datetime] = utcnow,
                should_stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Deliver due messages one at a time until none is due (or told to stop)."""
    outcomes: list[Outcome] = []
    while len(outcomes) < limit and not should_stop():
        outcome = deliver_one(writer, send, clock=clock)
        if outcome is None:
            break
        outcomes.append(outcome)
    return outcomes


def resend(session: Session, row: OutboxMessage, *, now: datetime | None = None) -> None:
    """Put a failed (or sent) message back in line, same Message-ID; staff asked for it."""
    row.status, row.attempts, row.last_error = OutboxStatus.PENDING, 0, None
    row.due_at = now or utcnow()
    session.flush()


def counts(session: Session) -> dict[str, int]:
    """How many messages are in each state."""
    rows = session.execute(select(OutboxMessage.status, func.count())
                           .group_by(OutboxMessage.status)).all()
    return {status: 0 for status in OutboxStatus} | {status: n for status, n in rows}


def recent(session: Session, *, statuses: Iterable[str] | None = None,
           limit: int = 100) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if statuses:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    return list(session.scalars(query))
