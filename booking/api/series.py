"""Weekly desk bookings over the API: parse, load, authorise, delegate, serialise."""
from __future__ import annotations

from flask import Response, url_for

from ..errors import problem
from ..extensions import get_session
from ..models import BookingSeries, DayPart
from ..services.bookings.series import (
    WEEKDAY_CODES,
    SeriesRefused,
    book_series,
    cancel_series_rest,
    get_member_series,
    get_occurrences,
    weekdays_from_codes,
)
from ..services.errors import NotFound
from ..services.sites.finding import find_site_by_slug
from . import bp
from .auth import api_member, token_required
from .parsing import check_body, json_object, parse_date
from .serialize import booking_json
from .views import compact_json
from ..services.messages import _
from ..localize import localize

@bp.post("/booking-series")
@token_required
def create_booking_series():
    payload = json_object()
    # Types, the weekday names and unknown fields: the OpenAPI document's own schema.
    check_body(payload, "SeriesRequest")
    session, member = get_session(), api_member()
    slug = payload["site"].strip()
    part = payload.get("part", "full")
    weekdays = weekdays_from_codes(payload["weekdays"])
    first = parse_date(payload["from"], "from")
    until = parse_date(payload["until"], "until")
    all_or_nothing = payload.get("all_or_nothing", False)
    site = find_site_by_slug(session, slug)
    if site is None:
        raise NotFound(_("There is no site with the slug %(slug)s (see GET /api/v1/sites).",
                         slug=repr(slug)))
    try:
        result = book_series(session, member, site, DayPart(part), weekdays, first, until,
                             all_or_nothing=all_or_nothing)
    except SeriesRefused as error:
        # The request's transaction is rolled back (status >= 400): nothing is kept.
        return problem(error.http_status, error.title, error.text,
                       refused=[r.as_dict(localize) for r in error.refused])
    body = series_json(result.series, result.booked,
                       [r.as_dict(localize) for r in result.refused])
    response = compact_json({"series": body}, status=201)
    response.headers["Location"] = body["url"]
    return response


def series_json(series: BookingSeries, bookings, refused: list[dict]) -> dict:
    return {
        "id": series.id,
        "site": series.site.slug,
        "part": series.part,
        "weekdays": [WEEKDAY_CODES[d] for d in series.weekday_numbers],
        "from": series.starts_on.isoformat(),
        "until": series.ends_on.isoformat(),
        "all_or_nothing": series.all_or_nothing,
        "created_at": series.created_at.isoformat(),
        "cancelled_at": series.cancelled_at.isoformat() if series.cancelled_at else None,
        "bookings": [booking_json(b) for b in bookings],
        "refused": refused,
        "url": url_for("api.get_booking_series", series_id=series.id),
    }


@bp.get("/booking-series/<int:series_id>")
@token_required
def get_booking_series(series_id: int):
    session = get_session()
    series = get_member_series(session, api_member(), series_id)
    body = series_json(series, get_occurrences(session, series), series.refused)
    return compact_json({"series": body})


@bp.delete("/booking-series/<int:series_id>")
@token_required
def delete_booking_series(series_id: int):
    session, member = get_session(), api_member()
    series = get_member_series(session, member, series_id)
    cancel_series_rest(session, member, series)
    return Response(status=204)
