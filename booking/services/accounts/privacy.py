"""A member's data: download it all, or delete the account.

Deleting keeps the member's bookings as anonymised records (no member, no
creator) so each site's capacity history stays true; bookings that have not
started yet are cancelled so their desks and beds go back on offer.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from ...db import checkpoint_after_commit
from ...models import (
    ApiToken,
    BedNight,
    Booking,
    BookingEvent,
    BookingStatus,
    CalendarFeed,
    DeskCell,
    EligibilityRequest,
    IdempotencyRecord,
    NoticeOptOut,
    OutboxMessage,
    Role,
    SignInSession,
    Site,
    User,
    WaitlistEntry,
    utcnow,
)
from ...clock import now_in_kerala
from ..bookings.register import (
    check_no_current_entry, entry_record, erase_member_entries, member_entries,
)
from ..bookings.waitlist import fill_waitlist
from .eligibility import get_member_requests
from .policies import acceptance_history
from .roles import LAST_ADMIN_DELETE, ensure_an_administrator_remains
from ..errors import InvalidRequest
from ..messages import _

DELETED_NAME = "Deleted member"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_member_data(session: Session, member: User) -> dict[str, Any]:
    """Everything the service holds about a member, as JSON-ready data."""
    bookings = session.scalars(
        select(Booking)
        .options(joinedload(Booking.site), joinedload(Booking.desk), joinedload(Booking.bed))
        .where(Booking.member_id == member.id)
        .order_by(Booking.starts_on, Booking.id)
    ).unique()
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == member.id))
    requests = get_member_requests(session, member)
    return {
        "account": {
            "name": member.name,
            "email": member.email,
            "phone": member.phone,
            "home_pin": member.home_pin,
            "role": member.role,
            "hostel_eligibility": member.hostel_eligibility,
            "created_at": _iso(member.created_at),
        },
        "eligibility_requests": [
            {"requested": r.requested, "status": r.status, "requested_at": _iso(r.requested_at),
             "decided_at": _iso(r.decided_at), "note": r.note}
            for r in requests
        ],
        "bookings": [_booking_record(b) for b in bookings],
        # What hostels keep about the member (the resident register); erased ones say when.
        "register_entries": [entry_record(e) for e in member_entries(session, member)],
        "policy_acceptances": [
            {"document": a.document, "version": a.version, "accepted_at": _iso(a.accepted_at)}
            for a in acceptance_history(session, member)
        ],
        "waitlist": [
            {"site": e.site.slug, "kind": e.kind, "starts_on": _iso(e.starts_on),
             "ends_on": _iso(e.ends_on), "part": e.part, "status": e.status,
             "created_at": _iso(e.created_at), "booking_id": e.booking_id}
            for e in session.scalars(select(WaitlistEntry).options(
                joinedload(WaitlistEntry.site)).where(WaitlistEntry.member_id == member.id)
                .order_by(WaitlistEntry.id))
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _iso(t.created_at),
             "last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in tokens
        ],
    }


def _booking_record(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "site": booking.site.name,
        "site_slug": booking.site.slug,
        "kind": "desk" if booking.is_desk else "bed",
        "resource": booking.resource_label,
        "starts_on": _iso(booking.starts_on),
        "ends_on": _iso(booking.ends_on),
        "part": booking.part,
        "status": booking.status,
        "created_at": _iso(booking.created_at),
        "cancelled_at": _iso(booking.cancelled_at),
        "cancel_reason": booking.cancel_reason,
    }


def delete_account(session: Session, member: User, today: date) -> int:
    """Cancel the member's bookings not yet started, anonymise the rest and the account.

    Returns how many bookings were cancelled. Register entries are erased with the
    account; while a stay is current the hostel must keep its entry, so deleting is
    refused until the resident departs.
    """
    if member.is_deleted:
        raise InvalidRequest(_("This account is already deleted."))
    if member.role == Role.ADMIN:
        ensure_an_administrator_remains(session, member, LAST_ADMIN_DELETE)
    check_no_current_entry(session, member, today)
    upcoming = list(session.scalars(select(Booking).where(
        Booking.member_id == member.id,
        Booking.status == BookingStatus.LIVE,
        Booking.starts_on >= today,
    )))
    freed = [(b.site_id, b.starts_on, b.last_day_on) for b in upcoming]
    for booking in upcoming:
        _cancel_for_deletion(session, booking)
    erase_member_entries(session, member, today)
    _detach_member(session, member.id)
    member.email = None
    member.name = DELETED_NAME
    member.phone = None
    member.home_pin = None  # where they live: personal data, erased with the rest
    member.password_hash = None
    member.hostel_eligibility = None
    member.deleted_at = utcnow()
    member.managed_sites.clear()
    session.flush()
    # The places given back go to those waiting for them, in this transaction.
    now = now_in_kerala()
    for site_id, first, last in freed:
        fill_waitlist(session, session.get(Site, site_id), first, last, now=now)
    checkpoint_after_commit(session)  # no old copy of the erased rows left in SQLite's WAL
    return len(upcoming)


def _cancel_for_deletion(session: Session, booking: Booking) -> None:
    session.execute(delete(DeskCell).where(DeskCell.booking_id == booking.id))
    session.execute(delete(BedNight).where(BedNight.booking_id == booking.id))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    booking.cancel_reason = "The member deleted their account"
    session.add(BookingEvent(booking_id=booking.id, actor_id=None, kind="cancelled",
                             detail=booking.cancel_reason))


def _detach_member(session: Session, member_id: int) -> None:
    """Remove every pointer from kept records to the person."""
    session.flush()
    for column in (Booking.member_id, Booking.created_by_id, Booking.cancelled_by_id):
        session.execute(
            update(Booking).where(column == member_id).values({column.key: None}),
            execution_options={"synchronize_session": False},
        )
    for model in (DeskCell, BedNight):
        session.execute(update(model).where(model.member_id == member_id).values(member_id=None))
    session.execute(
        update(BookingEvent).where(BookingEvent.actor_id == member_id).values(actor_id=None)
    )
    session.execute(delete(ApiToken).where(ApiToken.user_id == member_id))
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == member_id))
    session.execute(delete(EligibilityRequest).where(EligibilityRequest.user_id == member_id))
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == member_id))
    session.execute(delete(SignInSession).where(SignInSession.user_id == member_id))
    # Where they waited says where they wanted to be: not kept.
    session.execute(delete(WaitlistEntry).where(WaitlistEntry.member_id == member_id))
    # Mail to the person, sent or not, holds their address and what they booked.
    session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == member_id))
    session.execute(delete(NoticeOptOut).where(NoticeOptOut.user_id == member_id))
    session.expire_all()
