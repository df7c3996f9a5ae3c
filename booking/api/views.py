"""Public API handlers: ping, sites, availability, the OpenAPI document."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from flask import Response, current_app, jsonify, request

from ..clock import now_in_kerala
from ..extensions import get_session
from ..services.bookings.availability import BedDay
from ..services.errors import InvalidRequest
from ..services.sites.catalogue import AvailabilityCache, get_site_availability
from ..services.sites.finding import SiteFilters, get_sites
from ..services.sites.nearby import get_sites_near
from . import bp
from .openapi import openapi_document
from .parsing import parse_date
from .serialize import bed_day_json, desk_day_json, site_json
from ..services.messages import _

DEFAULT_DAYS = 14
MAX_SITES_LIMIT = 500
# Clients may reuse an answer briefly, then revalidate with If-None-Match.
AVAILABILITY_CACHE_CONTROL = "public, max-age=10, must-revalidate"


@bp.record_once
def _make_cache(state) -> None:
    size = state.app.config.get("AVAILABILITY_CACHE_SIZE", 2048)
    state.app.extensions["availability_cache"] = AvailabilityCache(size) if size else None


def compact_json(body: object, status: int = 200) -> Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return Response(text, status=status, mimetype="application/json")


def _day_fragment(day) -> str:
    """One day as JSON text, cached with the day (see get_site_availability)."""
    to_json = bed_day_json if isinstance(day, BedDay) else desk_day_json
    return json.dumps(to_json(day), separators=(",", ":"), ensure_ascii=False)


@bp.get("/ping")
def ping():
    """A tiny answer that touches no database: the framework's ceiling."""
    return jsonify(ok=True)


def _parse_limit() -> int | None:
    text = request.args.get("limit")
    if text is None:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_SITES_LIMIT:
        raise InvalidRequest(f"'limit' must be a whole number from 1 to {MAX_SITES_LIMIT}.")
    return int(text)


@bp.get("/sites")
def sites():
    limit = _parse_limit()
    summaries = get_sites(get_session(), SiteFilters(), now_in_kerala().date())
    if "near" not in request.args:
        return compact_json({"sites": [site_json(s.site, s.capacity)
                                       for s in summaries[:limit]]})
    near = get_sites_near(summaries, request.args["near"])[:limit]
    return compact_json({"sites": [
        site_json(n.summary.site, n.summary.capacity)
        | {"distance_km": None if n.distance_km is None else round(n.distance_km, 1)}
        for n in near]})


@bp.get("/availability")
def availability():
    slug = request.args.get("site", "").strip()
    if not slug:
        raise InvalidRequest(_("'site' is required: ?site=SLUG (see GET /api/v1/sites)."))
    now = now_in_kerala()
    first = parse_date(request.args["from"], "from") if "from" in request.args else now.date()
    if "to" in request.args:
        last = parse_date(request.args["to"], "to")
    else:
        try:
            last = first + timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:
            raise InvalidRequest(_("'from' is too far in the future.")) from None
    result = get_site_availability(get_session(), slug, first, last, now,
                                   current_app.extensions["availability_cache"],
                                   render=_day_fragment)
    site = result.site
    head = json.dumps({"site": site.slug, "kind": site.kind, "status": site.status,
                       "from": first.isoformat(), "to": last.isoformat()},
                      separators=(",", ":"), ensure_ascii=False)
    body = f'{head[:-1]},"days":[{",".join(result.rendered)}]}}'.encode()
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = AVAILABILITY_CACHE_CONTROL
    return response


@bp.get("/openapi.json")
def openapi():
    return compact_json(openapi_document())
