"""Finding a place: the site list with filters and a site by its slug."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from ..direct import Direct, as_loaded, connection_of
from ..models import Bed, Desk, Site, SiteKind, SiteStatus
from .errors import NotFound


@dataclass(frozen=True)
class SiteFilters:
    kind: str | None = None  # centre | hostel | None for both
    district: str | None = None
    open_only: bool = False


@dataclass(frozen=True)
class SiteSummary:
    site: Site
    capacity: int  # desks or beds in service today


def get_sites(session: Session, filters: SiteFilters, today: date) -> list[SiteSummary]:
    """Sites matching the filters, open ones first, each with its capacity today."""
    query = select(Site)
    if filters.kind in set(SiteKind):
        query = query.where(Site.kind == filters.kind)
    if filters.district:
        query = query.where(Site.district == filters.district)
    if filters.open_only:
        query = query.where(Site.status == SiteStatus.OPEN)
    status_order = case(
        (Site.status == SiteStatus.OPEN, 0), (Site.status == SiteStatus.PLANNED, 1), else_=2
    )
    sites = session.scalars(query.order_by(status_order, Site.kind, Site.name)).all()
    capacity = _capacity_today(session, [s.id for s in sites], today)
    return [SiteSummary(site, capacity.get(site.id, 0)) for site in sites]


def _capacity_today(session: Session, site_ids: list[int], today: date) -> dict[int, int]:
    if not site_ids:
        return {}
    counts: dict[int, int] = {}
    for model in (Desk, Bed):
        rows = session.execute(
            select(model.site_id, func.count())
            .where(model.site_id.in_(site_ids),
                   or_(model.retired_on.is_(None), model.retired_on > today))
            .group_by(model.site_id)
        )
        for site_id, n in rows:
            counts[site_id] = counts.get(site_id, 0) + n
    return counts


# The API's booking path looks a site up on every request: on the driver's
# cursor (see direct.py).
_SITE_BY_SLUG = Direct(select(*Site.__table__.c).where(Site.slug == bindparam("slug")))


def find_site_by_slug(session: Session, slug: str) -> Site | None:
    """The site, loaded in ``session`` (changes not yet flushed are not looked at)."""
    row = _SITE_BY_SLUG.first(connection_of(session), slug=slug)
    return None if row is None else as_loaded(session, Site, row)


def get_site_by_slug(session: Session, slug: str) -> Site:
    site = find_site_by_slug(session, slug)
    if site is None:
        raise NotFound("No such site.")
    return site

