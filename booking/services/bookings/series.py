"""Weekly desk bookings: book every chosen weekday from one date until another.

A series is a loop over the one way a booking is made (``book``): each
occurrence is an ordinary booking with ``series_id`` set, made in its own
SAVEPOINT so that one refusal (a closure, a full day, a day the member is
already booked) leaves the others standing. The cells' keys still decide
every race, exactly as for a single booking. With ``all_or_nothing`` any
refusal rolls the whole series back and raises ``SeriesRefused``.

No Flask here; the caller's transaction is used and never committed.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...clock import now_in_kerala
from ...models import Booking, BookingSeries, DayPart, Site, User, utcnow
from ..dates import MAX_RANGE_DAYS, WEEKDAYS, days_between
from ..errors import (
    AlreadyCancelled,
    BookingError,
    CancellationClosed,
    InPast,
    InvalidRequest,
    MemberAlreadyBooked,
    NoLongerAvailable,
    NotFound,
    OutsideBookingWindow,
    SiteClosedOn,
)
from . import rules
from .book import DeskRequest, book
from .member import cancel_booking
from ..messages import Text, _, join_or, ngettext

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# However far ahead a site lets members book, one series spans at most this
# many days (13 weeks): a longer wish is booked again later, in smaller pieces.
MAX_SERIES_DAYS = MAX_RANGE_DAYS


class SeriesRefused(BookingError):
    """Nothing was booked: all or nothing and something was refused, or every date was."""

    http_status = 409
    title = _("Series not booked")

    def __init__(self, message: Text, refused: list[Refusal]) -> None:
        super().__init__(message)
        self.refused = refused


@dataclass(frozen=True)
class Refusal:
    """One date of a series that could not be booked, and why, for a person."""

    day: date
    reason: Text
    code: str  # closed, full, already_booked, not_open, past, rule

    def as_dict(self, translate: Callable[[Text], str] = str) -> dict:
        """As JSON; the reason in English (as kept) unless the edge passes its translator."""
        return {"date": self.day.isoformat(), "reason": translate(self.reason), "code": self.code}


@dataclass
class SeriesResult:
    series: BookingSeries
    booked: list[Booking] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class SeriesCancellation:
    cancelled: list[Booking] = field(default_factory=list)
    kept: list[tuple[Booking, Text]] = field(default_factory=list)  # too late to cancel


def weekdays_from_codes(codes: list[str]) -> str:
    """["tue", "thu"] as the stored digits "13" (Monday = 0); unknown codes are refused."""
    unknown = [c for c in codes if c not in WEEKDAY_CODES]
    if unknown:
        raise InvalidRequest(_("Unknown weekday(s): %(unknown)s. Use %(codes)s.",
                               unknown=', '.join(map(str, unknown)),
                               codes=', '.join(WEEKDAY_CODES)))
    return "".join(sorted({str(WEEKDAY_CODES.index(c)) for c in codes}))


def get_occurrence_days(weekdays: str, first: date, until: date) -> list[date]:
    """Every date from first to until (inclusive) that falls on one of the weekdays."""
    return [d for d in days_between(first, until) if str(d.weekday()) in weekdays]


def check_series_request(site: Site, weekdays: str, first: date, until: date,
                         now: datetime) -> list[date]:
    """Refuse a series no occurrence of which could be booked; else its dates."""
    if not site.is_centre:
        raise InvalidRequest(_("%(site)s is a hostel; weekly bookings are for desks.",
                               site=site.name))
    rules.check_site_bookable(site)
    if not weekdays or any(d not in "0123456" for d in weekdays):
        raise InvalidRequest(_("Choose at least one weekday."))
    if until < first:
        raise InvalidRequest(_("The last date (%(until)s) is before the first (%(first)s).",
                               until=until, first=first))
    today = now.date()
    if first < today:
        raise InPast(_("The first date %(first)s has already passed.", first=first))
    last = today + timedelta(days=site.advance_days)
    if until > last:
        raise OutsideBookingWindow(
            _("Desks at %(site)s can be booked up to %(advance_days)s days ahead (until"
              " %(last)s); choose an end date no later than that.",
              site=site.name, advance_days=site.advance_days, last=last))
    length = (until - first).days + 1
    if length > MAX_SERIES_DAYS:
        raise OutsideBookingWindow(_("That is %(length)s days; a weekly booking can span at most"
                                     " %(most)s days at a time.",
                                     length=length, most=MAX_SERIES_DAYS))
    days = get_occurrence_days(weekdays, first, until)
    if not days:
        names = join_or([WEEKDAYS[int(d)] for d in sorted(weekdays)])
        raise InvalidRequest(_("No %(names)s falls between %(first)s and %(until)s.",
                               names=names, first=first, until=until))
    return days


def book_series(session: Session, member: User, site: Site, part: DayPart, weekdays: str,
                first: date, until: date, *, all_or_nothing: bool = False,
                now: datetime | None = None) -> SeriesResult:
    """Book a desk on every chosen weekday from first to until; say what was refused and why."""
    now = now or now_in_kerala()
    days = check_series_request(site, weekdays, first, until, now)
    # The whole series in one SAVEPOINT: all or nothing, or nothing booked at all,
    # leaves no trace even if the caller goes on to commit.
    whole = session.begin_nested()
    series = BookingSeries(member_id=member.id, site_id=site.id, part=part.value,
                           weekdays=weekdays, starts_on=first, ends_on=until,
                           all_or_nothing=all_or_nothing)
    session.add(series)
    session.flush()
    result = SeriesResult(series)
    for day in days:
        try:
            with session.begin_nested():
                booking = book(session, member, DeskRequest(site, day, part), now=now)
                booking.series_id = series.id
                session.flush()
        except BookingError as error:
            code = "not_open" if not site.is_open_weekday(day) else _refusal_code(error)
            # All or nothing goes on: the person learns every date at fault at once.
            result.refused.append(Refusal(day, error.text, code))
        else:
            result.booked.append(booking)
    if result.refused and (all_or_nothing or not result.booked):
        whole.rollback()
        raise SeriesRefused(_nothing_booked(result.refused, all_or_nothing), result.refused)
    series.refused_json = json.dumps([r.as_dict() for r in result.refused])
    whole.commit()
    return result


def _refusal_code(error: BookingError) -> str:
    if isinstance(error, MemberAlreadyBooked):
        return "already_booked"
    if isinstance(error, NoLongerAvailable):
        return "full"
    if isinstance(error, SiteClosedOn):
        return "closed"
    if isinstance(error, InPast):
        return "past"
    return "rule"


def _nothing_booked(refused: list[Refusal], all_or_nothing: bool) -> Text:
    first = refused[0]
    if all_or_nothing:
        return ngettext("Nothing was booked: you asked for all or nothing, and 1 date could"
                        " not be booked, the first %(day)s: %(reason)s",
                        "Nothing was booked: you asked for all or nothing, and %(num)d dates"
                        " could not be booked, the first %(day)s: %(reason)s",
                        len(refused), day=first.day, reason=first.reason)
    return _("Nothing was booked: none of the %(count)s dates could be. %(reason)s",
             count=len(refused), reason=first.reason)


# ---------------------------------------------------------------- reading and cancelling

def get_member_series(session: Session, member: User, series_id: int) -> BookingSeries:
    """The member's own series; anyone else's does not exist for them."""
    series = session.get(BookingSeries, series_id) if 0 < series_id <= 2**31 - 1 else None
    if series is None or series.member_id != member.id:
        raise NotFound(_("You have no weekly booking with id %(series_id)s.", series_id=series_id))
    return series


def get_current_series(session: Session, member: User, today: date) -> list[BookingSeries]:
    """The member's series not cancelled and not over, soonest first."""
    return list(session.scalars(
        select(BookingSeries).options(joinedload(BookingSeries.site))
        .where(BookingSeries.member_id == member.id, BookingSeries.cancelled_at.is_(None),
               BookingSeries.ends_on >= today)
        .order_by(BookingSeries.starts_on, BookingSeries.id)))


def get_occurrences(session: Session, series: BookingSeries) -> list[Booking]:
    """Every booking of the series, live or not, soonest first."""
    return list(session.scalars(
        select(Booking).options(joinedload(Booking.site), joinedload(Booking.desk))
        .where(Booking.series_id == series.id).order_by(Booking.starts_on, Booking.id)))


def get_occurrences_ahead(session: Session, series: BookingSeries,
                          now: datetime) -> list[Booking]:
    """The live occurrences that have not started yet."""
    return [b for b in get_occurrences(session, series)
            if b.is_live and rules.booking_starts_at(b) > now]


def cancel_series_rest(session: Session, member: User, series: BookingSeries,
                       now: datetime | None = None) -> SeriesCancellation:
    """Cancel the occurrences still ahead, each by the member's ordinary cancel (its rules apply)."""
    now = now or now_in_kerala()
    if series.member_id != member.id:
        raise NotFound(_("You have no weekly booking with id %(series_id)s.", series_id=series.id))
    if series.is_cancelled:
        raise AlreadyCancelled(_("The rest of this weekly booking is already cancelled."))
    outcome = SeriesCancellation()
    for booking in get_occurrences_ahead(session, series, now):
        try:
            cancel_booking(session, booking, member, now=now,
                           reason="Cancelled with the rest of the weekly booking")
        except CancellationClosed as error:
            outcome.kept.append((booking, error.text))
        else:
            outcome.cancelled.append(booking)
    series.cancelled_at = utcnow()
    session.flush()
    return outcome
