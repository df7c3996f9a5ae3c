"""Which optional notices a member gets, and the signed one-click unsubscribe link.

Two kinds of notice are optional (``TOPICS``); what staff or a capacity
change did to a booking is always sent, as the member must know.

An unsubscribe link carries a token signed with the app's secret key
(itsdangerous, as the sign-in device cookie): the user's id and the topic.
It needs no sign-in, so a mail client can act on it (RFC 8058), and it never
expires: a link in an old mail must still work. A token for an account that
has since been deleted does nothing.
"""
from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...models import NoticeOptOut, User
from ..errors import InvalidRequest
from .settings import MailSettings
from ..messages import _

OWN_BOOKINGS = "own_bookings"
REMINDERS = "reminders"
# The optional topics (the account page words them, web/notices.py).
TOPICS = {
    OWN_BOOKINGS: "confirmations of what members book, cancel or end early themselves",
    REMINDERS: "the day-before reminder",
}
_SALT = "notice-unsubscribe"


def get_wanted(session: Session, user: User) -> dict[str, bool]:
    """Every optional topic and whether the member gets it."""
    off = set(session.scalars(select(NoticeOptOut.topic).where(NoticeOptOut.user_id == user.id)))
    return {topic: topic not in off for topic in TOPICS}


def is_wanted(session: Session, user: User, topic: str) -> bool:
    return session.get(NoticeOptOut, (user.id, topic)) is None


def set_wanted(session: Session, user: User, wanted: dict[str, bool]) -> dict[str, bool]:
    """Turn optional notices on or off; topics not named keep their setting."""
    unknown = set(wanted) - set(TOPICS)
    if unknown:
        raise InvalidRequest(_("Unknown kind of notice: %(kinds)s.",
                               kinds=', '.join(sorted(unknown))))
    current = get_wanted(session, user)
    for topic, on in wanted.items():
        if on and not current[topic]:
            session.execute(delete(NoticeOptOut).where(NoticeOptOut.user_id == user.id,
                                                       NoticeOptOut.topic == topic))
        elif not on and current[topic]:
            session.add(NoticeOptOut(user_id=user.id, topic=topic))
    session.flush()
    return get_wanted(session, user)


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def unsubscribe_path(settings: MailSettings, user: User, topic: str) -> str:
    """The path of the link that turns ``topic`` off for ``user``, for a mail's footer."""
    return f"/notices/unsubscribe/{_serializer(settings.secret_key).dumps([user.id, topic])}"


class BadUnsubscribeLink(InvalidRequest):
    """The link was altered, or signed with another key."""


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[int, str]:
    """(user id, topic) from a token, or BadUnsubscribeLink."""
    try:
        user_id, topic = _serializer(secret_key).loads(token)
    except (BadData, TypeError, ValueError):
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid: it may have been cut"
                                 " short or changed.")) from None
    if not isinstance(user_id, int) or topic not in TOPICS:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."))
    return user_id, topic


def get_unsubscribe_target(session: Session, secret_key: str,
                           token: str) -> tuple[User | None, str]:
    """The account and topic a link names; the account is None once it is deleted."""
    user_id, topic = read_unsubscribe_token(secret_key, token)
    user = session.get(User, user_id)
    return (None if user is None or user.is_deleted else user), topic


def unsubscribe(session: Session, secret_key: str, token: str) -> tuple[User | None, str]:
    """Turn off the topic a signed link names (again is harmless)."""
    user, topic = get_unsubscribe_target(session, secret_key, token)
    if user is not None:
        set_wanted(session, user, {topic: False})
    return user, topic
