"""Where mail goes: an SMTP server named by ``MAIL_URL``, or ``.eml`` files.

``smtp://user:pass@host:587`` speaks STARTTLS when the server offers it and
refuses to send credentials over a connection it could not encrypt;
``smtps://…:465`` is TLS from the first byte. Without a ``MAIL_URL`` (the
embedded default) each message is written as a file a newcomer can open.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email import message_from_bytes
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .outbox import DeliveryError, Send

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MAIL_URL must look like smtp://user:pass@host:587 or smtps://host:465")
        implicit_tls = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit_tls else 587),
                   implicit_tls=implicit_tls,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)


def smtp_sender(server: SmtpServer, envelope_from: str) -> Send:
    """A Send that opens one SMTP conversation per message (the worker sends a few a minute)."""

    def send(to_address: str, message: bytes) -> None:
        context = ssl.create_default_context()
        try:
            if server.implicit_tls:
                smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS,
                                        context=context)
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
            with smtp:
                smtp.ehlo()
                if not server.implicit_tls and smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if server.username:
                    if not isinstance(smtp.sock, ssl.SSLSocket):
                        raise DeliveryError("the SMTP server offers no TLS; credentials not sent",
                                            permanent=True)
                    smtp.login(server.username, server.password or "")
                smtp.sendmail(envelope_from, [to_address], message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc

    return send


def file_sender(directory: Path) -> Send:
    """A Send that writes ``<Message-ID>.eml`` files and logs each file's name."""

    def send(to_address: str, message: bytes) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        message_id = str(message_from_bytes(message)["Message-ID"]).strip("<>")
        safe = "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in message_id)
        path = directory / f"{safe}.eml"
        # Written whole and renamed, so nobody opens half a message.
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(message)
        partial.replace(path)
        log.info("mail for delivery written to %s", path)

    return send


def sender_from_config(mail_url: str, mail_from: str, mail_dir: Path) -> Send:
    if mail_url:
        return smtp_sender(SmtpServer.from_url(mail_url), parseaddr(mail_from)[1])
    return file_sender(mail_dir)
