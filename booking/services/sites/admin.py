"""Admin and site-manager operations on sites and their capacity, each audited.

Thin wrappers over ``capacity`` and ``site_import``: they check what only an
admin page can get wrong (dates in the past, impossible hours), make the
change, and write the audit entry in the same transaction.
"""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Bed, Booking, BookingStatus, Desk, Room, Site, SiteStatus, User
from ...models.site import STAY_KINDS
from ..admin import audit
from . import capacity, importing as site_import
from ..bookings.member import cancel_booking
from ..bookings.waitlist import fill_site_ahead
from ...clock import now_in_kerala
from .details import clean_site_details
from .capacity import CapacityChange
from ..dates import format_day, format_span
from ..notices import bookings as notices
from ..errors import InvalidRequest
from ..messages import _

# A site's status as a sentence names it.
STATUS_WORDS = {"planned": _("planned"), "open": _("open"), "closed": _("closed")}

SITE_FIELDS = (
    "name", "status", "district", "town", "address", "pin_code", "latitude", "longitude", "phone",
    "email", "description", "amenities", "host_institution", "it_park", "opening_days", "opens_at", "closes_at",
    "check_in_time", "check_out_time", "advance_days", "max_stay_nights",
    "cancel_cutoff_hours", "no_show_after_minutes", "no_show_limit_days",
    "stay_kinds", "min_months", "notice_days", "longest_stay_months",
)
# planned -> open -> closed, and a closed site may reopen.
STATUS_MOVES = {
    SiteStatus.PLANNED: {SiteStatus.OPEN, SiteStatus.CLOSED},
    SiteStatus.OPEN: {SiteStatus.CLOSED},
    SiteStatus.CLOSED: {SiteStatus.OPEN},
}


def _check_site_fields(fields: dict) -> None:
    opens, closes = fields.get("opens_at", time(8)), fields.get("closes_at", time(20))
    if opens >= closes:
        raise InvalidRequest(_("The opening time must be before the closing time."))
    days = fields.get("opening_days", "0")
    if not days or any(d not in "0123456" for d in days):
        raise InvalidRequest(_("Choose at least one opening day."))
    if not 0 <= fields.get("advance_days", 0) <= 365:
        raise InvalidRequest(_("Bookings can open between 0 and 365 days ahead."))
    if not 1 <= fields.get("max_stay_nights", 1) <= 366:
        raise InvalidRequest(_("The longest stay is between 1 and 366 nights."))
    if not 0 <= fields.get("cancel_cutoff_hours", 0) <= 720:
        raise InvalidRequest(_("The cancellation cut-off is between 0 and 720 hours."))
    minutes = fields.get("no_show_after_minutes")
    if minutes is not None and not 1 <= minutes <= 600:
        raise InvalidRequest(_("No-shows are released between 1 and 600 minutes after the start."))
    if fields.get("stay_kinds", "nightly") not in STAY_KINDS:
        raise InvalidRequest(_("Offer stays by the night, by the month, or both."))
    min_months, longest = fields.get("min_months", 1), fields.get("longest_stay_months", 12)
    if not 1 <= min_months <= longest <= 60:
        raise InvalidRequest(_("Monthly stays run from the shortest to the longest stay: between 1"
                               " and 60 months, the shortest no longer than the longest."))
    if not 0 <= fields.get("notice_days", 30) <= 180:
        raise InvalidRequest(_("The notice to leave a monthly stay is between 0 and 180 days."))
    limit = fields.get("no_show_limit_days")
    if limit is not None and not 0 <= limit <= 365:
        raise InvalidRequest(_("The no-show booking limit is between 0 and 365 days ahead."))


def create_site(session: Session, actor: User, *, slug: str, kind: str, name: str,
                district: str, **fields) -> Site:
    """A new centre or hostel, audited."""
    _check_site_fields(fields)
    site = capacity.create_site(session, slug, kind=kind, name=name, district=district, **fields)
    audit.record(session, actor, "site.create", site=site, target=f"site:{site.slug}",
                 after=audit.snapshot(site, ("slug", "kind") + SITE_FIELDS))
    return site


def update_site(session: Session, actor: User, site: Site, changes: dict) -> Site:
    """Change a site's details, hours and booking rules; only real changes are audited."""
    changes = {k: v for k, v in changes.items() if k in SITE_FIELDS and k != "status"}
    if ("latitude" in changes) != ("longitude" in changes) or (
            "pin_code" in changes and "latitude" not in changes):  # check the pair; keep it
        changes = {"latitude": site.latitude, "longitude": site.longitude} | changes
    changes = clean_site_details(changes)
    merged = audit.snapshot(site, SITE_FIELDS) | changes
    _check_site_fields({k: getattr(site, k) for k in SITE_FIELDS} | changes)
    changed = {k: v for k, v in changes.items() if getattr(site, k) != v}
    if not changed:
        return site
    before = audit.snapshot(site, tuple(changed))
    for key, value in changed.items():
        setattr(site, key, value)
    session.flush()
    audit.record(session, actor, "site.update", site=site, target=f"site:{site.slug}",
                 before=before, after={k: merged[k] for k in changed})
    return site


def set_site_status(session: Session, actor: User, site: Site, status: str,
                    today: date) -> CapacityChange:
    """Move a site along planned -> open -> closed; closing flags its future bookings."""
    if status not in STATUS_MOVES.get(SiteStatus(site.status), set()):
        raise InvalidRequest(_("A %(current)s site cannot become %(status)s.",
                               current=STATUS_WORDS.get(site.status, site.status),
                               status=STATUS_WORDS.get(status, status)))
    before = site.status
    site.status = status
    change = CapacityChange()
    if status == SiteStatus.CLOSED:
        for booking in _future_live_bookings(session, site, today):
            capacity._flag_conflict(session, booking, actor, f"{site.name} has closed.")
            change.conflicts.append(booking)
            notices.booking_in_conflict(session, booking)
    elif status == SiteStatus.OPEN:
        session.flush()
        fill_site_ahead(session, site, now=now_in_kerala())
    audit.record(session, actor, "site.status", site=site, target=f"site:{site.slug}",
                 before={"status": before},
                 after={"status": status, "conflicts": [b.id for b in change.conflicts]})
    return change


def _future_live_bookings(session: Session, site: Site, today: date) -> list[Booking]:
    return list(session.scalars(select(Booking).where(
        Booking.site_id == site.id, Booking.status == BookingStatus.LIVE,
        Booking.ends_on > today).order_by(Booking.starts_on, Booking.id)))


def import_centres(session: Session, actor: User, text: str) -> list[Site]:
    """Every centre in the CSV, or none (ImportFailed lists each bad row)."""
    sites = site_import.import_centres_csv(session, text)
    for site in sites:
        audit.record(session, actor, "site.import", site=site, target=f"site:{site.slug}",
                     after=audit.snapshot(site, ("slug", "name", "district", "status"))
                     | {"desks": len(site.desks)})
    return sites


def add_desks(session: Session, actor: User, site: Site, count: int, zone: str) -> list[Desk]:
    """Add `count` desks to a zone ("add 20 desks in zone B")."""
    zone = " ".join(zone.split()) or "A"
    if len(zone) > 10:
        raise InvalidRequest(_("A zone name has at most 10 characters."))
    desks = capacity.add_desks(session, site, count, zone=zone)
    # New desks go first to those waiting, in this transaction.
    fill_site_ahead(session, site, now=now_in_kerala())
    audit.record(session, actor, "desk.add", site=site, target=f"zone:{zone}",
                 after={"count": count, "labels": [d.label for d in desks]})
    return desks


def add_room(session: Session, actor: User, site: Site, name: str, *, beds: int,
             room_type: str, designation: str) -> Room:
    """Add a hostel room with its beds."""
    name = capacity.clean_label(name)
    if session.scalar(select(Room.id).where(Room.site_id == site.id, Room.name == name)):
        raise InvalidRequest(_("This hostel already has a room named %(name)s.", name=name))
    room = capacity.add_room(session, site, name, beds=beds, room_type=room_type,
                             designation=designation)
    fill_site_ahead(session, site, now=now_in_kerala())
    audit.record(session, actor, "room.add", site=site, target=f"room:{room.id}",
                 after={"name": name, "beds": beds, "room_type": room_type,
                        "designation": designation})
    return room


def rename(session: Session, actor: User, site: Site, thing: Desk | Bed | Room,
           label: str) -> None:
    """Rename a desk, bed or room of this site."""
    kind = type(thing).__name__.lower()
    attribute = "name" if isinstance(thing, Room) else "label"
    before = getattr(thing, attribute)
    renamer = {"desk": capacity.rename_desk, "bed": capacity.rename_bed,
               "room": capacity.rename_room}[kind]
    renamer(session, thing, label)
    audit.record(session, actor, f"{kind}.rename", site=site, target=f"{kind}:{thing.id}",
                 before={attribute: before}, after={attribute: getattr(thing, attribute)})


def retire(session: Session, actor: User, site: Site, thing: Desk | Bed | Room,
           from_on: date, today: date) -> CapacityChange:
    """Retire a desk, bed or room from a date: move its bookings or flag conflicts."""
    if from_on < today:
        raise InvalidRequest(_("Retire from today or a later date; the past is kept as it was."))
    if thing.retired_on is not None and thing.retired_on <= from_on:
        raise InvalidRequest(_("That is already retired by then."))
    kind = type(thing).__name__.lower()
    before = {"retired_on": thing.retired_on}
    retirer = {"desk": capacity.retire_desk, "bed": capacity.retire_bed,
               "room": capacity.retire_room}[kind]
    change = retirer(session, thing, from_on, actor)
    name = thing.name if isinstance(thing, Room) else thing.label
    _tell_members(session, change, f"{kind.capitalize()} {name} is out of service from"
                                   f" {format_day(from_on)}.")
    audit.record(session, actor, f"{kind}.retire", site=site, target=f"{kind}:{thing.id}",
                 before=before, after=_change_summary(change) | {"retired_on": from_on})
    return change


def _tell_members(session: Session, change: CapacityChange, why: str) -> None:
    """Each member whose booking a capacity change moved or left without a place hears of it."""
    for booking in change.moved:
        notices.booking_moved(session, booking, why)
    for booking in change.conflicts:
        notices.booking_in_conflict(session, booking)


def _change_summary(change: CapacityChange) -> dict:
    return {"moved": [b.id for b in change.moved], "conflicts": [b.id for b in change.conflicts]}


def add_closure(session: Session, actor: User, site: Site, starts_on: date, ends_on: date, *,
                reason: str, room: Room | None, cancel_affected: bool,
                today: date) -> CapacityChange:
    """Close a site or room; its bookings move (rooms), or are flagged or cancelled."""
    if starts_on < today:
        raise InvalidRequest(_("A closure starts today or later."))
    closure, change = capacity.add_closure(session, site, starts_on, ends_on, reason=reason,
                                           room=room, actor=actor)
    span = format_span(starts_on, ends_on)
    if cancel_affected:  # each member hears of it as a cancellation by staff, with the reason
        why = f"{reason or 'Closure'} (closed {span})"
        for booking in change.conflicts:
            cancel_booking(session, booking, actor, reason=why[:200])
    for booking in change.moved + ([] if cancel_affected else change.conflicts):
        where = _("Room %(room)s", room=room.name) if room else site.name
        notices.booking_closure(session, booking, where=where, span=span, reason=reason,
                                moved=booking in change.moved)
    audit.record(session, actor, "closure.add", site=site, target=f"closure:{closure.id}",
                 after={"starts_on": starts_on, "ends_on": ends_on, "reason": reason,
                        "room": room.name if room else None, "cancelled": cancel_affected}
                 | _change_summary(change))
    return change


def resolve_conflict(session: Session, actor: User, booking: Booking, *, action: str,
                     note: str = "") -> bool:
    """Deal with a flagged booking: try moving it again, or mark it resolved."""
    before = {"conflict": booking.conflict, "desk_id": booking.desk_id, "bed_id": booking.bed_id}
    if action == "move":
        done = capacity.retry_conflict(session, booking, actor)
        if done:
            notices.booking_moved(session, booking, "Staff have found you another place.")
    elif action == "resolve":
        capacity.clear_conflict(session, booking, actor, note)
        done = True
    else:
        raise InvalidRequest(_("Unknown action."))
    if done:
        audit.record(session, actor, f"conflict.{action}", site=booking.site,
                     target=f"booking:{booking.id}", before=before,
                     after={"conflict": booking.conflict, "desk_id": booking.desk_id,
                            "bed_id": booking.bed_id, "note": note})
    return done


def preview_import(session: Session, text: str):
    """The rows a CSV would create and every problem, including slugs already taken."""
    rows, errors = site_import.parse_centres_csv(text)
    taken = set(session.scalars(select(Site.slug).where(Site.slug.in_([r.slug for r in rows]))))
    errors = sorted(errors + [(r.line, _("slug %(slug)s already exists", slug=repr(r.slug)))
                              for r in rows if r.slug in taken], key=lambda e: e[0])
    bad_lines = {line for line, _problem in errors}
    return [r for r in rows if r.line not in bad_lines], errors


def remove_closure(session: Session, actor: User, site: Site, closure) -> None:
    """Reopen dates a closure had shut (flagged bookings stay flagged until resolved)."""
    before = audit.snapshot(closure, ("starts_on", "ends_on", "reason", "room_id"))
    session.delete(closure)
    session.flush()
    fill_site_ahead(session, site, now=now_in_kerala())
    audit.record(session, actor, "closure.remove", site=site, target=f"closure:{closure.id}",
                 before=before)
