"""Finding a place: the site list with filters and a site by its slug."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ...models import Bed, Desk, Site, SiteKind, SiteStatus
from ..errors import NotFound
from ..messages import _


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
    capacity = get_capacity_today(session, today, [s.id for s in sites])
    return [SiteSummary(site, capacity.get(site.id, 0)) for site in sites]


def get_sites_by_name(session: Session, site_ids: list[int] | None = None) -> list[Site]:
    """Sites in name order: all of them, or those with these ids (a manager's own)."""
    query = select(Site).order_by(Site.name)
    if site_ids is not None:
        query = query.where(Site.id.in_(site_ids))
    return list(session.scalars(query))


def get_capacity_today(session: Session, today: date,
                       site_ids: list[int] | None = None) -> dict[int, int]:
    """Desks or beds in service today, per site: one grouped query per kind."""
    counts: dict[int, int] = {}
    for model in (Desk, Bed):
        query = (select(model.site_id, func.count())
                 .where(or_(model.retired_on.is_(None), model.retired_on > today))
                 .group_by(model.site_id))
        if site_ids is not None:
            query = query.where(model.site_id.in_(site_ids))
        for site_id, n in session.execute(query):
            counts[site_id] = counts.get(site_id, 0) + n
    return counts


def find_site_by_slug(session: Session, slug: str) -> Site | None:
    return session.scalar(select(Site).where(Site.slug == slug))


def get_site_by_slug(session: Session, slug: str) -> Site:
    site = find_site_by_slug(session, slug)
    if site is None:
        raise NotFound(_("No such site."))
    return site
