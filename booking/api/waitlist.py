"""Token-authenticated waitlist handlers: join, list, leave."""
from __future__ import annotations

from flask import url_for

from ..errors import problem
from ..extensions import get_session
from ..services.bookings.waitlist import (
    get_entry,
    get_member_entries,
    get_position,
    join_waitlist,
    leave_waitlist,
)
from ..services.errors import InvalidRequest, PlaceIsFree
from . import bp
from .auth import api_member, token_required
from .bookings import MAX_ID, booking_request
from .parsing import json_object
from .serialize import waitlist_entry_json
from .views import compact_json
from ..services.messages import _


@bp.post("/waitlist")
@token_required
def join_waitlist_api():
    session, member = get_session(), api_member()
    request_ = booking_request(session, json_object(), allow_place=False)
    try:
        entry = join_waitlist(session, member, request_)
    except PlaceIsFree as free:
        return problem(409, free.title, free.text,
                       hint=_("Book it instead: POST the same body to /api/v1/bookings."),
                       book_url=url_for("api.create_booking"))
    response = compact_json({"entry": waitlist_entry_json(entry, get_position(session, entry))})
    response.status_code = 201
    response.headers["Location"] = url_for("api.list_waitlist")
    return response


@bp.get("/waitlist")
@token_required
def list_waitlist():
    places = get_member_entries(get_session(), api_member())
    return compact_json({"entries": [waitlist_entry_json(p.entry, p.position) for p in places]})


@bp.delete("/waitlist/<int:entry_id>")
@token_required
def leave_waitlist_api(entry_id: int):
    if entry_id > MAX_ID:
        raise InvalidRequest(_("No waitlist entry has so large an id."))
    session, member = get_session(), api_member()
    leave_waitlist(session, member, get_entry(session, member, entry_id))
    return "", 204
