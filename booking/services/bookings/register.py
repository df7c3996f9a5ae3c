"""The resident register: what a hostel must keep about a resident, and no more.

Privacy by design (India's DPDP Act 2023; DESIGN.md invariant 8):

- The warden records it at arrival and may correct it until departure. Of an
  ID document only its type and last four digits are kept: a full number
  (an Aadhaar number above all) is refused with a message saying why, before
  it reaches the database (whose CHECK refuses anything but four digits).
- Only that hostel's managers (its wardens) and administrators see it, and
  every view is audited: who saw whose entry, when. Changes are audited by the
  names of the fields changed, never their values, so the audit log does not
  become a second copy of the register.
- A set time after departure (``sites.register_retention_days``; the stay's
  check-out when no departure was recorded) the worker erases the personal
  fields, audited; the stay itself stays, anonymised, for statistics.
- The resident sees their entries (``member_entries``); export includes them;
  deleting the account erases them, unless a stay is current.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from ...clock import KOLKATA, now_in_kerala
from ...models import Booking, BookingStatus, IdDocumentType, RegisterEntry, Site, User, utcnow
from ..accounts.permissions import can_manage_site
from ..accounts.users import PHONE_HINT, normalise_phone
from ..admin import audit
from ..errors import InvalidRequest, NotPermitted, RegisterRefused
from ..messages import _

ID_DOCUMENT_TYPES = tuple(t.value for t in IdDocumentType)
AADHAAR_DIGITS = 12
# What is kept, in the order forms and pages show it.
PERSONAL_FIELDS = ("full_name", "phone", "employer", "emergency_contact_name",
                   "emergency_contact_phone", "id_document_type", "id_last4")


@dataclass(frozen=True)
class RegisterDetails:
    """What the warden typed. ``id_number`` may be typed whole: only its last four digits
    are ever kept, and a longer number is refused, not trimmed (see ``id_last4``)."""

    full_name: str
    phone: str
    employer: str
    emergency_contact_name: str
    emergency_contact_phone: str
    id_document_type: str
    id_number: str


def can_see_register(user: User | None, site: Site) -> bool:
    """The hostel's own managers (wardens) and administrators; nobody else."""
    return site.is_hostel and can_manage_site(user, site)


def _check_access(user: User | None, booking: Booking) -> None:
    if not can_see_register(user, booking.site):
        raise NotPermitted(_("Only this hostel's wardens and administrators see its register."))


def get_entry(session: Session, booking: Booking) -> RegisterEntry | None:
    """The stay's entry, unaudited: for services only, never to show staff."""
    return session.scalar(select(RegisterEntry).where(RegisterEntry.booking_id == booking.id))


def view_entry(session: Session, booking: Booking, viewer: User) -> RegisterEntry | None:
    """The stay's entry for staff to see; each view of personal details is audited."""
    _check_access(viewer, booking)
    entry = get_entry(session, booking)
    if entry is not None and not entry.is_erased:
        audit.record(session, viewer, "register.view", site=booking.site,
                     target=f"booking:{booking.id}", after={"entry": entry.id})
    return entry


def id_last4(document_type: str, number: str) -> str:
    """The four digits kept of an ID number, or a refusal saying why."""
    typed = "".join(number.split()).replace("-", "")
    if not typed:
        raise RegisterRefused(_("Enter the last four digits of the ID document's number."),
                              "id_number")
    if typed.isdigit() and len(typed) > 4:
        if document_type == IdDocumentType.AADHAAR and len(typed) == AADHAAR_DIGITS:
            raise RegisterRefused(
                _("That is a full Aadhaar number: the hostel never keeps one. Enter only its "
                  "last four digits."), "id_number")
        raise RegisterRefused(
            _("That is %(digits)s digits: the hostel keeps only the last four digits of an ID "
              "number, never the whole number. Enter only the last four.",
              digits=len(typed)), "id_number")
    if not (typed.isascii() and typed.isdigit() and len(typed) == 4):
        raise RegisterRefused(
            _("Enter exactly four digits (0-9): the last four digits of the ID number, without "
              "letters (for a PAN, the four digits before the last letter)."), "id_number")
    return typed


def _clean(details: RegisterDetails) -> dict[str, str | None]:
    """The details as the register keeps them, or a refusal naming the field."""
    name = details.full_name.strip()
    if not name:
        raise RegisterRefused(_("Enter the resident's full name."), "full_name")
    if len(name) > 120:
        raise RegisterRefused(_('Keep the name to 120 characters.'), "full_name")
    contact = details.emergency_contact_name.strip()
    if not contact:
        raise RegisterRefused(_("Enter an emergency contact's name."), "emergency_contact_name")
    if len(contact) > 120:
        raise RegisterRefused(_('Keep the name to 120 characters.'), "emergency_contact_name")
    employer = details.employer.strip()
    if len(employer) > 160:
        raise RegisterRefused(_('Keep the employer to 160 characters.'), "employer")
    if details.id_document_type not in ID_DOCUMENT_TYPES:
        raise RegisterRefused(_("Choose the kind of ID document from the list."),
                              "id_document_type")
    values = {"full_name": name, "employer": employer or None, "emergency_contact_name": contact,
              "id_document_type": details.id_document_type,
              "id_last4": id_last4(details.id_document_type, details.id_number)}
    for field in ("phone", "emergency_contact_phone"):
        try:
            values[field] = normalise_phone(getattr(details, field))
        except InvalidRequest:  # said again against the field it concerns
            raise RegisterRefused(PHONE_HINT, field) from None
    return values


def is_editable(booking: Booking, entry: RegisterEntry | None) -> bool:
    return (booking.bed_id is not None and booking.status == BookingStatus.LIVE
            and not booking.has_departed and not (entry is not None and entry.is_erased))


def save_entry(session: Session, booking: Booking, actor: User,
               details: RegisterDetails) -> RegisterEntry:
    """Record the stay's entry, or correct it until departure; audited by field names only."""
    _check_access(actor, booking)
    if booking.bed_id is None:
        raise RegisterRefused(_('Only a hostel stay has a register entry.'))
    entry = get_entry(session, booking)
    if entry is not None and entry.is_erased:
        raise RegisterRefused(_('This entry was erased; it cannot be written again.'))
    if booking.has_departed:
        raise RegisterRefused(_("The resident has departed: the register entry can no longer be "
                                "changed (it is erased on schedule)."))
    if booking.status != BookingStatus.LIVE:
        raise RegisterRefused(_('This stay is cancelled: there is nobody to register.'))
    values = _clean(details)
    if entry is None:
        entry = RegisterEntry(booking_id=booking.id, site_id=booking.site_id,
                              recorded_by_id=actor.id, **values)
        session.add(entry)
        session.flush()
        audit.record(session, actor, "register.record", site=booking.site,
                     target=f"booking:{booking.id}", after={"entry": entry.id})
        return entry
    changed = [f for f in PERSONAL_FIELDS if getattr(entry, f) != values[f]]
    if changed:
        for f in changed:
            setattr(entry, f, values[f])
        session.flush()
        audit.record(session, actor, "register.update", site=booking.site,
                     target=f"booking:{booking.id}", after={"entry": entry.id, "fields": changed})
    return entry


# ---------------------------------------------------------------- erasure

def _erase(session: Session, entry: RegisterEntry, actor: User | None, reason: str) -> None:
    for f in PERSONAL_FIELDS:
        setattr(entry, f, None)
    entry.erased_at = utcnow()
    session.flush()
    audit.record(session, actor, "register.erase", site=entry.site,
                 target=f"booking:{entry.booking_id}", after={"entry": entry.id, "reason": reason})


def _local_day(moment: datetime) -> date:
    return moment.astimezone(KOLKATA).date()


def stay_over_on(booking: Booking) -> date:
    """The day the stay ended: departure, else cancellation, else its check-out."""
    if booking.departed_at is not None:
        return _local_day(booking.departed_at)
    if booking.status != BookingStatus.LIVE and booking.cancelled_at is not None:
        return min(_local_day(booking.cancelled_at), booking.ends_on)
    return booking.ends_on


def erasure_due_on(booking: Booking) -> date:
    """The day the entry's personal details are erased."""
    return stay_over_on(booking) + timedelta(days=booking.site.register_retention_days)


def erase_expired_entries(session: Session, now: datetime | None = None) -> int:
    """Erase every entry whose retention has run out (the worker's periodic task)."""
    today = (now or now_in_kerala()).date()
    candidates = session.scalars(
        select(RegisterEntry).join(RegisterEntry.booking)
        .options(joinedload(RegisterEntry.booking).joinedload(Booking.site))
        .where(RegisterEntry.erased_at.is_(None),
               # departed, cancelled or past check-out: the rest cannot be due yet
               or_(Booking.departed_at.is_not(None), Booking.status != BookingStatus.LIVE,
                   Booking.ends_on <= today))
        .order_by(RegisterEntry.id)).unique().all()
    erased = 0
    for entry in candidates:
        if erasure_due_on(entry.booking) <= today:
            _erase(session, entry, None, "retention")
            erased += 1
    return erased


# ---------------------------------------------------------------- the resident's own

def member_entries(session: Session, member: User) -> list[RegisterEntry]:
    """The member's register entries, newest stay first (the member's own view: unaudited)."""
    return list(session.scalars(
        select(RegisterEntry).join(RegisterEntry.booking)
        .options(joinedload(RegisterEntry.booking).joinedload(Booking.site))
        .where(Booking.member_id == member.id)
        .order_by(Booking.starts_on.desc(), RegisterEntry.id.desc())).unique())


def is_current(booking: Booking, today: date) -> bool:
    """The resident lives there now: arrived (or the stay began), not departed, not over."""
    return (booking.status == BookingStatus.LIVE and not booking.has_departed
            and booking.bed_id is not None and booking.ends_on > today
            and (booking.starts_on < today or booking.checked_in_at is not None))


def check_no_current_entry(session: Session, member: User, today: date) -> None:
    """Refuse (before anything changes) when the hostel must still keep an entry."""
    for entry in member_entries(session, member):
        if not entry.is_erased and is_current(entry.booking, today):
            raise RegisterRefused(
                _("You are staying at %(site)s now: the hostel must keep your register entry "
                  "while you live there. Delete your account after you depart; the entry is "
                  "erased then.", site=entry.booking.site.name))


def erase_member_entries(session: Session, member: User, today: date) -> int:
    """Erase the member's entries as their account is deleted (none may be current)."""
    check_no_current_entry(session, member, today)
    entries = [e for e in member_entries(session, member) if not e.is_erased]
    for entry in entries:
        _erase(session, entry, None, "account deleted")
    return len(entries)


def entry_record(entry: RegisterEntry) -> dict:
    """One entry as the member's data export shows it."""
    record = {"booking_id": entry.booking_id, "site": entry.booking.site.name,
              "recorded_at": entry.recorded_at.isoformat(),
              "erased_at": entry.erased_at.isoformat() if entry.erased_at else None}
    if not entry.is_erased:
        record |= {f: getattr(entry, f) for f in PERSONAL_FIELDS}
        record["erasure_due_on"] = erasure_due_on(entry.booking).isoformat()
    return record

