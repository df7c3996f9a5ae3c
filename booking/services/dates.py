"""Date helpers shared by the rules and the messages (pure functions)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from ..clock import KOLKATA
from .errors import InvalidRequest
from .messages import Text, _, join

MIDDAY = time(13, 0)  # where a centre's morning ends and its afternoon begins
MAX_RANGE_DAYS = 92  # longest availability range anyone may ask for


def format_day(day: date) -> str:
    """Indian style: 25 Nov 2026."""
    return f"{day.day} {day:%b %Y}"


# Day parts and weekdays as sentences name them (translated at the edge, as all Text).
PART_NAMES = {"morning": _("morning"), "afternoon": _("afternoon"), "full": _("full"),
              "night": _("night")}
WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday"))
WEEKDAYS_SHORT = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
WEEKDAYS_PLURAL = (_("Mondays"), _("Tuesdays"), _("Wednesdays"), _("Thursdays"),
                   _("Fridays"), _("Saturdays"), _("Sundays"))


def opening_days_text(opening_days: str) -> Text:
    """A site's opening days ("0123456") as its pages write them: "Mon, Tue, ..."."""
    return join([WEEKDAYS_SHORT[int(d)] for d in sorted(opening_days)])


def part_name(part: str) -> Text | str:
    """A day part ("morning", a DayPart) as a sentence names it."""
    return PART_NAMES.get(str(part), str(part))


def format_span(first: date, last: date) -> Text:
    """A run of days as people write it: "on 8 Dec 2026", "from 8 Dec 2026 to 10 Dec 2026"."""
    if first == last:
        return _("on %(day)s", day=first)
    return _("from %(first)s to %(last)s", first=first, last=last)


def days_between(first: date, last: date) -> Iterator[date]:
    """Every date from first to last, both inclusive."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def at_kerala(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=KOLKATA)


def check_range(first: date, last: date, *, max_days: int = MAX_RANGE_DAYS) -> None:
    if last < first:
        raise InvalidRequest(
            _("The end date (%(last)s) is before the start date (%(first)s).",
              last=last, first=first)
        )
    length = (last - first).days + 1
    if length > max_days:
        raise InvalidRequest(
            _("That range is %(length)s days; ask for at most %(max_days)s days at a time.",
              length=length, max_days=max_days)
        )
