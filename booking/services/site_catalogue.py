"""Sites and their availability as the public API serves them, fast and exact.

Availability facts (capacity, closures, held cells) are cached per process,
keyed by (site, revision, block of days). The revision is bumped by database
triggers in the same transaction as any change to those facts (migration
0002), so a request costs one indexed lookup of the site and its revision
when the facts are cached, and a stale answer is impossible: changed facts
mean a new revision, hence a new key.

Order matters on PostgreSQL (READ COMMITTED: each statement sees the latest
commits): the revision is read *before* the facts, so a cached entry can
only ever hold facts at least as new as its key, never older.
"""
from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ..models import Bed, Desk, Site, SiteKind, SiteRevision
from .availability import (
    BedDay,
    DeskDay,
    build_bed_days,
    build_desk_days,
    fetch_bed_facts,
    fetch_desk_facts,
)
from .dates import check_range
from .errors import NotFound

# Facts are fetched and cached in aligned blocks of this many days: a 31-day
# range needs at most two, and every range over the same weeks shares them.
BLOCK_DAYS = 32
# The columns availability needs; read in the same statement as the revision.
SITE_COLUMNS = (
    Site.id, Site.slug, Site.name, Site.kind, Site.status, Site.opening_days,
    Site.opens_at, Site.closes_at, Site.advance_days,
)


class FactsCache:
    """A small thread-safe LRU of availability facts, one per worker process."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple):
        with self._lock:
            facts = self._entries.get(key)
            if facts is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return facts

    def put(self, key: tuple, facts: tuple) -> None:
        with self._lock:
            self._entries[key] = facts
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True)
class SiteAvailability:
    site: Site  # transient: built from one row, not attached to the session
    revision: int
    first: date
    last: date
    days: list[DeskDay] | list[BedDay]


def get_site_availability(
    session: Session, slug: str, first: date, last: date, now: datetime,
    cache: FactsCache | None = None,
) -> SiteAvailability:
    """Availability of one site over a range: one query when the facts are cached."""
    check_range(first, last)
    row = session.execute(
        select(*SITE_COLUMNS, func.coalesce(SiteRevision.revision, 0))
        .outerjoin(SiteRevision, SiteRevision.site_id == Site.id)
        .where(Site.slug == slug)
    ).first()
    if row is None:
        raise NotFound(f"There is no site with the slug {slug!r}.")
    *values, revision = row
    site = Site(**{column.key: value for column, value in zip(SITE_COLUMNS, values)})
    is_centre = site.kind == SiteKind.CENTRE
    facts = _merge([_block_facts(session, site, revision, block, cache)
                    for block in blocks_covering(first, last)])
    build = build_desk_days if is_centre else build_bed_days
    return SiteAvailability(site, revision, first, last, build(site, first, last, *facts, now))


def blocks_covering(first: date, last: date) -> list[tuple[date, date]]:
    """Fixed, aligned blocks of days covering a range, so ranges that overlap share them."""
    lowest, highest = date.min.toordinal(), date.max.toordinal()
    return [
        (date.fromordinal(max(b * BLOCK_DAYS, lowest)),
         date.fromordinal(min(b * BLOCK_DAYS + BLOCK_DAYS - 1, highest)))
        for b in range(first.toordinal() // BLOCK_DAYS, last.toordinal() // BLOCK_DAYS + 1)
    ]


def _block_facts(session: Session, site: Site, revision: int, block: tuple[date, date],
                 cache: FactsCache | None) -> tuple:
    key = (site.id, site.kind, revision, block[0])
    facts = cache.get(key) if cache is not None else None
    if facts is None:
        fetch = fetch_desk_facts if site.kind == SiteKind.CENTRE else fetch_bed_facts
        facts = fetch(session, site.id, *block)
        if cache is not None:
            cache.put(key, facts)
    return facts


def _merge(blocks: list[tuple]) -> tuple:
    """One set of facts from per-block ones: capacity is site-wide, the rest by day."""
    if len(blocks) == 1:
        return blocks[0]
    capacity_rows = blocks[0][0]
    closures = list(dict.fromkeys(c for block in blocks for c in block[1]))
    taken: Counter = Counter()
    for block in blocks:
        taken.update(block[2])
    return capacity_rows, closures, taken


def get_uncached_availability(session: Session, site: Site, first: date, last: date,
                              now: datetime) -> list[DeskDay] | list[BedDay]:
    """The same answer straight from the cells (what the cache must always equal)."""
    fetch = fetch_desk_facts if site.is_centre else fetch_bed_facts
    build = build_desk_days if site.is_centre else build_bed_days
    return build(site, first, last, *fetch(session, site.id, first, last), now)


def get_site_capacities(session: Session, on: date) -> Counter[int]:
    """Desks or beds in service on a day, by site id (two grouped queries)."""
    capacities: Counter[int] = Counter()
    for model in (Desk, Bed):
        in_service = or_(model.retired_on.is_(None), model.retired_on > on)
        rows = session.execute(
            select(model.site_id, func.sum(case((in_service, 1), else_=0)))
            .group_by(model.site_id)
        )
        for site_id, n in rows:
            capacities[site_id] += int(n or 0)
    return capacities


def get_sites(session: Session) -> list[Site]:
    """Every listed site, centres first, by name."""
    return list(session.scalars(select(Site).order_by(Site.kind, Site.name)))
