"""Email address verification: web self-registration, the mailed link, resending it.

Accounts made by staff, the CLI or the demo seed are verified when made
(``users.create_user``); a member who registers on the web gets a link that
works for 48 hours and must open it before their first booking
(``bookings.rules.check_email_verified``). The notice is written in the
registration's transaction, so a refused registration mails nobody.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import User, utcnow
from ..admin import audit
from ..errors import LinkInvalid, LinkUsed
from ..notices.notify import notify
from ..notices.settings import mail_settings
from . import users
from .links import VERIFY_EMAIL, AccountLinks, lifetime_hours
from ..messages import _

VERIFY_PATH = "/verify-email/{token}"
# Where a signed-in member finds the "Resend" button (the booking refusal names it).
RESEND_PATH = "/account"


def register_member(session: Session, links: AccountLinks, email: str, name: str,
                    password: str, *, phone: str | None = None) -> User:
    """A member's own account, unverified, with the verification notice in the outbox."""
    user = users.create_user(session, email, name, password, phone=phone, email_verified=False)
    send_verification(session, links, user)
    return user


def send_verification(session: Session, links: AccountLinks, user: User) -> bool:
    """Write a (new) verification notice; False when there is nothing to verify."""
    if user.is_email_verified or user.email is None or user.is_deleted:
        return False
    token = links.make(VERIFY_EMAIL, [user.id, user.email])
    notify(session, user, kind="verify_email", template="verify_email",
           subject=_("Confirm your email address"), context={
               "url": mail_settings(session).link(VERIFY_PATH.format(token=token)),
               "hours": lifetime_hours(VERIFY_EMAIL)})
    return True


def verify_email(session: Session, links: AccountLinks, token: str) -> User:
    """Mark the address of the link's account verified; refuse a used, old or altered link."""
    user_id, email = _payload(links.read(VERIFY_EMAIL, token))
    user = session.get(User, user_id)
    if user is None or user.is_deleted or user.email != email:
        raise LinkInvalid(_("This link is for an address that is no longer on an account."
                          " Sign in and ask for a new one."))
    if user.is_email_verified:
        raise LinkUsed(_("This link has already been used: your email address is verified."
                       " You can book now."))
    user.email_verified_at = utcnow()
    audit.record(session, user, "account.email_verified", target=f"user:{user.id}")
    session.flush()
    return user


def _payload(payload: list) -> tuple[int, str]:
    if len(payload) != 2 or not isinstance(payload[0], int) or not isinstance(payload[1], str):
        raise LinkInvalid(_("This link is not one of ours. Ask for a new one below."))
    return payload[0], payload[1]

