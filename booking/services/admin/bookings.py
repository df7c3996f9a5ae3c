"""Bookings as staff see them: search and filter, who is in today, CSV export, cancel."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ...models import Booking, BookingStatus, Site, User
from . import audit
from ..accounts.users import format_phone
from ..bookings.checkin import no_show_counts
from ..bookings.member import cancel_booking
from ..bookings.waitlist import get_waiting_counts
from ..dates import check_range

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
CSV_COLUMNS = ("booking_id", "site", "kind", "member", "email", "phone", "resource", "starts_on",
               "ends_on", "part", "status", "conflict", "cancel_reason", "created_at")


@dataclass(frozen=True)
class BookingFilter:
    site_ids: list[int] | None  # None: every site (admins); a manager's list otherwise
    site_id: int | None = None
    first: date | None = None
    last: date | None = None
    member: str = ""  # part of a name or email
    status: str = ""  # live, cancelled, no_show, conflict, or "" for all

    def check(self) -> None:
        if self.first and self.last:
            check_range(self.first, self.last, max_days=3660)


def _query(f: BookingFilter) -> Select:
    query = select(Booking).outerjoin(User, User.id == Booking.member_id)
    if f.site_id is not None:
        query = query.where(Booking.site_id == f.site_id)
    if f.site_ids is not None:
        query = query.where(Booking.site_id.in_(f.site_ids))
    # A booking matches a date range when any of its days falls inside it.
    if f.first:
        query = query.where(Booking.ends_on > f.first)
    if f.last:
        query = query.where(Booking.starts_on <= f.last)
    if f.member:
        pattern = f"%{f.member.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if f.status == "conflict":
        query = query.where(Booking.status == BookingStatus.LIVE, Booking.conflict.is_not(None))
    elif f.status in (BookingStatus.LIVE, BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
        query = query.where(Booking.status == f.status)
    return query


def _loaded(query: Select) -> Select:
    return query.options(joinedload(Booking.site), joinedload(Booking.member),
                         joinedload(Booking.desk), joinedload(Booking.bed))


def search_bookings(session: Session, f: BookingFilter, page: int = 1) -> tuple[list[Booking], int]:
    """One page of matching bookings, soonest first, and how many match in all."""
    f.check()
    query = _query(f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(_loaded(query).order_by(Booking.starts_on, Booking.id)
                           .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(rows.unique()), total


def get_export(session: Session, f: BookingFilter) -> tuple[list[list[str]], list[User]]:
    """Every matching booking as CSV cells (up to EXPORT_LIMIT), and the members in them."""
    f.check()
    query = _loaded(_query(f)).order_by(Booking.starts_on, Booking.id).limit(EXPORT_LIMIT)
    bookings = list(session.scalars(query).unique())
    return [_row(b) for b in bookings], [b.member for b in bookings if b.member is not None]


def _row(b: Booking) -> list[str]:
    member = b.member
    return [str(b.id), b.site.slug, "desk" if b.is_desk else "bed",
            member.name if member else "(deleted account)", (member.email or "") if member else "",
            format_phone(member.phone) if member else "",
            b.resource_label, b.starts_on.isoformat(), b.ends_on.isoformat(), b.part or "",
            b.status, b.conflict or "", b.cancel_reason or "", b.created_at.isoformat()]


# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): = + - @,
# a tab or a carriage return (ASVS 1.2.10 adds NUL; a line feed is the same trick),
# and the full-width forms some Excel locales also take as formula signs.
FORMULA_STARTS = frozenset("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20")


def defuse_cell(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula sign gets a quote before it."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def to_csv(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text, header first; cells that a spreadsheet would run as formulas are defused.

    Per OWASP's guidance every cell is also quoted (quotes inside doubled), so a
    separator or line break inside one cannot start a new cell. It starts with a
    byte-order mark: without it Excel reads the file as the local ANSI code page
    and shows Malayalam names as mojibake.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([defuse_cell(c) for c in row])
        if buffer.tell() > 32_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@dataclass(frozen=True)
class DaySheet:
    """A site's day: who is in, and who arrives (desk bookings and check-ins)."""

    in_today: list[Booking]
    arrivals: list[Booking]
    departures: list[Booking]
    # Centres: the day's desk bookings with their check-in state (live and released
    # as no-shows), and each member's no-shows in the last 30 days.
    check_ins: list[Booking] = field(default_factory=list)
    no_shows: dict[int, int] = field(default_factory=dict)
    # Waitlist length that day: by part (centres) or "nights" (hostels).
    waiting: dict[str, int] = field(default_factory=dict)


def get_day_sheet(session: Session, site: Site, day: date) -> DaySheet:
    """Who is in at a site on a day, who arrives and (hostels) who checks out."""
    live = _loaded(select(Booking)).outerjoin(User, User.id == Booking.member_id).where(
        Booking.site_id == site.id, Booking.status == BookingStatus.LIVE)
    in_today = list(session.scalars(
        live.where(Booking.starts_on <= day, Booking.ends_on > day)
        .order_by(Booking.part, User.name)).unique())
    departures = list(session.scalars(
        live.where(Booking.ends_on == day, Booking.bed_id.is_not(None))
        .order_by(User.name)).unique())
    arrivals = [b for b in in_today if b.starts_on == day]
    waiting = get_waiting_counts(session, site, day)
    if not site.is_centre:
        return DaySheet(in_today, arrivals, departures, waiting=waiting)
    check_ins = list(session.scalars(
        _loaded(select(Booking)).outerjoin(User, User.id == Booking.member_id)
        .where(Booking.site_id == site.id, Booking.starts_on == day,
               Booking.desk_id.is_not(None),
               Booking.status.in_((BookingStatus.LIVE, BookingStatus.NO_SHOW)))
        .order_by(Booking.part, User.name, Booking.id)).unique())
    no_shows = no_show_counts(session, [b.member_id for b in check_ins if b.member_id], day)
    return DaySheet(in_today, arrivals, departures, check_ins, no_shows, waiting)


def cancel_for_member(session: Session, actor: User, booking: Booking, reason: str) -> Booking:
    """Cancel a member's booking on their behalf, with the reason they will see."""
    before = {"status": booking.status, "conflict": booking.conflict}
    cancel_booking(session, booking, actor, reason=reason.strip()[:200] or None)
    audit.record(session, actor, "booking.cancel", site=booking.site,
                 target=f"booking:{booking.id}", before=before,
                 after={"status": booking.status, "reason": booking.cancel_reason})
    return booking
