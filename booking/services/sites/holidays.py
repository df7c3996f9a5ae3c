"""Kerala's public holidays, proposed as closures that staff confirm year by year.

The dates come from the `holidays` package (India, subdivision KL). Nothing
closes by itself: a holiday stays a proposal until staff confirm it for some
or all centres, which adds ordinary one-day, site-wide closures through
``sites_admin.add_closure`` (audited, bookings flagged or cancelled exactly as
for any other closure). Hostels stay open on holidays, so only centres are
offered. A holiday is "confirmed" at a site when a closure with its name as the
reason covers the day; a site already closed that day for any reason is not
closed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import holidays as holiday_calendars
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Booking, BookingStatus, Closure, Site, SiteKind, SiteStatus, User
from . import admin as sites_admin
from .capacity import CapacityChange
from ..errors import InvalidRequest
from ..messages import _

FIRST_YEAR, LAST_YEAR = 2020, 2040  # the package's estimates beyond this are guesses


@dataclass(frozen=True)
class PublicHoliday:
    day: date
    name: str  # several on one day are joined: "Onam (Day 2); Prophet's Birthday"


@dataclass(frozen=True)
class HolidayStatus:
    """One holiday of the year and where it already closes a site."""

    holiday: PublicHoliday
    confirmed_site_ids: frozenset[int]  # closed with this holiday as the reason
    closed_site_ids: frozenset[int]  # closed that day for any reason (includes confirmed)


@dataclass
class HolidayConfirmation:
    closures: int = 0  # one-day closures added
    already_closed: int = 0  # (site, day) pairs skipped: the site was closed already
    change: CapacityChange = field(default_factory=CapacityChange)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidRequest(_("Choose a year from %(first)s to %(last)s.",
                               first=FIRST_YEAR, last=LAST_YEAR))


@lru_cache(maxsize=16)
def get_kerala_holidays(year: int) -> tuple[PublicHoliday, ...]:
    """The year's public holidays in Kerala, in date order."""
    calendar = holiday_calendars.country_holidays("IN", subdiv="KL", years=year)
    return tuple(PublicHoliday(day, name) for day, name in sorted(calendar.items()))


def get_holiday_names(first: date, last: date) -> dict[date, str]:
    """Public holidays between two dates (both inclusive), by day."""
    return {h.day: h.name for year in range(first.year, last.year + 1)
            if FIRST_YEAR <= year <= LAST_YEAR
            for h in get_kerala_holidays(year) if first <= h.day <= last}


def get_holiday_sites(sites: list[Site]) -> list[Site]:
    """The sites a holiday can close: centres that are open or being built."""
    return [s for s in sites if s.kind == SiteKind.CENTRE and s.status != SiteStatus.CLOSED]


def _site_closures(session: Session, site_ids: list[int], first: date,
                   last: date) -> list[Closure]:
    return list(session.scalars(select(Closure).where(
        Closure.site_id.in_(site_ids), Closure.room_id.is_(None),
        Closure.overlapping(first, last))))


def get_holiday_plan(session: Session, year: int, sites: list[Site]) -> list[HolidayStatus]:
    """Each holiday of the year, with the sites (of these) already closed that day."""
    check_year(year)
    closures = _site_closures(session, [s.id for s in sites], date(year, 1, 1),
                              date(year, 12, 31))
    plan = []
    for holiday in get_kerala_holidays(year):
        covering = [c for c in closures if c.covers(holiday.day)]
        plan.append(HolidayStatus(
            holiday,
            frozenset(c.site_id for c in covering if c.reason == holiday.name),
            frozenset(c.site_id for c in covering)))
    return plan


def _chosen(year: int, days: list[date], today: date) -> list[PublicHoliday]:
    by_day = {h.day: h for h in get_kerala_holidays(year)}
    chosen = []
    for day in sorted(set(days)):
        if day not in by_day:
            raise InvalidRequest(_("%(day)s is not a Kerala public holiday in %(year)s.",
                                   day=day, year=year))
        if day < today:
            raise InvalidRequest(_("%(name)s (%(day)s) is past.", name=by_day[day].name, day=day))
        chosen.append(by_day[day])
    if not chosen:
        raise InvalidRequest(_("Choose at least one holiday."))
    return chosen


def _open_pairs(session: Session, holidays: list[PublicHoliday],
                sites: list[Site]) -> tuple[list[tuple[PublicHoliday, Site]], int]:
    """The (holiday, site) pairs not closed yet, and how many were closed already."""
    if not sites:
        raise InvalidRequest(_("Choose at least one centre."))
    closures = _site_closures(session, [s.id for s in sites], holidays[0].day, holidays[-1].day)
    pairs, skipped = [], 0
    for holiday in holidays:
        for site in sites:
            if any(c.site_id == site.id and c.covers(holiday.day) for c in closures):
                skipped += 1
            else:
                pairs.append((holiday, site))
    return pairs, skipped


def preview_holiday_closures(session: Session, year: int, days: list[date], sites: list[Site],
                             today: date) -> list[Booking]:
    """Live bookings that confirming these holidays at these sites would hit."""
    pairs, _skipped = _open_pairs(session, _chosen(year, days, today), sites)
    hit: dict[int, Booking] = {}
    for holiday, site in pairs:
        for booking in session.scalars(select(Booking).where(
                Booking.site_id == site.id, Booking.status == BookingStatus.LIVE,
                Booking.starts_on <= holiday.day, Booking.ends_on > holiday.day)):
            hit[booking.id] = booking
    return sorted(hit.values(), key=lambda b: (b.starts_on, b.id))


def confirm_holidays(session: Session, actor: User, year: int, days: list[date],
                     sites: list[Site], *, cancel_affected: bool,
                     today: date) -> HolidayConfirmation:
    """Close these sites on these holidays (once each), as ordinary audited closures."""
    pairs, skipped = _open_pairs(session, _chosen(year, days, today), sites)
    result = HolidayConfirmation(already_closed=skipped)
    for holiday, site in pairs:
        change = sites_admin.add_closure(session, actor, site, holiday.day, holiday.day,
                                         reason=holiday.name[:200], room=None,
                                         cancel_affected=cancel_affected, today=today)
        result.closures += 1
        result.change.moved += change.moved
        result.change.conflicts += change.conflicts
    return result
