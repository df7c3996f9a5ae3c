"""Staff over the API: move a resident to another bed mid-stay (the warden's page's move).

The token's owner must run the stay's hostel (a manager of it, or an admin);
anyone else gets 404. Every refusal of the move is 422 problem+json naming
the field it is about (`bed`, `first_night`), as the page shows it by the field.
"""
from __future__ import annotations

from sqlalchemy import select

from ..clock import now_in_kerala
from ..extensions import get_session
from ..models import Bed, Booking
from ..services.accounts.permissions import can_manage_site
from ..services.bookings.warden import move_resident
from ..services.messages import Text, _
from ..services.errors import BookingError, NotFound, RuleViolation
from . import bp
from .auth import api_member, token_required
from .bookings import MAX_ID
from .parsing import check_body, json_object, parse_date
from .serialize import booking_json
from .views import compact_json


@bp.post("/stays/<int:booking_id>/move")
@token_required
def move_stay(booking_id: int):
    staff = api_member()
    session = get_session()
    booking = session.get(Booking, booking_id) if booking_id <= MAX_ID else None
    if booking is None or booking.bed_id is None or not can_manage_site(staff, booking.site):
        raise NotFound(f"No stay with id {booking_id} at a hostel you run.")
    payload = json_object()
    check_body(payload, "MoveRequest")
    first_night = parse_date(payload["first_night"], "first_night")
    label = payload["bed"].strip()
    target = session.scalar(select(Bed).where(Bed.site_id == booking.site_id,
                                              Bed.label == label))
    if target is None:
        raise _unprocessable(_("There is no bed %(bed)s at %(site)s.", bed=label,
                               site=booking.site.name), "bed")
    try:
        move_resident(session, staff, booking, target, first_night,
                      reason=payload.get("reason") or "", now=now_in_kerala())
    except NotFound:
        raise
    except BookingError as error:
        raise _unprocessable(error.text, getattr(error, "field", None)) from None
    return compact_json({"booking": booking_json(booking)})


def _unprocessable(message: Text, field: str | None) -> RuleViolation:
    error = RuleViolation(message)
    error.problem_extras = {"field": field} if field else {}
    return error
