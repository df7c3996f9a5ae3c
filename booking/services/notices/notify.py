"""``notify``: compose a notice to a person from its templates and put it in the outbox.

Called by services inside the transaction of the change the notice reports.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ...models import OutboxMessage, User
from .outbox import Attachment, compose, enqueue
from ..messages import ENGLISH, Text
from .render import localized, render
from .settings import mail_settings


# Set in ``Session.info`` by work that must write to nobody (demo seeding).
SILENT = "no_notices"


def notify(session: Session, user: User, *, kind: str, template: str, subject: Text | str,
           context: dict | None = None, attachments: Sequence[Attachment] = (),
           dedupe_key: str | None = None,
           unsubscribe_path: str | None = None) -> OutboxMessage | None:
    """Write one notice for ``user``; None when there is nobody to write to.

    ``unsubscribe_path`` marks an optional notice: the mail carries
    ``List-Unsubscribe`` (RFC 2369) and one-click unsubscribe (RFC 8058).
    The mail, subject included, is in the user's language.
    """
    if user.email is None or user.is_deleted or session.info.get(SILENT):
        return None
    settings = mail_settings(session)
    locale = recipient_locale(user)
    subject = localized(subject, locale)
    text, html = render(template, locale=locale, user=user, settings=settings, subject=subject,
                        unsubscribe_url=settings.link(unsubscribe_path) if unsubscribe_path else None,
                        **(context or {}))
    headers = {}
    if unsubscribe_path:
        headers["List-Unsubscribe"] = f"<{settings.link(unsubscribe_path)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = compose(sender=settings.sender, to=user.email, to_name=user.name, subject=subject,
                      text=text, html=html, attachments=attachments, headers=headers,
                      domain=settings.domain)
    return enqueue(session, message, kind=kind, user_id=user.id, dedupe_key=dedupe_key)


def recipient_locale(user: User) -> str:
    """The language the user reads their mail in (English until they choose)."""
    return getattr(user, "locale", None) or ENGLISH
