"""Places near a PIN code: sites ordered by straight-line distance, with today's free places.

Distances come from each site's stored coordinates and the PIN's centroid
(placed once per process, see ``pincodes.locate``): a few float operations per
site, no lookup per site.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from sqlalchemy.orm import Session

from .finding import SiteSummary
from .occupancy import get_occupancy
from .pincodes import distances_from, locate


@dataclass(frozen=True, slots=True)
class NearSite:
    summary: SiteSummary
    distance_km: float | None  # None: the site has no coordinates yet


def order_by_distance(summaries: list[SiteSummary],
                      origin: tuple[float, float]) -> list[NearSite]:
    """Nearest first; sites without coordinates after all the others, in their given order."""
    distance = distances_from(origin)
    placed, unplaced = [], []
    for summary in summaries:
        site = summary.site
        latitude, longitude = site.latitude, site.longitude
        if latitude is None or longitude is None:
            unplaced.append(NearSite(summary, None))
        else:
            placed.append(NearSite(summary, distance(latitude, longitude)))
    placed.sort(key=attrgetter("distance_km"))
    return placed + unplaced


def get_sites_near(summaries: list[SiteSummary], pin: str) -> list[NearSite]:
    """The sites ordered from a PIN code's centroid (InvalidPinCode, UnknownPinCode)."""
    return order_by_distance(summaries, locate(pin))


def get_free_today(session: Session, today: date, site_ids: list[int]) -> dict[int, dict[str, int]]:
    """Free desks per day part (morning, afternoon) or free beds tonight, per site."""
    if not site_ids:
        return {}
    uses = get_occupancy(session, today, today, site_ids)
    return {use.site_id: {part: max(day.capacity - day.taken[part], 0) for part in use.parts}
            for use in uses for day in use.days}
