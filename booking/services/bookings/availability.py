"""Availability: how many desks are free each day part, or beds each night.

A few set-based queries fetch the facts (capacity, closures, held cells);
pure functions turn them into a calendar, so the arithmetic is testable
without a database. "Free" means bookable in the next request: a day that is
past, beyond the advance window, or closed reports zero free.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ...models import (
    Bed,
    BedNight,
    Closure,
    DayPart,
    Designation,
    Desk,
    DeskCell,
    Room,
    Site,
    SiteStatus,
    User,
)
from . import rules
from ..dates import MIDDAY, check_range, days_between
from ..messages import _


@dataclass(frozen=True)
class Count:
    free: int
    total: int

    @property
    def taken(self) -> int:
        return self.total - self.free


@dataclass(frozen=True)
class DeskDay:
    day: date
    is_open: bool  # the site opens that day (status, weekday, closures)
    closed_reason: str | None
    morning: Count
    afternoon: Count
    taken_morning: int
    taken_afternoon: int


@dataclass(frozen=True)
class RoomGroup:
    """Beds of one room type and designation on one night."""

    room_type: str
    designation: str
    free: int
    total: int


@dataclass(frozen=True)
class BedDay:
    day: date  # the night that starts on this date
    is_open: bool
    closed_reason: str | None
    beds: Count
    taken: int
    groups: list[RoomGroup] = field(default_factory=list)
    rooms: dict[int, Count] = field(default_factory=dict)  # by room id, rooms in service


@dataclass(frozen=True)
class ClosureSpan:
    starts_on: date
    ends_on: date
    reason: str
    room_id: int | None = None


# ---------------------------------------------------------------- pure part

def active_total(retirements: Counter[date | None], day: date) -> int:
    """How many resources are in service on a day, given counts by retired_on."""
    return sum(n for retired_on, n in retirements.items() if retired_on is None or day < retired_on)


def closure_on(closures: list[ClosureSpan], day: date, room_id: int | None = None) -> str | None:
    for c in closures:
        if c.starts_on <= day <= c.ends_on and (c.room_id is None or c.room_id == room_id):
            return c.reason or _("Closed")
    return None


def site_closed_reason(site: Site, closures: list[ClosureSpan], day: date) -> str | None:
    if site.status == SiteStatus.PLANNED:
        return _("Opening soon")
    if site.status != SiteStatus.OPEN:
        return _("Closed")
    if not site.is_open_weekday(day):
        return _("Closed (weekly holiday)")
    return closure_on([c for c in closures if c.room_id is None], day)


def is_part_bookable(site: Site, day: date, part: DayPart, now: datetime) -> bool:
    today = now.date()
    if day < today or day > today + timedelta(days=site.advance_days):
        return False
    if day == today:
        ends = MIDDAY if part is DayPart.MORNING else site.closes_at
        return now.time().replace(tzinfo=None) < ends
    return True


def clock_signature(site: Site, now: datetime) -> tuple:
    """Everything the builders below read from the clock, for a given site.

    Two instants with the same signature give the same days, so built days
    can be cached under it (services/sites/catalogue.py). Keep it in step
    with ``is_part_bookable`` and ``build_bed_days``; the cache's property
    test varies the clock across these boundaries to catch a mismatch.
    """
    today = now.date()
    if site.is_hostel:
        return (today,)
    return (today, is_part_bookable(site, today, DayPart.MORNING, now),
            is_part_bookable(site, today, DayPart.AFTERNOON, now))


def build_desk_days(
    site: Site,
    first: date,
    last: date,
    retirements: Counter[date | None],
    closures: list[ClosureSpan],
    taken: Counter[tuple[date, str]],
    now: datetime,
) -> list[DeskDay]:
    days = []
    for day in days_between(first, last):
        total = active_total(retirements, day)
        reason = site_closed_reason(site, closures, day)
        counts = {}
        for part in (DayPart.MORNING, DayPart.AFTERNOON):
            held = taken[(day, part.value)]
            bookable = reason is None and is_part_bookable(site, day, part, now)
            counts[part] = Count(free=max(total - held, 0) if bookable else 0, total=total)
        days.append(
            DeskDay(
                day=day,
                is_open=reason is None,
                closed_reason=reason,
                morning=counts[DayPart.MORNING],
                afternoon=counts[DayPart.AFTERNOON],
                taken_morning=taken[(day, DayPart.MORNING.value)],
                taken_afternoon=taken[(day, DayPart.AFTERNOON.value)],
            )
        )
    return days


# ---------------------------------------------------------------- queries

def _overlapping_closures(site_id: int, first: date, last: date):
    return (Closure.site_id == site_id, Closure.overlapping(first, last))


def get_desk_availability(
    session: Session, site: Site, first: date, last: date, now: datetime
) -> list[DeskDay]:
    """Desks free per morning and afternoon, from first to last inclusive: two queries."""
    check_range(first, last)
    facts = fetch_desk_facts(session, site.id, first, last)
    return build_desk_days(site, first, last, *facts, now)


# Built once with bind parameters, so each request only binds values.
_SITE, _FIRST, _LAST = bindparam("site_id"), bindparam("first"), bindparam("last")
# One round trip for the small facts: desks counted by retirement date, and
# the closures that touch the range.
_DESK_FACTS = union_all(
    select(
        literal("desk", String).label("fact"),
        Desk.retired_on.label("a"),
        null().cast(Date).label("b"),
        func.count().label("n"),
        null().cast(String).label("reason"),
    ).where(Desk.site_id == _SITE).group_by(Desk.retired_on),
    select(
        literal("closure", String), Closure.starts_on, Closure.ends_on, literal(0, Integer),
        Closure.reason,
    ).where(Closure.site_id == _SITE, Closure.overlapping(_FIRST, _LAST),
            Closure.room_id.is_(None)),
)
_HELD_CELLS = (
    select(DeskCell.held_on, DeskCell.part, func.count())
    .where(DeskCell.site_id == _SITE, DeskCell.held_on.between(_FIRST, _LAST))
    .group_by(DeskCell.held_on, DeskCell.part)
)
# Cells held on a retired desk (an unresolved conflict) are not capacity;
# only sites with a desk retired by the end of the range need the join (the
# plain count is answered from the (site_id, held_on, part) index alone).
_HELD_CELLS_IN_SERVICE = (
    _HELD_CELLS.join(Desk, Desk.id == DeskCell.desk_id)
    .where(or_(Desk.retired_on.is_(None), Desk.retired_on > DeskCell.held_on))
)


def _as_connection(session: Session | Connection) -> Connection:
    """Fact queries run on a plain connection: the hot API path has no ORM session."""
    return session if isinstance(session, Connection) else session.connection()


def fetch_desk_facts(session: Session | Connection, site_id: int, first: date, last: date):
    """The facts desk availability is computed from (capacity, closures, held cells).

    They depend only on the database, not on the clock, so they can be cached
    against the site's revision (see services/sites/catalogue.py).
    """
    connection = _as_connection(session)
    params = {"site_id": site_id, "first": first, "last": last}
    retirements: Counter[date | None] = Counter()
    closures: list[ClosureSpan] = []
    for fact, a, b, n, reason in connection.execute(_DESK_FACTS, params):
        if fact == "desk":
            retirements[a] = n
        else:
            closures.append(ClosureSpan(a, b, reason or ""))
    retired_by_last = any(r is not None and r <= last for r in retirements)
    held = connection.execute(_HELD_CELLS_IN_SERVICE if retired_by_last else _HELD_CELLS, params)
    taken = Counter({(day, part): n for day, part, n in held})
    return retirements, closures, taken


def get_bed_availability(
    session: Session, site: Site, first: date, last: date, now: datetime
) -> list[BedDay]:
    """Beds free per night (the night starting on each date), grouped by room type."""
    check_range(first, last)
    facts = fetch_bed_facts(session, site.id, first, last)
    return build_bed_days(site, first, last, *facts, now)


_BEDS_BY_ROOM = (
    select(Bed.room_id, Room.room_type, Room.designation, Bed.retired_on, func.count())
    .join(Room, Room.id == Bed.room_id)
    .where(Bed.site_id == _SITE)
    .group_by(Bed.room_id, Room.room_type, Room.designation, Bed.retired_on)
)
_CLOSURES = select(Closure.starts_on, Closure.ends_on, Closure.reason, Closure.room_id).where(
    Closure.site_id == _SITE, Closure.overlapping(_FIRST, _LAST))
_HELD_NIGHTS = (
    select(BedNight.night_on, Bed.room_id, func.count())
    .join(Bed, Bed.id == BedNight.bed_id)
    .where(
        BedNight.site_id == _SITE,
        BedNight.night_on.between(_FIRST, _LAST),
        or_(Bed.retired_on.is_(None), Bed.retired_on > BedNight.night_on),
    )
    .group_by(BedNight.night_on, Bed.room_id)
)


def fetch_bed_facts(session: Session | Connection, site_id: int, first: date, last: date):
    """The facts bed availability is computed from (beds by room, closures, held nights)."""
    connection = _as_connection(session)
    params = {"site_id": site_id, "first": first, "last": last}
    beds = [tuple(row) for row in connection.execute(_BEDS_BY_ROOM, params)]
    closures = [ClosureSpan(a, b, reason, room_id)
                for a, b, reason, room_id in connection.execute(_CLOSURES, params)]
    held = connection.execute(_HELD_NIGHTS, params)
    taken = Counter({(day, room_id): n for day, room_id, n in held})
    return beds, closures, taken


def build_bed_days(site, first, last, beds, closures, taken, now) -> list[BedDay]:
    today = now.date()
    window_end = today + timedelta(days=site.advance_days)
    kinds = {room_id: (room_type, designation) for room_id, room_type, designation, _r, _n in beds}
    days = []
    for day in days_between(first, last):
        reason = site_closed_reason(site, closures, day)
        bookable = reason is None and today <= day <= window_end
        # Beds of one room may be split across retirement rows.
        in_service: Counter[int] = Counter()
        for room_id, _type, _designation, retired_on, n in beds:
            if retired_on is None or day < retired_on:
                in_service[room_id] += n
        rooms = {}
        for room_id, total in in_service.items():
            room_open = bookable and closure_on(closures, day, room_id) is None
            free = max(total - taken[(day, room_id)], 0) if room_open else 0
            rooms[room_id] = Count(free, total)
        groups: dict[tuple[str, str], list[int]] = {}
        for room_id, count in rooms.items():
            group = groups.setdefault(kinds[room_id], [0, 0])
            group[0] += count.free
            group[1] += count.total
        room_groups = [RoomGroup(t, d, free, total)
                       for (t, d), (free, total) in sorted(groups.items())]
        total = sum(g.total for g in room_groups)
        free = sum(g.free for g in room_groups)
        held_total = sum(n for (d, _room), n in taken.items() if d == day)
        days.append(BedDay(day, reason is None, reason, Count(free, total), held_total,
                           room_groups, rooms))
    return days


# ---------------------------------------------------------------- who may use which beds

DESIGNATION_ORDER = (Designation.ANYONE, Designation.WOMEN, Designation.MEN)


def get_eligible_room_ids(member: User, rooms: Iterable[Room]) -> frozenset[int]:
    """The rooms a member may book (rules.is_eligible_for_room decides)."""
    return frozenset(room.id for room in rooms if rules.is_eligible_for_room(member, room))


def count_in_rooms(day: BedDay, room_ids: Collection[int]) -> Count:
    """Beds free and in service that night in the given rooms (say, those a member may book)."""
    counts = [count for room_id, count in day.rooms.items() if room_id in room_ids]
    return Count(sum(c.free for c in counts), sum(c.total for c in counts))


def count_by_designation(day: BedDay) -> list[tuple[str, Count]]:
    """[(designation, beds free and in service)] for the designations the site has, anyone first."""
    sums: dict[str, list[int]] = {}
    for g in day.groups:
        pair = sums.setdefault(g.designation, [0, 0])
        pair[0] += g.free
        pair[1] += g.total
    order = {d.value: i for i, d in enumerate(DESIGNATION_ORDER)}
    return [(d, Count(free, total))
            for d, (free, total) in sorted(sums.items(), key=lambda kv: order.get(kv[0], 99))
            if total]
