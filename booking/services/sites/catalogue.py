"""Sites and their availability as the public API serves them, fast and exact.

Built days are cached per process, keyed by (site's rule columns, revision,
aligned block of days, clock signature). The revision is bumped by database
triggers in the same transaction as any change to the facts (desk cells,
bed nights, desks, rooms, beds, closures; migration 0002) and the clock
signature is everything the builders read from the clock, so a request costs
one indexed lookup of the site and its revision when its blocks are cached,
and a stale answer is impossible: changed facts mean a new key.

Order matters on PostgreSQL (READ COMMITTED: each statement sees the latest
commits): the revision is read *before* the facts, so a cached entry can
only ever hold facts at least as new as its key, never older.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from threading import Lock

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ...models import Site, SiteRevision
from ...models.site import SiteCalendarMixin
from ..bookings.availability import (
    BedDay,
    DeskDay,
    build_bed_days,
    build_desk_days,
    clock_signature,
    fetch_bed_facts,
    fetch_desk_facts,
)
from ..dates import check_range
from ..errors import NotFound
from ..messages import _

# Facts are fetched and cached in aligned blocks of this many days: a 31-day
# range needs at most two, and every range over the same weeks shares them.
BLOCK_DAYS = 32
# One indexed lookup per request: the site's rule columns and its revision.
# Built once; SQLAlchemy caches its compiled form.
SITE_AND_REVISION = (
    select(Site.id, Site.slug, Site.kind, Site.status, Site.opening_days, Site.opens_at,
           Site.closes_at, Site.advance_days, func.coalesce(SiteRevision.revision, 0))
    .outerjoin(SiteRevision, SiteRevision.site_id == Site.id)
    .where(Site.slug == bindparam("slug"))
)


def get_site_revision(session: Session, site_id: int) -> int:
    """The site's revision: bumped by the database with every change to its facts."""
    return session.scalar(select(SiteRevision.revision)
                          .where(SiteRevision.site_id == site_id)) or 0


@dataclass(frozen=True)
class SiteView(SiteCalendarMixin):
    """What availability reads of a site, as a plain object.

    Cached days are keyed by it, so it must be immutable and hashable (an
    ORM Site is neither); it has the attributes the calendar rules read.
    """

    id: int
    slug: str
    kind: str
    status: str
    opening_days: str
    opens_at: time
    closes_at: time
    advance_days: int


class AvailabilityCache:
    """A small thread-safe LRU of built availability blocks, one per worker process."""

    def __init__(self, max_entries: int = 2048) -> None:
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
    site: SiteView
    revision: int
    first: date
    last: date
    days: list[DeskDay] | list[BedDay]
    rendered: list = field(default_factory=list)  # render(day) for each day, if asked


def get_site_availability(
    session: Session | Connection, slug: str, first: date, last: date, now: datetime,
    cache: AvailabilityCache | None = None, render: Callable | None = None,
) -> SiteAvailability:
    """Availability of one site over a range: one query when the facts are cached."""
    check_range(first, last)
    connection = session if isinstance(session, Connection) else session.connection()
    row = connection.execute(SITE_AND_REVISION, {"slug": slug}).first()
    if row is None:
        raise NotFound(_("There is no site with the slug %(slug)s.", slug=repr(slug)))
    *values, revision = row
    site = SiteView(*values)
    signature = clock_signature(site, now)
    days: list = []
    rendered: list = []
    for block in blocks_covering(first, last):
        block_days, block_rendered = _block_days(connection, site, revision, block, signature,
                                                 now, cache, render)
        start = max((first - block[0]).days, 0)
        stop = start + (last - first).days + 1 - len(days)
        days.extend(block_days[start:stop])
        rendered.extend(block_rendered[start:stop])
    return SiteAvailability(site, revision, first, last, days, rendered)


def blocks_covering(first: date, last: date) -> list[tuple[date, date]]:
    """Fixed, aligned blocks of days covering a range, so ranges that overlap share them."""
    lowest, highest = date.min.toordinal(), date.max.toordinal()
    return [
        (date.fromordinal(max(b * BLOCK_DAYS, lowest)),
         date.fromordinal(min(b * BLOCK_DAYS + BLOCK_DAYS - 1, highest)))
        for b in range(first.toordinal() // BLOCK_DAYS, last.toordinal() // BLOCK_DAYS + 1)
    ]


def _block_days(connection: Connection, site: SiteView, revision: int, block: tuple[date, date],
                signature: tuple, now: datetime, cache: AvailabilityCache | None,
                render: Callable | None) -> tuple[list, list]:
    """The built (and rendered) days of one block: cached, or two queries and the builder.

    The renderer is part of the key: the API caches each day's JSON with the
    day, so a request joins ready-made fragments instead of encoding a month.
    """
    key = (site, revision, block[0], signature, render)
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        fetch = fetch_desk_facts if site.is_centre else fetch_bed_facts
        build = build_desk_days if site.is_centre else build_bed_days
        days = build(site, *block, *fetch(connection, site.id, *block), now)
        entry = (days, [render(day) for day in days] if render is not None else [])
        if cache is not None:
            cache.put(key, entry)
    return entry


def get_uncached_availability(session: Session, site: Site, first: date, last: date,
                              now: datetime) -> list[DeskDay] | list[BedDay]:
    """The same answer straight from the cells (what the cache must always equal)."""
    fetch = fetch_desk_facts if site.is_centre else fetch_bed_facts
    build = build_desk_days if site.is_centre else build_bed_days
    return build(site, first, last, *fetch(session, site.id, first, last), now)
