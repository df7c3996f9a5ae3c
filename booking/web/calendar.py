"""Turn availability days into a month-like grid a person reads at a glance.

Pure functions: the service computes free counts; this decides how each count
reads (colour class plus words, never colour alone) and lays days out in weeks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..localize import localize
from ..models import DayPart, Site
from ..services.bookings.availability import (
    BedDay,
    Count,
    DeskDay,
    count_by_designation,
    count_in_rooms,
    is_part_bookable,
)

CALENDAR_DAYS = 28
FEW_SHARE = 0.25  # at or below this share of capacity free, show "few left"


@dataclass(frozen=True)
class Slot:
    label: str  # "Morning", "Afternoon", "Night"
    level: str  # free | few | full | closed | unavailable
    text: str  # "12 free", "2 left", "Full", "Closed"
    yours: bool = False  # the member holds it: "booked by you", in words as well as a mark


@dataclass(frozen=True)
class Share:
    """Free beds in the rooms of one designation: "Women 12", "12 in women's rooms"."""

    label: str
    free: int
    phrase: str


@dataclass(frozen=True)
class CalendarDay:
    day: date
    slots: list[Slot]
    note: str | None  # the closure reason, when closed
    bookable: bool
    holiday: str | None = None  # a public holiday the site has not closed for
    shares: tuple[Share, ...] = ()  # hostels with designated rooms: free beds by designation


@dataclass(frozen=True)
class BedSummary:
    """The first bookable night in words: all free beds, by designation, and the member's."""

    day: date
    free: int
    shares: tuple[Share, ...]
    yours: int | None  # None for a visitor


SHARE_LABELS = {"anyone": _l("Anyone"), "women": _l("Women"), "men": _l("Men")}
SHARE_PHRASES = {"anyone": _l("%(num)d in rooms for anyone"),
                 "women": _l("%(num)d in women's rooms"), "men": _l("%(num)d in men's rooms")}


def describe(count: Count, is_open: bool, in_window: bool) -> tuple[str, str]:
    """The (level, text) for one count."""
    if not is_open:
        return "closed", _("Closed")
    if not in_window or count.total == 0:
        return "unavailable", _("Not bookable")
    if count.free == 0:
        return "full", _("Full")
    if count.free <= max(1, int(count.total * FEW_SHARE)):
        return "few", _("%(n)d left", n=count.free)
    return "free", _("%(n)d free", n=count.free)


def desk_calendar(days: list[DeskDay], site: Site, now: datetime,
                  holidays: dict[date, str] | None = None,
                  held: frozenset[tuple[date, str | None]] = frozenset()) -> list[CalendarDay]:
    """Centre days; an open public holiday says so (staff have not closed for it).

    `held`: the (day, half) the member has booked here, marked "booked by you".
    """
    holidays = holidays or {}
    cells = []
    for d in days:
        slots = []
        for label, part, count in ((_("Morning"), DayPart.MORNING, d.morning),
                                   (_("Afternoon"), DayPart.AFTERNOON, d.afternoon)):
            # A part already over (or beyond the window) reads "Not bookable", not "Full".
            level, text = describe(count, d.is_open, is_part_bookable(site, d.day, part, now))
            slots.append(Slot(label, level, text, (d.day, part.value) in held))
        bookable = any(s.level in ("free", "few") for s in slots)
        cells.append(CalendarDay(d.day, slots, None if d.is_open else localize(d.closed_reason),
                                 bookable,
                                 holiday=holidays.get(d.day) if d.is_open else None))
    return cells


def shares_of(day: BedDay) -> tuple[Share, ...]:
    """Free beds by designation; none when every room is for anyone (nothing to explain)."""
    counts = count_by_designation(day)
    if [d for d, _count in counts] in ([], ["anyone"]):
        return ()
    return tuple(Share(str(SHARE_LABELS.get(d, d)), c.free,
                       str(SHARE_PHRASES.get(d, "%(num)d " + d)) % {"num": c.free})
                 for d, c in counts)


def bed_calendar(days: list[BedDay], site: Site, now: datetime,
                 eligible_rooms: frozenset[int] | None = None,
                 held: frozenset[tuple[date, str | None]] = frozenset()) -> list[CalendarDay]:
    """Beds free each night: for a member, those in rooms they may book ("For you")."""
    today = now.date()
    last_bookable = today + timedelta(days=site.advance_days)
    label = _("Night") if eligible_rooms is None else _("For you")
    cells = []
    for d in days:
        in_window = today <= d.day <= last_bookable
        count = d.beds if eligible_rooms is None else count_in_rooms(d, eligible_rooms)
        level, text = describe(count, d.is_open, in_window)
        shares = shares_of(d) if d.is_open and in_window else ()
        cells.append(CalendarDay(d.day, [Slot(label, level, text, (d.day, None) in held)],
                                 localize(d.closed_reason) if not d.is_open else None,
                                 level in ("free", "few"), shares=shares))
    return cells


def bed_summary(days: list[BedDay], site: Site, now: datetime,
                eligible_rooms: frozenset[int] | None = None) -> BedSummary | None:
    """The first night that takes bookings, summed up; None if no night in the range does."""
    today = now.date()
    last_bookable = today + timedelta(days=site.advance_days)
    for d in days:
        if d.is_open and today <= d.day <= last_bookable and d.beds.total:
            yours = None if eligible_rooms is None else count_in_rooms(d, eligible_rooms).free
            return BedSummary(d.day, d.beds.free, shares_of(d), yours)
    return None


def weeks(cells: list[CalendarDay]) -> list[list[CalendarDay | None]]:
    """Rows of seven, Monday first, padded with None before the first day."""
    if not cells:
        return []
    padded: list[CalendarDay | None] = [None] * cells[0].day.weekday() + list(cells)
    padded += [None] * (-len(padded) % 7)
    return [padded[i:i + 7] for i in range(0, len(padded), 7)]


def calendar_range(today: date, start: date | None, advance_days: int) -> tuple[date, date]:
    """The first and last day to show: from `start` (kept within the window) for 4 weeks."""
    last_bookable = today + timedelta(days=advance_days)
    first = today if start is None else min(max(start, today), last_bookable)
    return first, first + timedelta(days=CALENDAR_DAYS - 1)
