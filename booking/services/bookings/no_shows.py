"""A member's no-shows: counted for staff, and the site's optional limit on booking ahead.

Apart from check-in (checkin.py) because booking itself reads the limit, and
check-in's release fills the waitlist, which books.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Booking, BookingStatus, Site, User
from ..errors import OutsideBookingWindow
from ..messages import _

NO_SHOW_LIMIT_COUNT = 3
NO_SHOW_WINDOW_DAYS = 30


def count_no_shows(session: Session, member: User, today: date) -> int:
    """The member's no-shows in the last NO_SHOW_WINDOW_DAYS days (for staff and the limit)."""
    since = today - timedelta(days=NO_SHOW_WINDOW_DAYS)
    return session.scalar(
        select(func.count()).select_from(Booking)
        .where(Booking.member_id == member.id, Booking.status == BookingStatus.NO_SHOW,
               Booking.starts_on > since, Booking.starts_on <= today)) or 0


def check_no_show_limit(session: Session, member: User, site: Site, day: date,
                        now: datetime) -> None:
    """Refuse a desk too far ahead for a member with repeated no-shows, where the site says so."""
    limit = site.no_show_limit_days
    if limit is None or day <= now.date() + timedelta(days=limit):
        return
    if count_no_shows(session, member, now.date()) < NO_SHOW_LIMIT_COUNT:
        return
    last = now.date() + timedelta(days=limit)
    raise OutsideBookingWindow(
        _("You did not check in for %(count)s or more bookings in the last %(days)s days, so at"
          " %(site)s you can book up to %(limit)s days ahead for now (until %(last)s).",
          count=NO_SHOW_LIMIT_COUNT, days=NO_SHOW_WINDOW_DAYS, site=site.name, limit=limit,
          last=last))


def no_show_counts(session: Session, member_ids: list[int], today: date) -> dict[int, int]:
    """count_no_shows for many members at once (the day sheet)."""
    if not member_ids:
        return {}
    since = today - timedelta(days=NO_SHOW_WINDOW_DAYS)
    rows = session.execute(
        select(Booking.member_id, func.count()).where(
            Booking.member_id.in_(member_ids), Booking.status == BookingStatus.NO_SHOW,
            Booking.starts_on > since, Booking.starts_on <= today)
        .group_by(Booking.member_id))
    return {member_id: count for member_id, count in rows}
