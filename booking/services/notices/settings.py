"""What composing a notice needs from configuration, carried on the session.

The edge (web app, CLI, worker) opens its sessions with ``info={"mail":
MailSettings(...)}`` (see ``booking.db.open_database``), so a service that
writes a notice needs no Flask and no extra argument.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_SENDER = "Kerala WNH Booking <no-reply@localhost>"


@dataclass(frozen=True)
class MailSettings:
    sender: str = DEFAULT_SENDER
    public_url: str = DEFAULT_PUBLIC_URL
    # Signs the unsubscribe links in optional notices (the app's SECRET_KEY).
    secret_key: str = field(default="", repr=False)

    @property
    def domain(self) -> str:
        """For Message-IDs and calendar UIDs: the host people know us by."""
        return urlsplit(self.public_url).hostname or "localhost"

    def link(self, path: str) -> str:
        """An absolute link for a mail; ``path`` starts with '/'."""
        return self.public_url.rstrip("/") + path


def mail_settings(session: Session) -> MailSettings:
    return session.info.get("mail") or MailSettings()
