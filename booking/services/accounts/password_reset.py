"""Password reset by a mailed link: asked for by address, valid 1 hour, used once.

Asking gives nobody a way to learn which addresses have accounts: the answer
is the same, and the work nearly so (the mail is composed either way; only a
known, live account's is put in the outbox). The link's payload carries a
fingerprint of the password hash it was made for, so setting a password by
any route (this link, the account page, another link) voids it.
"""
from __future__ import annotations

from email.errors import MessageError
from types import SimpleNamespace

from sqlalchemy.orm import Session

from ...models import User, utcnow
from ..admin import audit
from ..errors import LinkInvalid, LinkUsed
from ..notices.notify import notify
from ..notices.outbox import compose
from ..notices.render import render
from ..notices.settings import mail_settings
from . import users
from .links import PASSWORD_RESET, AccountLinks, fingerprint, lifetime_hours
from ..messages import _

RESET_PATH = "/reset-password/{token}"
SUBJECT = _("Set a new password")


def request_password_reset(session: Session, links: AccountLinks, email: str) -> None:
    """Mail a reset link to the account with this address, if there is one (else nothing)."""
    user = users.get_user_by_email(session, email)
    if user is None or user.is_deleted:
        _compose_for_nobody(session, links, users.normalise_email(email))
        return
    token = links.make(PASSWORD_RESET, _state(user))
    notify(session, user, kind="password_reset", template="password_reset", subject=SUBJECT,
           context=_context(session, token))


def check_reset_link(session: Session, links: AccountLinks, token: str) -> User:
    """The account a reset link is for, if it is still good; else a LinkRefused."""
    payload = links.read(PASSWORD_RESET, token)
    if len(payload) != 3 or not isinstance(payload[0], int):
        raise LinkInvalid(_("This link is not one of ours. Ask for a new one below."))
    user = session.get(User, payload[0])
    if user is None or user.is_deleted or user.email != payload[1]:
        raise LinkInvalid(_("This link is for an account that no longer has that address."
                          " Ask for a new one below."))
    if payload != _state(user):
        raise LinkUsed(_("This link has already been used, or the password was changed since"
                       " it was sent. Ask for a new one below if you need it."))
    return user


def reset_password(session: Session, links: AccountLinks, token: str, password: str) -> User:
    """Set the password a good link allows; the link (and any other sent) is void after."""
    user = check_reset_link(session, links, token)
    users.set_password(user, password)
    # The link reached the owner's mailbox: that proves the address as well.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    audit.record(session, user, "account.password_reset", target=f"user:{user.id}")
    session.flush()
    return user


def _state(user: User) -> list:
    return [user.id, user.email, fingerprint(user.password_hash)]


def _context(session: Session, token: str) -> dict:
    return {"url": mail_settings(session).link(RESET_PATH.format(token=token)),
            "hours": lifetime_hours(PASSWORD_RESET)}


def _compose_for_nobody(session: Session, links: AccountLinks, email: str) -> None:
    """The same signing and composing as for an account, kept nowhere (no enumeration by time)."""
    token = links.make(PASSWORD_RESET, [0, email, fingerprint(None)])
    settings = mail_settings(session)
    stand_in = SimpleNamespace(name="", email=email)
    text, html = render("password_reset", user=stand_in, settings=settings, subject=SUBJECT,
                        unsubscribe_url=None, **_context(session, token))
    try:
        compose(sender=settings.sender, to=email, subject=SUBJECT, text=text, html=html,
                domain=settings.domain)
    except (ValueError, IndexError, MessageError):
        pass  # an address no account could have; the answer is the same anyway
