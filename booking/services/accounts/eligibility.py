"""Hostel room eligibility: members ask, staff grant or refuse, every change audited.

``User.hostel_eligibility`` is what a member may book (``rules.is_eligible_for_room``)
and only staff change it: an administrator, or a manager of any hostel (eligibility
belongs to the person, not to one hostel). A pending request gives nothing. When
the granted value changes, the member's live stays from today on in rooms it no
longer allows are flagged as conflicts for staff to resolve, never cancelled.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...models import (
    Bed,
    Booking,
    BookingStatus,
    Eligibility,
    EligibilityRequest,
    RequestStatus,
    User,
    utcnow,
)
from ..admin import audit
from ..sites import capacity
from ..bookings import rules
from ..dates import format_day
from ..notices import bookings as notices
from ..errors import InvalidRequest, NotFound, NotPermitted
from .permissions import can_decide_eligibility, is_admin
from ..messages import Text, _

# A request's status as a sentence names it ("This request was already granted").
STATUS_WORDS = {"pending": _("pending"), "granted": _("granted"), "refused": _("refused"),
                "withdrawn": _("withdrawn")}

RECENT_DECISIONS = 20
LABELS = {Eligibility.WOMEN: _("women's rooms"), Eligibility.MEN: _("men's rooms"),
          None: _("rooms for anyone")}


def _label(value: str | None) -> Text:
    return LABELS[Eligibility(value) if value else None]


def _check_value(value: str | None, *, allow_none: bool) -> str | None:
    if value in (None, "") and allow_none:
        return None
    if value not in set(Eligibility):
        raise InvalidRequest(_("Choose women's rooms or men's rooms."))
    return value


# ---------------------------------------------------------------- the member's side

def get_pending_request(session: Session, member: User) -> EligibilityRequest | None:
    """The member's open request, if any."""
    return session.scalar(select(EligibilityRequest).where(
        EligibilityRequest.user_id == member.id,
        EligibilityRequest.status == RequestStatus.PENDING))


def get_latest_request(session: Session, member: User) -> EligibilityRequest | None:
    """The member's most recent request, whatever became of it."""
    return session.scalar(select(EligibilityRequest)
                          .where(EligibilityRequest.user_id == member.id)
                          .order_by(EligibilityRequest.requested_at.desc(),
                                    EligibilityRequest.id.desc()).limit(1))


def get_member_requests(session: Session, member: User) -> list[EligibilityRequest]:
    """All of a member's requests, oldest first (for their data export)."""
    return list(session.scalars(select(EligibilityRequest)
                                .where(EligibilityRequest.user_id == member.id)
                                .order_by(EligibilityRequest.requested_at,
                                          EligibilityRequest.id)))


def request_eligibility(session: Session, member: User, value: str) -> EligibilityRequest:
    """A member asks for women's or men's rooms; it replaces an open request for the other."""
    value = _check_value(value, allow_none=False)
    if member.hostel_eligibility == value:
        raise InvalidRequest(_("You can already book %(rooms)s.", rooms=_label(value)))
    pending = get_pending_request(session, member)
    if pending is not None and pending.requested == value:
        return pending
    if pending is not None:
        _close(session, pending, RequestStatus.WITHDRAWN, member)
    request = EligibilityRequest(user_id=member.id, requested=value,
                                 status=RequestStatus.PENDING, requested_at=utcnow(), note="")
    session.add(request)
    session.flush()
    audit.record(session, member, "eligibility.request", target=f"user:{member.id}",
                 before={"pending": pending.requested if pending else None},
                 after={"pending": value, "request": request.id})
    return request


def withdraw_request(session: Session, member: User) -> EligibilityRequest:
    """A member takes back their open request."""
    pending = get_pending_request(session, member)
    if pending is None:
        raise InvalidRequest(_("You have no open request to withdraw."))
    _close(session, pending, RequestStatus.WITHDRAWN, member)
    audit.record(session, member, "eligibility.withdraw", target=f"user:{member.id}",
                 before={"pending": pending.requested, "request": pending.id},
                 after={"pending": None})
    return pending


def _close(session: Session, request: EligibilityRequest, status: str, actor: User,
           note: str = "") -> None:
    request.status = status
    request.decided_at = utcnow()
    request.decided_by_id = actor.id
    request.note = note[:200]
    session.flush()


# ---------------------------------------------------------------- staff

@dataclass(frozen=True)
class Decision:
    """What a grant, refusal or direct change did."""

    member: User
    before: str | None
    after: str | None
    flagged: list[Booking]


def get_request_for_staff(session: Session, actor: User, request_id: int) -> EligibilityRequest:
    if not can_decide_eligibility(actor):
        raise NotPermitted(_("Only administrators and hostel managers decide room eligibility."))
    request = session.get(EligibilityRequest, request_id)
    if request is None or request.member.is_deleted:
        raise NotFound(_("That request does not exist."))
    return request


def get_pending_requests(session: Session, actor: User) -> list[EligibilityRequest]:
    """Every member's open request, oldest first (the order staff should answer them)."""
    if not can_decide_eligibility(actor):
        raise NotPermitted(_("Only administrators and hostel managers decide room eligibility."))
    return list(session.scalars(
        select(EligibilityRequest).options(joinedload(EligibilityRequest.member))
        .where(EligibilityRequest.status == RequestStatus.PENDING)
        .order_by(EligibilityRequest.requested_at, EligibilityRequest.id)))


def get_recent_decisions(session: Session, actor: User) -> list[EligibilityRequest]:
    """The latest granted and refused requests, newest first."""
    if not can_decide_eligibility(actor):
        raise NotPermitted(_("Only administrators and hostel managers decide room eligibility."))
    return list(session.scalars(
        select(EligibilityRequest)
        .options(joinedload(EligibilityRequest.member), joinedload(EligibilityRequest.decided_by))
        .where(EligibilityRequest.status.in_([RequestStatus.GRANTED, RequestStatus.REFUSED]))
        .order_by(EligibilityRequest.decided_at.desc(), EligibilityRequest.id.desc())
        .limit(RECENT_DECISIONS)))


def _pending_or_refuse(actor: User, request: EligibilityRequest) -> None:
    if not can_decide_eligibility(actor):
        raise NotPermitted(_("Only administrators and hostel managers decide room eligibility."))
    if not request.is_pending:
        raise InvalidRequest(_("This request was already %(status)s.",
                               status=STATUS_WORDS.get(request.status, request.status)))
    if request.user_id == actor.id:
        raise NotPermitted(_("Someone else must decide your own request."))


def grant_request(session: Session, actor: User, request: EligibilityRequest,
                  today: date, note: str = "") -> Decision:
    """Grant a pending request: the member may book those rooms from now on."""
    _pending_or_refuse(actor, request)
    _close(session, request, RequestStatus.GRANTED, actor, note)
    return _change(session, actor, request.member, request.requested, today,
                   action="eligibility.grant", extra={"request": request.id, "note": note})


def refuse_request(session: Session, actor: User, request: EligibilityRequest,
                   note: str) -> EligibilityRequest:
    """Refuse a pending request, telling the member why; what they may book is unchanged."""
    _pending_or_refuse(actor, request)
    if not note.strip():
        raise InvalidRequest(_("Say why, so the member knows what to do next."))
    _close(session, request, RequestStatus.REFUSED, actor, note.strip())
    audit.record(session, actor, "eligibility.refuse", target=f"user:{request.user_id}",
                 before={"pending": request.requested, "request": request.id},
                 after={"pending": None, "note": request.note,
                        "hostel_eligibility": request.member.hostel_eligibility})
    return request


def set_eligibility(session: Session, actor: User, member: User, value: str | None,
                    today: date) -> Decision:
    """An administrator sets or clears what a member may book (the user page)."""
    if not is_admin(actor):
        raise NotPermitted(_("Only administrators change eligibility directly."))
    if member.id == actor.id:
        raise NotPermitted(_("Another administrator must change your own eligibility."))
    value = _check_value(value, allow_none=True)
    pending = get_pending_request(session, member)
    extra: dict = {}
    if pending is not None and pending.requested == value:
        _close(session, pending, RequestStatus.GRANTED, actor)  # this answers the request
        extra["request"] = pending.id
    return _change(session, actor, member, value, today, action="eligibility.set", extra=extra)


def _change(session: Session, actor: User, member: User, value: str | None, today: date, *,
            action: str, extra: dict) -> Decision:
    before = member.hostel_eligibility
    member.hostel_eligibility = value
    session.flush()
    flagged = _flag_stays_not_allowed(session, actor, member, today) if before != value else []
    audit.record(session, actor, action, target=f"user:{member.id}",
                 before={"hostel_eligibility": before},
                 after={"hostel_eligibility": value, "flagged": [b.id for b in flagged]} | extra)
    return Decision(member, before, value, flagged)


def _flag_stays_not_allowed(session: Session, actor: User, member: User,
                            today: date) -> list[Booking]:
    """Flag the member's live stays with nights from today on in rooms now not allowed."""
    stays = session.scalars(
        select(Booking).join(Bed, Bed.id == Booking.bed_id)
        .options(joinedload(Booking.bed).joinedload(Bed.room), joinedload(Booking.site))
        .where(Booking.member_id == member.id, Booking.status == BookingStatus.LIVE,
               Booking.ends_on > today)
        .order_by(Booking.starts_on, Booking.id)).all()
    flagged = []
    for stay in stays:
        room = stay.bed.room
        if rules.is_eligible_for_room(member, room):
            continue
        capacity._flag_conflict(
            session, stay, actor,
            f"Room {room.name} is for {room.designation}; the member's room eligibility"
            f" changed to {_label(member.hostel_eligibility)} on {format_day(today)}.")
        notices.booking_in_conflict(session, stay)
        flagged.append(stay)
    return flagged

