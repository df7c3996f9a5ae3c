"""A member's private calendar feed: create, regenerate, revoke, find by secret, list.

The address ``/calendar/<secret>.ics`` is the only key to the feed. The secret
is HMAC-SHA256(app secret key, random nonce): 256 bits nobody can guess or
enumerate. The database holds the nonce and the secret's SHA-256 only, so a
copy of it opens no feed (as with API tokens), yet the owner's account page
can show the address again by deriving it from the nonce. A request finds its
feed by the SHA-256 of the secret it brings: one indexed equality lookup on a
value the caller cannot steer, never a comparison of secrets.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...models import Booking, CalendarFeed, User, utcnow
from ..admin import audit
from ..errors import InvalidRequest, NotFound
from .calendar import booking_calendar, get_sequences
from ..messages import _

PAST_DAYS = 30  # the feed keeps bookings that ended up to this many days ago
MAX_BOOKINGS = 500  # far above what a member holds; bounds the answer
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 32 bytes, base64url without padding


def _secret_for(nonce: str, key: bytes) -> str:
    digest = hmac.new(key, b"calendar-feed:" + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def get_feed(session: Session, member: User) -> CalendarFeed | None:
    return session.get(CalendarFeed, member.id)


def get_feed_secret(feed: CalendarFeed, key: bytes) -> str | None:
    """The secret of the member's feed address; None if the app's key has changed since."""
    secret = _secret_for(feed.nonce, key)
    return secret if hmac.compare_digest(_hash(secret), feed.secret_hash) else None


def create_feed(session: Session, member: User, key: bytes) -> tuple[CalendarFeed, str]:
    """Make the member's feed, or a new address for it (the old one stops working)."""
    if member.is_deleted:
        raise InvalidRequest(_("This account has been deleted."))
    feed = get_feed(session, member)
    action = "calendar_feed.regenerate" if feed is not None else "calendar_feed.create"
    if feed is None:
        feed = CalendarFeed(user_id=member.id)
        session.add(feed)
    feed.nonce = secrets.token_urlsafe(32)
    secret = _secret_for(feed.nonce, key)
    feed.secret_hash = _hash(secret)
    feed.created_at = utcnow()
    session.flush()
    audit.record(session, member, action, target=f"user:{member.id}")
    return feed, secret


def revoke_feed(session: Session, member: User) -> None:
    """Delete the member's feed: its address answers 404 from now on."""
    feed = get_feed(session, member)
    if feed is None:
        raise NotFound(_("You have no calendar feed."))
    session.delete(feed)
    session.flush()
    audit.record(session, member, "calendar_feed.revoke", target=f"user:{member.id}")


def find_feed_member(session: Session, secret: str) -> User | None:
    """The (not deleted) member whose feed has this secret, or None."""
    if not SECRET_RE.match(secret):
        return None
    return session.scalar(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.secret_hash == _hash(secret), User.deleted_at.is_(None))
    )


def get_feed_bookings(session: Session, member: User, today: date) -> list[Booking]:
    """The member's bookings for the feed: upcoming and recent, cancelled ones included."""
    return list(session.scalars(
        select(Booking)
        .options(joinedload(Booking.site), joinedload(Booking.desk), joinedload(Booking.bed))
        .where(Booking.member_id == member.id,
               Booking.ends_on > today - timedelta(days=PAST_DAYS))
        .order_by(Booking.starts_on, Booking.id)
        .limit(MAX_BOOKINGS)
    ))


def get_feed_calendar(session: Session, secret: str, *, today: date,
                      base_url: str | None = None) -> bytes | None:
    """The .ics file a feed address serves; None for an unknown or revoked secret."""
    member = find_feed_member(session, secret)
    if member is None:
        return None
    bookings = get_feed_bookings(session, member, today)
    return booking_calendar(bookings, base_url=base_url, name="Desk and bed bookings",
                            sequences=get_sequences(session, bookings))
