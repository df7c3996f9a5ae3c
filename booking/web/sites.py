"""Finding a place: the site list with filters and each site's page with its calendar."""
from __future__ import annotations

from datetime import date

from flask import abort, make_response, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import SiteKind, SiteStatus
from ..models.site import KERALA_DISTRICTS
from ..services.bookings.availability import (
    get_bed_availability,
    get_desk_availability,
    get_eligible_room_ids,
)
from ..services.bookings.member import get_held_at_site
from ..services.sites.districts import find_district
from ..services.sites.holidays import get_holiday_names
from ..services.sites.photos import get_photo_bytes, get_photos
from ..services.errors import InvalidPinCode, UnknownPinCode
from ..services.sites.finding import SiteFilters, get_sites
from ..services.sites.nearby import NearSite, get_free_today, get_sites_near
from . import bp
from .calendar import bed_calendar, bed_summary, calendar_range, desk_calendar, weeks
from .helpers import load_site


def _filters_from_query() -> SiteFilters:
    kind = request.args.get("kind", "")
    district = request.args.get("district", "").strip()[:60]
    return SiteFilters(
        kind=kind if kind in set(SiteKind) else None,
        # "Trivandrum" in a shared link finds Thiruvananthapuram; unknown text finds nothing.
        district=(find_district(district) or district) if district else None,
        open_only=request.args.get("open") == "1",
    )


def _near_pin() -> tuple[str, bool]:
    """The PIN to list places from: ?near=, else the member's home PIN (and whether it is theirs)."""
    typed = request.args.get("near", "").strip()[:20]
    if typed or "near" in request.args or not current_user.is_authenticated:
        return typed, False
    return current_user.home_pin or "", bool(current_user.home_pin)


def km_label(distance: float | None) -> str:
    """'12.3 km (straight line)', in the page's number format."""
    if distance is None:
        return _("distance not known")
    return _("%(km)s km (straight line)", km=format_decimal(round(distance, 1), format="0.0"))


@bp.get("/")
def home():
    session = get_session()
    filters = _filters_from_query()
    today = now_in_kerala().date()
    summaries = get_sites(session, filters, today)
    pin, from_home = _near_pin()
    places, free, near_error = [NearSite(s, None) for s in summaries], None, None
    if pin:
        try:
            places = get_sites_near([s for s in summaries if s.site.status == SiteStatus.OPEN],
                                    pin)
        except (InvalidPinCode, UnknownPinCode) as error:
            near_error = localize(error)
        else:
            free = get_free_today(session, today, [p.summary.site.id for p in places])
    body = render_template("sites/list.html", places=places, filters=filters, free=free,
                           near=pin, from_home=from_home, near_error=near_error,
                           km_label=km_label, districts=KERALA_DISTRICTS)
    return body, 400 if near_error else 200


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # an unreadable start simply shows the coming weeks


@bp.get("/sites/<slug>")
def site_page(slug: str):
    site = load_site(slug)
    now = now_in_kerala()
    first, last = calendar_range(now.date(), _parse_day(request.args.get("from")),
                                 site.advance_days)
    cells, summary = [], None
    if site.status == SiteStatus.OPEN:
        session = get_session()
        held = (get_held_at_site(session, current_user, site, first, last)
                if current_user.is_authenticated else frozenset())
        if site.is_centre:
            cells = desk_calendar(get_desk_availability(session, site, first, last, now), site, now,
                                  get_holiday_names(first, last), held)
        else:
            # A signed-in member sees the beds they may book; everyone sees the breakdown.
            eligible = (get_eligible_room_ids(current_user, site.rooms)
                        if current_user.is_authenticated else None)
            nights = get_bed_availability(session, site, first, last, now)
            cells = bed_calendar(nights, site, now, eligible, held)
            summary = bed_summary(nights, site, now, eligible)
    return render_template(
        "sites/show.html", site=site, weeks=weeks(cells), first=first, last=last, summary=summary,
        photos=get_photos(get_session(), site),
        today=now.date(), rooms=[r for r in site.rooms if r.is_active_on(now.date())],
        desk_count=sum(1 for d in site.desks if d.is_active_on(now.date())),
    )


@bp.get("/sites/<slug>/photos/<int:photo_id>/<any(thumb, large):size>.jpg")
def site_photo(slug: str, photo_id: int, size: str):
    site = load_site(slug)
    data = get_photo_bytes(get_session(), site.id, photo_id, size)
    if data is None:
        abort(404)
    response = make_response(data)
    response.mimetype = "image/jpeg"
    # A photo id's bytes never change (photos are replaced, not edited).
    response.set_etag(f"photo-{photo_id}-{size}")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)
