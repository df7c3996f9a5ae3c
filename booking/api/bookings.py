"""Token-authenticated booking handlers: parse, load, authorise, delegate, serialise."""
from __future__ import annotations

import json

from flask import Response, request

from ..extensions import get_session
from ..models import Booking, DayPart
from ..services import idempotency
from ..services.bookings import (
    cancel_booking,
    get_member_bookings,
    prepare_bed,
    prepare_desk,
)
from ..services.ending import end_booking_early
from ..services.errors import BookingError, InvalidRequest, NotFound
from ..services.holds import Hold, place
from ..services.sites import find_site_by_slug
from . import bp
from .auth import (
    api_member,
    api_reader,
    api_reader_member,
    start_api_write,
    token_required,
)
from .parsing import json_object, parse_date, reject_unknown, take_string
from .serialize import booking_json
from .views import compact_json
from .write_queue import leave_write_queue

DESK_FIELDS = {"site", "date", "part", "desk"}
BED_FIELDS = {"site", "check_in", "check_out", "bed"}
MAX_ID = 2**31 - 1  # the id column's range on PostgreSQL


@bp.post("/bookings")
@token_required
def create_booking():
    payload = json_object()
    key, fingerprint = request.headers.get("Idempotency-Key"), None
    if key is not None:
        idempotency.check_key(key)
        fingerprint = idempotency.request_fingerprint("POST", request.path, payload)
    # Decide on a read, before queueing for the write (SQLite's one write
    # lock): a refusal never takes it, and the writer only checks and inserts.
    reader, member = api_reader(), api_reader_member()
    earlier = key and idempotency.find_answer(reader.connection(), member, key, fingerprint)
    if not earlier:
        try:
            hold = _decide(reader, member, payload)
        except BookingError:
            # A twin of this request may have booked it a moment ago.
            if key is None or not (earlier := idempotency.find_answer(
                    reader.connection(), member, key, fingerprint)):
                raise
    if earlier:
        return _replay(earlier)
    session = start_api_write()
    if key is not None and (earlier := idempotency.claim(session, member, key, fingerprint)):
        return _replay(earlier)
    booking = place(session, hold)
    body = {"booking": booking_json(booking)}
    if key is not None:
        idempotency.record_answer(session, member, key, 201,
                                  json.dumps(body, separators=(",", ":")))
    commit_write(session)
    response = compact_json(body, 201)
    response.headers["Location"] = body["booking"]["url"]
    return response


def _replay(earlier: idempotency.StoredAnswer) -> Response:
    response = Response(earlier.body, status=earlier.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def commit_write(session) -> None:
    """Commit here, at the edge, and let the next writer in at once.

    The app's after-request hook would commit too (it finds nothing left to
    do), but only after the other response hooks; on SQLite every one of them
    would run under the database's single write lock.
    """
    session.commit()
    leave_write_queue()


def _decide(session, member, payload: dict) -> Hold:
    slug = take_string(payload, "site", max_length=60)
    site = find_site_by_slug(session, slug)
    if site is None:
        raise NotFound(f"There is no site with the slug {slug!r} (see GET /api/v1/sites).")
    if site.is_centre:
        reject_unknown(payload, DESK_FIELDS)
        day = parse_date(payload.get("date"), "date")
        part = payload.get("part", "full")
        if part not in {p.value for p in DayPart}:
            raise InvalidRequest("'part' must be one of morning, afternoon, full.")
        desk = take_string(payload, "desk", required=False, max_length=40)
        return prepare_desk(session, member, site, day, DayPart(part), desk)
    reject_unknown(payload, BED_FIELDS)
    check_in = parse_date(payload.get("check_in"), "check_in")
    check_out = parse_date(payload.get("check_out"), "check_out")
    if check_out <= check_in:
        raise InvalidRequest("'check_out' must be after 'check_in' (check-out day is not a night).")
    bed = take_string(payload, "bed", required=False, max_length=40)
    return prepare_bed(session, member, site, check_in, check_out, bed)


@bp.get("/bookings")
@token_required
def list_bookings():
    bookings = get_member_bookings(get_session(), api_member())
    return compact_json({"bookings": [booking_json(b) for b in bookings]})


def _own_booking(booking_id: int) -> Booking:
    """The token owner's booking; anyone else's (even a manager's site) is 404."""
    member = api_member()
    booking = get_session().get(Booking, booking_id) if booking_id <= MAX_ID else None
    if booking is None or booking.member_id != member.id:
        raise NotFound(f"You have no booking with id {booking_id}.")
    return booking


@bp.get("/bookings/<int:booking_id>")
@token_required
def get_booking(booking_id: int):
    return compact_json({"booking": booking_json(_own_booking(booking_id))})


@bp.delete("/bookings/<int:booking_id>")
@token_required
def delete_booking(booking_id: int):
    session = get_session()
    booking = cancel_booking(session, _own_booking(booking_id), api_member(),
                             reason="Cancelled through the API")
    body = {"booking": booking_json(booking)}
    commit_write(session)
    return compact_json(body)


@bp.post("/bookings/<int:booking_id>/end")
@token_required
def end_booking(booking_id: int):
    """End a booking in progress now: the rest goes back, the part held stays on record."""
    session = get_session()
    booking = end_booking_early(session, _own_booking(booking_id), api_member())
    body = {"booking": booking_json(booking)}
    commit_write(session)
    return compact_json(body)
