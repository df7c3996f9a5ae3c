"""Token-authenticated booking handlers: parse, load, authorise, delegate, serialise."""
from __future__ import annotations

import json

from flask import Response, current_app, request

from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import Booking, DayPart, User
from ..services.bookings import idempotency
from ..services.bookings.book import DeskRequest, StayRequest, book
from ..services.bookings.checkin import check_in_own_booking
from ..services.bookings.ending import end_booking_early
from ..services.bookings.stays import extend_stay, give_notice, monthly_request
from ..services.errors import InvalidRequest, NotFound
from ..services.bookings.member import cancel_booking, get_member_bookings
from ..services.sites.finding import find_site_by_slug
from . import bp
from .auth import api_member, token_required
from .parsing import check_body, json_object, parse_date
from .serialize import booking_json
from .views import compact_json
from ..services.messages import _

MAX_ID = 2**31 - 1  # the id column's range on PostgreSQL


@bp.post("/bookings")
@token_required
def create_booking():
    payload = json_object()
    key = request.headers.get("Idempotency-Key")
    fingerprint = idempotency.request_fingerprint("POST", request.path, payload)
    session, member = get_session(), api_member()

    def book_and_answer() -> idempotency.StoredAnswer:
        booking = book(session, member, booking_request(session, payload))
        body = {"booking": booking_json(booking)}
        return idempotency.StoredAnswer(201, json.dumps(body, separators=(",", ":")))

    answer, replayed = idempotency.once(session, member, key, fingerprint, book_and_answer)
    response = Response(answer.body, status=answer.status_code, mimetype="application/json")
    response.headers["Location"] = json.loads(answer.body)["booking"]["url"]
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def booking_request(session, payload: dict, *, allow_place: bool = True
                    ) -> DeskRequest | StayRequest:
    """The JSON body as a booking request, or a 4xx naming the field at fault.

    The site's kind says which request schema of the OpenAPI document applies,
    so the site is checked (and found) first, then the whole body. Waitlist
    bodies are the same without ``desk``/``bed`` (``allow_place`` False).
    """
    check_body(payload, "DeskRequest", fields=["site"])
    slug = payload["site"].strip()
    site = find_site_by_slug(session, slug)
    if site is None:
        raise NotFound(_("There is no site with the slug %(slug)s (see GET /api/v1/sites).",
                         slug=repr(slug)))
    if site.is_centre:
        _refuse_place(payload, "desk", allow_place)
        check_body(payload, "DeskRequest")
        day = parse_date(payload["date"], "date")
        return DeskRequest(site, day, DayPart(payload.get("part", "full")),
                           _label(payload.get("desk")))
    _refuse_place(payload, "bed", allow_place)
    if allow_place and "months" in payload:
        check_body(payload, "MonthlyRequest")
        return monthly_request(site, parse_date(payload["check_in"], "check_in"),
                               payload["months"], _label(payload.get("bed")))
    check_body(payload, "BedRequest")
    check_in = parse_date(payload["check_in"], "check_in")
    check_out = parse_date(payload["check_out"], "check_out")
    if check_out <= check_in:
        raise InvalidRequest(_("'check_out' must be after 'check_in' (check-out day is not a"
                               " night)."))
    return StayRequest(site, check_in, check_out, _label(payload.get("bed")))


def _refuse_place(payload: dict, field: str, allowed: bool) -> None:
    if not allowed and field in payload:
        raise InvalidRequest(_("Unknown field(s): %(field)s. A waitlist entry waits for any"
                               " %(field)s that fits; leave '%(field)s' out.",
                               field=field))


def _label(value: str | None) -> str | None:
    return value.strip() if value is not None else None


@bp.get("/bookings")
@token_required
def list_bookings():
    bookings = get_member_bookings(get_session(), api_member())
    return compact_json({"bookings": [booking_json(b) for b in bookings]})


def _own_booking(member: User, booking_id: int) -> Booking:
    """The token owner's booking; anyone else's (even a manager's site) is 404."""
    booking = get_session().get(Booking, booking_id) if booking_id <= MAX_ID else None
    if booking is None or booking.member_id != member.id:
        raise NotFound(_("You have no booking with id %(booking_id)s.", booking_id=booking_id))
    return booking


@bp.get("/bookings/<int:booking_id>")
@token_required
def get_booking(booking_id: int):
    return compact_json({"booking": booking_json(_own_booking(api_member(), booking_id))})


@bp.delete("/bookings/<int:booking_id>")
@token_required
def delete_booking(booking_id: int):
    member = api_member()
    booking = cancel_booking(get_session(), _own_booking(member, booking_id), member,
                             reason="Cancelled through the API")
    return compact_json({"booking": booking_json(booking)})


@bp.post("/bookings/<int:booking_id>/end")
@token_required
def end_booking(booking_id: int):
    """End a booking in progress now: the rest goes back, the part held stays on record."""
    member = api_member()
    booking = end_booking_early(get_session(), _own_booking(member, booking_id), member)
    return compact_json({"booking": booking_json(booking)})


@bp.post("/bookings/<int:booking_id>/check-in")
@token_required
def check_in_booking(booking_id: int):
    """Check in a desk booking with the code of the centre's QR (the last part of its URL)."""
    member = api_member()
    booking = _own_booking(member, booking_id)  # first: someone else's is 404 whatever the body
    payload = json_object()
    check_body(payload, "CheckInRequest")
    code = payload["code"].strip()
    booking = check_in_own_booking(get_session(), member, booking, code,
                                   current_app.config["SECRET_KEY"], now=now_in_kerala())
    return compact_json({"booking": booking_json(booking)})


@bp.post("/bookings/<int:booking_id>/extend")
@token_required
def extend_booking(booking_id: int):
    """Add months to a monthly stay; with `bed`, move there if the own bed is taken."""
    member = api_member()
    booking = _own_booking(member, booking_id)
    payload = json_object()
    check_body(payload, "ExtendRequest")
    booking = extend_stay(get_session(), booking, member, payload["months"],
                          move_to=_label(payload.get("bed")), now=now_in_kerala())
    return compact_json({"booking": booking_json(booking)})


@bp.post("/bookings/<int:booking_id>/notice")
@token_required
def give_notice_on_booking(booking_id: int):
    """Give notice on a monthly stay; the body (optional) may name the day of leaving."""
    member = api_member()
    booking = _own_booking(member, booking_id)
    payload = json_object() if request.get_data(cache=True).strip() else {}
    check_body(payload, "NoticeRequest")
    leaving_on = parse_date(payload["leaving_on"], "leaving_on") if "leaving_on" in payload \
        else None
    booking = give_notice(get_session(), booking, member, leaving_on=leaving_on,
                          now=now_in_kerala())
    return compact_json({"booking": booking_json(booking)})
