"""Date helpers shared by the rules and the messages (pure functions)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from ..clock import KOLKATA
from .errors import InvalidRequest

MIDDAY = time(13, 0)  # where a centre's morning ends and its afternoon begins
MAX_RANGE_DAYS = 92  # longest availability range anyone may ask for


def format_day(day: date) -> str:
    """Indian style: 25 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


def format_span(first: date, last: date) -> str:
    """A run of days as people write it: "on 8 Dec 2026", "from 8 Dec 2026 to 10 Dec 2026"."""
    if first == last:
        return f"on {format_day(first)}"
    return f"from {format_day(first)} to {format_day(last)}"


def days_between(first: date, last: date) -> Iterator[date]:
    """Every date from first to last, both inclusive."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def at_kerala(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=KOLKATA)


def check_range(first: date, last: date, *, max_days: int = MAX_RANGE_DAYS) -> None:
    if last < first:
        raise InvalidRequest(
            f"The end date ({format_day(last)}) is before the start date ({format_day(first)})."
        )
    length = (last - first).days + 1
    if length > max_days:
        raise InvalidRequest(
            f"That range is {length} days; ask for at most {max_days} days at a time."
        )
