"""What a member will get before they book: the refusal they would meet, or what is free.

The booking service stays the judge (it checks again, inside the insert);
this only lets the form say "closed that day" or list free desks up front.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Bed, Closure, DayPart, Desk, Site
from . import rules
from .bookings import get_free_beds, get_free_desks
from .dates import format_day
from .errors import BookingError


@dataclass(frozen=True)
class Preview:
    refusal: str | None = None
    desks: list[Desk] = field(default_factory=list)
    beds: list[Bed] = field(default_factory=list)


def _closure_message(session: Session, site: Site, first: date, last: date) -> str | None:
    closure = session.scalars(
        select(Closure).where(Closure.site_id == site.id, Closure.room_id.is_(None),
                              Closure.ends_on >= first, Closure.starts_on <= last)
        .order_by(Closure.starts_on).limit(1)
    ).first()
    if closure is None:
        return None
    reason = f" ({closure.reason})" if closure.reason else ""
    return (f"{site.name} is closed from {format_day(closure.starts_on)}"
            f" to {format_day(closure.ends_on)}{reason}.")


def preview_desk(session: Session, site: Site, day: date, part: DayPart, now: datetime) -> Preview:
    """The refusal a desk request would meet, else the desks free for it."""
    try:
        rules.check_desk_request(site, day, part, now)
    except BookingError as error:
        return Preview(refusal=error.message)
    closed = _closure_message(session, site, day, day)
    if closed:
        return Preview(refusal=closed)
    return Preview(desks=get_free_desks(session, site, day, part))


def preview_stay(session: Session, site: Site, member, check_in: date, check_out: date,
                 now: datetime) -> Preview:
    """The refusal a stay would meet, else the beds suitable for the member and free every night."""
    try:
        rules.check_stay_request(site, check_in, check_out, now)
    except BookingError as error:
        return Preview(refusal=error.message)
    closed = _closure_message(session, site, check_in, check_out - timedelta(days=1))
    if closed:
        return Preview(refusal=closed)
    return Preview(beds=get_free_beds(session, site, check_in, check_out, member=member))
