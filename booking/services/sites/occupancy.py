"""Occupancy: how full each site is, per day, over a period.

Set-based: one query each for the sites, desk and bed capacity by retirement
date, held desk cells, held bed nights and closures, for every site at once;
then pure functions turn the counts into per-site, per-day utilisation.
Desks are counted per half day (morning, afternoon); beds per night. A day a
site does not open (planned, closed, weekly holiday, closure) has no capacity;
a closed hostel room takes its beds out of capacity for those nights.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Bed, BedNight, Closure, Desk, DeskCell, Site
from ..bookings.availability import ClosureSpan, active_total, site_closed_reason
from ..dates import check_range, days_between

MAX_PERIOD_DAYS = 92
DESK_PARTS = ("morning", "afternoon")
NIGHT = ("night",)


@dataclass(frozen=True)
class DayUse:
    day: date
    capacity: int  # desks (per half day) or beds in service and open that day
    taken: dict[str, int]  # held per part: morning/afternoon, or night
    closed_reason: str | None = None

    @property
    def units(self) -> int:
        return self.capacity * len(self.taken)

    @property
    def used(self) -> int:
        return sum(self.taken.values()) if self.capacity else 0

    @property
    def utilisation(self) -> float:
        return self.used / self.units if self.units else 0.0

    def part_utilisation(self, part: str) -> float:
        return min(self.taken[part] / self.capacity, 1.0) if self.capacity else 0.0


@dataclass
class SiteUse:
    site_id: int
    slug: str
    name: str
    kind: str
    district: str
    status: str
    days: list[DayUse] = field(default_factory=list)

    @property
    def parts(self) -> tuple[str, ...]:
        return DESK_PARTS if self.kind == "centre" else NIGHT

    @property
    def units(self) -> int:
        return sum(d.units for d in self.days)

    @property
    def used(self) -> int:
        return sum(d.used for d in self.days)

    @property
    def utilisation(self) -> float:
        return self.used / self.units if self.units else 0.0

    @property
    def peak(self) -> float:
        return max((d.utilisation for d in self.days), default=0.0)

    @property
    def full_days(self) -> int:
        """Open days on which some part was fully booked: demand met capacity."""
        return sum(1 for d in self.days if d.capacity and any(
            n >= d.capacity for n in d.taken.values()))


@dataclass(frozen=True)
class RoomClosure:
    """A closed hostel room's beds (by retirement date) over the closure's dates."""

    starts_on: date
    ends_on: date
    retired_on: date | None
    beds: int

    def closed_beds(self, day: date) -> int:
        in_service = self.retired_on is None or day < self.retired_on
        return self.beds if in_service and self.starts_on <= day <= self.ends_on else 0


def build_site_use(site, first: date, last: date, retirements: Counter,
                   closures: list[ClosureSpan], taken: Counter,
                   room_closures: list[RoomClosure] = ()) -> SiteUse:
    """Pure: one site's days from its capacity by retirement date, closures and held cells."""
    use = SiteUse(site.id, site.slug, site.name, site.kind, site.district, site.status)
    for day in days_between(first, last):
        reason = site_closed_reason(site, closures, day)
        capacity = 0 if reason else max(active_total(retirements, day) - sum(
            r.closed_beds(day) for r in room_closures), 0)
        held = {part: min(taken[(day, part)], capacity) for part in use.parts}
        use.days.append(DayUse(day, capacity, held, reason))
    return use


def _held(session: Session, cell, day_column, resource, key, site_ids: list[int],
          first: date, last: date, part_column=None) -> list[tuple]:
    """(site, day, part, count) of held cells, less those on retired desks/beds.

    The first query reads only the cells' (site, day) index, seeking each
    site; the second subtracts cells on resources retired by then (open
    conflicts, which are not capacity), starting from the few retired ones.
    """
    group = [cell.site_id, day_column] + ([part_column] if part_column is not None else [])
    in_range = day_column.between(first, last)
    held = session.execute(select(*group, func.count())
                           .where(cell.site_id.in_(site_ids), in_range).group_by(*group)).all()
    retired = session.execute(
        select(*group, -func.count()).join(resource, resource.id == key)
        .where(resource.retired_on.is_not(None), resource.retired_on <= day_column,
               resource.site_id.in_(site_ids), in_range)
        .group_by(*group)).all()
    if part_column is None:
        return [(site_id, day, "night", n) for site_id, day, n in held + retired]
    return held + retired


def _closures(session: Session, scoped, first: date, last: date):
    """Site closures, and closed rooms' beds, overlapping the period, by site."""
    closures: dict[int, list[ClosureSpan]] = defaultdict(list)
    for c in session.execute(scoped(
            select(Closure.site_id, Closure.starts_on, Closure.ends_on, Closure.reason)
            .where(Closure.room_id.is_(None), Closure.overlapping(first, last)),
            Closure.site_id)):
        closures[c.site_id].append(ClosureSpan(c.starts_on, c.ends_on, c.reason or ""))
    rooms: dict[int, list[RoomClosure]] = defaultdict(list)
    # Closed rooms take their beds out of capacity (a room closed twice on the
    # same night would be subtracted twice; such closures are rare).
    for site_id, starts_on, ends_on, retired_on, n in session.execute(scoped(
            select(Closure.site_id, Closure.starts_on, Closure.ends_on, Bed.retired_on,
                   func.count())
            .join(Bed, Bed.room_id == Closure.room_id)
            .where(Closure.overlapping(first, last))
            .group_by(Closure.id, Closure.site_id, Closure.starts_on, Closure.ends_on,
                      Bed.retired_on), Closure.site_id)):
        rooms[site_id].append(RoomClosure(starts_on, ends_on, retired_on, n))
    return closures, rooms


def get_occupancy(session: Session, first: date, last: date,
                  site_ids: list[int] | None = None) -> list[SiteUse]:
    """Per-site, per-day utilisation for every site (or the given ones), by name."""
    check_range(first, last, max_days=MAX_PERIOD_DAYS)

    def scoped(query, column):
        return query if site_ids is None else query.where(column.in_(site_ids))

    sites = session.scalars(scoped(select(Site), Site.id).order_by(Site.name)).all()
    retirements: dict[int, Counter] = defaultdict(Counter)
    for model in (Desk, Bed):
        for site_id, retired_on, n in session.execute(scoped(
                select(model.site_id, model.retired_on, func.count())
                .group_by(model.site_id, model.retired_on), model.site_id)):
            retirements[site_id][retired_on] += n
    ids = [s.id for s in sites]
    taken: dict[int, Counter] = defaultdict(Counter)
    cells = _held(session, DeskCell, DeskCell.held_on, Desk, DeskCell.desk_id, ids, first, last,
                  DeskCell.part)
    cells += _held(session, BedNight, BedNight.night_on, Bed, BedNight.bed_id, ids, first, last)
    for site_id, day, part, n in cells:
        taken[site_id][(day, part)] += n
    closures, rooms = _closures(session, scoped, first, last)
    return [build_site_use(s, first, last, retirements[s.id], closures[s.id], taken[s.id],
                           rooms[s.id])
            for s in sites]


@dataclass(frozen=True)
class StateDay:
    day: date
    desk_units: int
    desk_used: int
    bed_units: int
    bed_used: int

    @property
    def desk_utilisation(self) -> float:
        return self.desk_used / self.desk_units if self.desk_units else 0.0

    @property
    def bed_utilisation(self) -> float:
        return self.bed_used / self.bed_units if self.bed_units else 0.0


def rank_sites(uses: list[SiteUse]) -> list[SiteUse]:
    """Fullest first (ties: more full days first); sites with no capacity last."""
    return sorted(uses, key=lambda u: (u.units == 0, -u.utilisation, -u.full_days, u.name))


def state_days(uses: list[SiteUse]) -> list[StateDay]:
    """Desks and beds across all the given sites, per day."""
    if not uses:
        return []
    totals = []
    for index, day in enumerate(d.day for d in uses[0].days):
        desk_units = desk_used = bed_units = bed_used = 0
        for use in uses:
            d = use.days[index]
            if use.kind == "centre":
                desk_units, desk_used = desk_units + d.units, desk_used + d.used
            else:
                bed_units, bed_used = bed_units + d.units, bed_used + d.used
        totals.append(StateDay(day, desk_units, desk_used, bed_units, bed_used))
    return totals
