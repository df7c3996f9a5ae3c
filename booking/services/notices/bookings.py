"""Notices about bookings: confirmed, cancelled, moved, in conflict, closed, reminded.

Each function is called by the service that made the change, inside its
transaction (``notify`` only adds a row to the outbox), so a refused or
rolled-back change mails nobody. Confirmations and cancellations the member
made themselves, and reminders, are optional (``preferences``); what staff,
a closure or a capacity change did to a booking is always sent.

Every booking mail carries the booking's calendar file (same UID throughout,
``calendar.py``) so the member's calendar follows the booking.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...clock import KOLKATA, now_in_kerala
from ...models import Booking, BookingStatus, DayPart, OutboxMessage, User
from ..bookings.rules import part_ends_at, part_starts_at
from ..dates import WEEKDAYS, WEEKDAYS_SHORT, at_kerala
from ..messages import Text, _, ngettext, written
from . import preferences
from .calendar import CONFIRM_METHOD, CANCEL_METHOD, booking_calendar, cancellation_calendar
from .notify import notify
from .outbox import Attachment
from .settings import mail_settings

PART_WORDS = {"morning": _("morning"), "afternoon": _("afternoon"), "full": _("full day")}
# Reminders for tomorrow's bookings go out from this hour (Kerala time).
REMINDER_HOUR = time(17, 0)
# A worker looks for reminders to write at most this often (it polls every few seconds).
REMINDER_EVERY = timedelta(minutes=5)


def booking_path(booking: Booking) -> str:
    """The booking's page in the member's pages (web.booking_page)."""
    return f"/bookings/{booking.id}"


def describe(booking: Booking) -> dict:
    """What a mail says about a booking: where, what, and when in Kerala time."""
    site = booking.site
    if booking.is_desk:
        part = DayPart(booking.part)
        return {"is_desk": True, "site_name": site.name,
                "place": _("Desk %(label)s", label=booking.resource_label),
                "day": written(booking.starts_on), "weekday": WEEKDAYS[booking.starts_on.weekday()],
                "part": PART_WORDS[part.value],
                "starts": written(part_starts_at(site, booking.starts_on, part).time()),
                "ends": written(part_ends_at(site, booking.starts_on, part).time()),
                "address": _address(site), "phone": site.phone}
    bed = booking.bed
    return {"is_desk": False, "site_name": site.name,
            "place": (_("Room %(room)s, bed %(bed)s", room=bed.room.name, bed=bed.label)
                      if bed else ""),
            "check_in": _long_day(booking.starts_on),
            "check_in_time": written(site.check_in_time),
            "check_out": _long_day(booking.ends_on),
            "check_out_time": written(site.check_out_time),
            "nights": ngettext("1 night", "%(num)d nights", booking.nights),
            "address": _address(site), "phone": site.phone}


def _long_day(day: date) -> Text:
    """Tuesday 2 Dec 2026."""
    return _("%(weekday)s %(day)s", weekday=WEEKDAYS[day.weekday()], day=day)


def _address(site) -> str:
    return ", ".join(line.strip() for line in (site.address or "").splitlines() if line.strip())


def _when(booking: Booking) -> Text:
    """For subjects: "Tue 2 Dec 2026, morning" or "from Tue 2 Dec 2026"."""
    weekday, day = WEEKDAYS_SHORT[booking.starts_on.weekday()], booking.starts_on
    if booking.is_desk:
        return _("%(weekday)s %(day)s, %(part)s", weekday=weekday, day=day,
                 part=PART_WORDS[booking.part])
    return _("from %(weekday)s %(day)s", weekday=weekday, day=day)


def _calendar_file(session: Session, booking: Booking, *, sequence: int | None = None) -> Attachment:
    settings = mail_settings(session)
    organizer = parseaddr(settings.sender)[1] or None
    if booking.is_live:
        content = booking_calendar(
            [booking], method=CONFIRM_METHOD, base_url=settings.public_url, organizer=organizer,
            sequences={booking.id: sequence} if sequence is not None else None)
        method = CONFIRM_METHOD
    else:
        content = cancellation_calendar(booking, base_url=settings.public_url, organizer=organizer)
        method = CANCEL_METHOD
    return Attachment("booking.ics", content, "text", "calendar", {"method": method})


def _send(session: Session, booking: Booking, *, kind: str, template: str, subject: Text,
          member: User | None = None, topic: str | None = None, context: dict | None = None,
          sequence: int | None = None, dedupe_key: str | None = None) -> OutboxMessage | None:
    """One booking mail to its member; None when nobody is to be written to."""
    member = member or booking.member
    if member is None or member.is_deleted:
        return None
    if topic is not None and not preferences.is_wanted(session, member, topic):
        return None
    settings = mail_settings(session)
    return notify(
        session, member, kind=kind, template=template, subject=subject,
        context={"booking": booking, "details": describe(booking),
                 "booking_url": settings.link(booking_path(booking))} | (context or {}),
        attachments=[_calendar_file(session, booking, sequence=sequence)],
        dedupe_key=dedupe_key,
        unsubscribe_path=preferences.unsubscribe_path(settings, member, topic) if topic else None,
    )


def booking_confirmed(session: Session, booking: Booking, member: User) -> OutboxMessage | None:
    """The member booked: what, where, when, with the calendar file."""
    return _send(session, booking, kind="booking_confirmed", template="booking_confirmed",
                 subject=_("Booked: %(site)s, %(when)s", site=booking.site.name,
                           when=_when(booking)), member=member,
                 topic=preferences.OWN_BOOKINGS, sequence=0)


def booking_cancelled(session: Session, booking: Booking, *, by_staff: bool) -> OutboxMessage | None:
    """The booking is cancelled: by the member (optional mail) or by staff (always, with why)."""
    return _send(session, booking,
                 kind="booking_cancelled_by_staff" if by_staff else "booking_cancelled",
                 template="booking_cancelled",
                 subject=_("Cancelled: %(site)s, %(when)s", site=booking.site.name,
                           when=_when(booking)),
                 topic=None if by_staff else preferences.OWN_BOOKINGS,
                 context={"by_staff": by_staff, "reason": booking.cancel_reason or ""})


def booking_moved(session: Session, booking: Booking, why: Text) -> OutboxMessage | None:
    """A capacity change (or staff resolving a conflict) moved the booking to another place."""
    subject = (_("Your desk has changed: %(site)s, %(when)s", site=booking.site.name,
                 when=_when(booking)) if booking.is_desk
               else _("Your bed has changed: %(site)s, %(when)s", site=booking.site.name,
                      when=_when(booking)))
    return _send(session, booking, kind="booking_moved", template="booking_moved",
                 subject=subject,
                 context={"why": why})


def booking_in_conflict(session: Session, booking: Booking) -> OutboxMessage | None:
    """A capacity change left the booking without its place; staff will sort it out."""
    return _send(session, booking, kind="booking_conflict", template="booking_conflict",
                 subject=_("Your booking needs attention: %(site)s, %(when)s",
                           site=booking.site.name, when=_when(booking)),
                 context={"note": booking.conflict or ""})


def booking_closure(session: Session, booking: Booking, *, where: Text | str, span: Text,
                    reason: str, moved: bool) -> OutboxMessage | None:
    """A closure of the site (or a room, ``where``) covers the booking: moved, or staff will call."""
    return _send(session, booking, kind="booking_closure", template="booking_closure",
                 subject=_("%(where)s is closed %(span)s: your booking at %(site)s",
                           where=where, span=span, site=booking.site.name),
                 context={"where": where, "span": span, "reason": reason, "moved": moved})


def booking_ended(session: Session, booking: Booking, summary: str, reason: str | None, *,
                  by_staff: bool) -> OutboxMessage | None:
    """The booking was ended early: what is kept, what went back; by staff, always, with why."""
    return _send(session, booking,
                 kind="booking_ended_by_staff" if by_staff else "booking_ended",
                 template="booking_ended",
                 subject=_("Ended early: %(site)s, %(when)s", site=booking.site.name,
                           when=_when(booking)),
                 topic=None if by_staff else preferences.OWN_BOOKINGS,
                 context={"by_staff": by_staff, "summary": summary, "reason": reason or ""})


def stay_changed(session: Session, booking: Booking, summary: Text, *,
                 by_staff: bool) -> OutboxMessage | None:
    """A monthly stay was extended, or notice given: the new check-out, in words."""
    return _send(session, booking, kind="stay_changed", template="stay_changed",
                 subject=_("Your stay has changed: %(site)s, %(when)s", site=booking.site.name,
                           when=_when(booking)),
                 topic=None if by_staff else preferences.OWN_BOOKINGS,
                 context={"by_staff": by_staff, "summary": summary})


# ---------------------------------------------------------------- reminders

def reminder_key(booking: Booking, day: date) -> str:
    return f"reminder:{booking.id}:{day.isoformat()}"


def get_reminder_due(session: Session, now: datetime) -> tuple[date | None, list[Booking]]:
    """Tomorrow's live bookings still to be reminded, once today's reminder hour has come."""
    now = now.astimezone(KOLKATA)
    if now.time() < REMINDER_HOUR:
        return None, []
    tomorrow = now.date() + timedelta(days=1)
    # Booked after the reminder hour: the confirmation has just said it all.
    booked_before = at_kerala(now.date(), REMINDER_HOUR)
    bookings = list(session.scalars(
        select(Booking)
        .options(joinedload(Booking.site), joinedload(Booking.member))
        .where(Booking.starts_on == tomorrow, Booking.status == BookingStatus.LIVE,
               Booking.conflict.is_(None), Booking.member_id.is_not(None),
               Booking.created_at < booked_before)
        .order_by(Booking.id)
    ).unique())
    keys = {reminder_key(b, tomorrow) for b in bookings}
    done = set(session.scalars(select(OutboxMessage.dedupe_key)
                               .where(OutboxMessage.dedupe_key.in_(keys)))) if keys else set()
    return tomorrow, [b for b in bookings if reminder_key(b, tomorrow) not in done]


def send_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Write tomorrow's reminders (once each, however often this runs); how many were written."""
    day, bookings = get_reminder_due(session, now or now_in_kerala())
    written = 0
    for booking in bookings:
        # The dedupe key is the guarantee (two workers at once): a second row is refused.
        if _send(session, booking, kind="booking_reminder", template="booking_reminder",
                 subject=_("Tomorrow: %(site)s, %(when)s", site=booking.site.name,
                           when=_when(booking)),
                 topic=preferences.REMINDERS, dedupe_key=reminder_key(booking, day)) is not None:
            written += 1
    return written


def reminder_task(clock: Callable[[], datetime] = now_in_kerala) -> Callable[[Session], None]:
    """The worker's periodic task, looking every REMINDER_EVERY; ``clock`` is injected by tests."""
    last: list[datetime] = []

    def task(session: Session) -> None:
        now = clock()
        if last and now - last[0] < REMINDER_EVERY:
            return
        send_reminders(session, now=now)
        last[:] = [now]

    return task
