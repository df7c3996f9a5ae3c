"""JSON shapes of the API (documented in openapi.py; tests hold them to it)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import object_session

from ..localize import localize
from ..models import Booking, Site, WaitlistEntry
from ..services.bookings.availability import BedDay, DeskDay
from ..services.bookings.dues import dues_for


def site_json(site: Site, capacity: int) -> dict:
    return {
        "slug": site.slug,
        "name": site.name,
        "kind": site.kind,
        "district": site.district,
        "town": site.town,
        "pin_code": site.pin_code,
        "status": site.status,
        "capacity": capacity,
        "host_institution": site.host_institution,
        "it_park": site.it_park,
        "opening_days": site.opening_days if site.is_centre else "0123456",
        "advance_days": site.advance_days,
        "max_stay_nights": site.max_stay_nights if site.is_hostel else None,
        "stay_kinds": site.stay_kinds.split(",") if site.is_hostel else [],
        "monthly": {"min_months": site.min_months, "longest_stay_months": site.longest_stay_months,
                    "notice_days": site.notice_days} if site.offers_monthly else None,
        "availability_url": url_for("api.availability", site=site.slug),
    }


def _count_json(count) -> dict:
    return {"free": count.free, "total": count.total}


def desk_day_json(day: DeskDay) -> dict:
    return {
        "date": day.day.isoformat(),
        "open": day.is_open,
        "closed_reason": localize(day.closed_reason),
        "morning": _count_json(day.morning),
        "afternoon": _count_json(day.afternoon),
    }


def bed_day_json(day: BedDay) -> dict:
    return {
        "date": day.day.isoformat(),
        "open": day.is_open,
        "closed_reason": localize(day.closed_reason),
        "beds": _count_json(day.beds),
        "rooms": [
            {"room_type": g.room_type, "designation": g.designation,
             "free": g.free, "total": g.total}
            for g in day.groups
        ],
    }


def booking_json(booking: Booking) -> dict:
    body = {
        "id": booking.id,
        "site": booking.site.slug,
        "site_name": booking.site.name,
        "status": booking.status,
        "created_at": booking.created_at.isoformat(),
        "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
        "conflict": booking.conflict,
        "ended_early_at": booking.ended_early_at.isoformat() if booking.ended_early_at else None,
        "checked_in_at": booking.checked_in_at.isoformat() if booking.checked_in_at else None,
        "url": url_for("api.get_booking", booking_id=booking.id),
        "source": booking.source,
    }
    if booking.desk_id is not None:
        body.update(kind="desk", desk=booking.desk.label, date=booking.starts_on.isoformat(),
                    part=booking.part)
        if booking.ended_early_at:
            body["original_part"] = booking.original_part
    else:
        body.update(kind="monthly" if booking.is_monthly else "bed", bed=booking.bed.label,
                    check_in=booking.starts_on.isoformat(),
                    check_out=booking.ends_on.isoformat(), nights=booking.nights)
        if booking.is_monthly:
            notice = booking.notice_given_on
            body.update(months=booking.months,
                        notice_given_on=notice.isoformat() if notice else None,
                        dues=[_due_json(d) for d in dues_for(object_session(booking), booking)])
        if booking.original_ends_on:
            body["original_check_out"] = booking.original_ends_on.isoformat()
    return body


def _due_json(due: dict) -> dict:
    return {"due_on": due["due_on"].isoformat(), "amount_paise": due["amount_paise"],
            "paid_paise": due["paid_paise"], "what": due["what"]}


def waitlist_entry_json(entry: WaitlistEntry, position: int) -> dict:
    body = {
        "id": entry.id,
        "site": entry.site.slug,
        "site_name": entry.site.name,
        "kind": entry.kind,
        "status": entry.status,
        "position": position,
        "created_at": entry.created_at.isoformat(),
        "url": url_for("api.leave_waitlist_api", entry_id=entry.id),
    }
    if entry.is_desk:
        body.update(date=entry.starts_on.isoformat(), part=entry.part)
    else:
        body.update(check_in=entry.starts_on.isoformat(), check_out=entry.ends_on.isoformat(),
                    nights=entry.nights)
    return body
