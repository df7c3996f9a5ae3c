"""What a member will get before they book: the refusal they would meet, or what is free.

The booking service stays the judge (it checks again, inside the insert);
this only lets the form say "closed that day" or list free desks up front.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ...models import Bed, DayPart, Desk, Site
from . import rules
from .book import check_site_not_closed, get_free_beds, get_free_desks
from ..errors import BookingError
from ..messages import Text


@dataclass(frozen=True)
class Preview:
    refusal: Text | None = None  # translated by the page
    desks: list[Desk] = field(default_factory=list)
    beds: list[Bed] = field(default_factory=list)
    other_beds: list[Bed] = field(default_factory=list)  # free, in rooms the member may not use


def preview_desk(session: Session, site: Site, day: date, part: DayPart, now: datetime) -> Preview:
    """The refusal a desk request would meet, else the desks free for it."""
    try:
        rules.check_desk_request(site, day, part, now)
        check_site_not_closed(session, site, day, day)
    except BookingError as error:
        return Preview(refusal=error.text)
    return Preview(desks=get_free_desks(session, site, day, part))


def preview_stay(session: Session, site: Site, member, check_in: date, check_out: date,
                 now: datetime) -> Preview:
    """The refusal a stay would meet, else the beds free every night: the member's, and others'."""
    try:
        rules.check_stay_request(site, check_in, check_out, now)
        check_site_not_closed(session, site, check_in, check_out - timedelta(days=1))
    except BookingError as error:
        return Preview(refusal=error.text)
    yours: list[Bed] = []
    others: list[Bed] = []
    for bed in get_free_beds(session, site, check_in, check_out):
        (yours if rules.is_eligible_for_room(member, bed.room) else others).append(bed)
    return Preview(beds=yours, other_beds=others)
