"""Member-facing pages: accounts, finding a place, booking, my bookings."""
from datetime import date, timedelta

from flask import Blueprint, current_app
from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from ..clock import today_in_kerala
from ..i18n import WEEKDAY_LABELS
from ..services.dates import MIDDAY
from ..services.accounts.permissions import can_use_admin
from ..services.sites.details import geo_uri, osm_search_url, osm_url, tel_uri

bp = Blueprint("web", __name__)


def field_attrs(field, hint: str | None, extra: dict) -> dict:
    """HTML attributes tying an input to its hint and error text."""
    described = [f"{field.id}-hint"] if hint else []
    attrs = dict(extra)
    if field.errors:
        described.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return attrs


ROOM_TYPES = {"dormitory": _l("Dormitory"), "twin": _l("Twin room"), "single": _l("Single room")}
DESIGNATIONS = {"women": _l("Women only"), "men": _l("Men only"), "anyone": _l("Anyone")}
PARTS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "full": _l("Full day")}


def weekday(day: date) -> str:
    return format_date(day, "EEE")


def short_day(day: date) -> str:
    return format_date(day, "d MMM")


def month(day: date) -> str:
    return format_date(day, "MMM")


def part_hours(booking, part: str | None = None) -> str:
    """08:00–13:00 for a morning, 13:00–20:00 for an afternoon, both for a full day.

    The booking's part, or another part of its day (what ending it early keeps or frees).
    """
    site, part = booking.site, part or booking.part
    starts = MIDDAY if part == "afternoon" else site.opens_at
    ends = MIDDAY if part == "morning" else site.closes_at
    return f"{starts:%H:%M}–{ends:%H:%M}"


WEEKDAYS = WEEKDAY_LABELS  # in the request's language, from Babel


def opening_days(site) -> str:
    """Runs of weekdays read as ranges: "Mon–Sat", "Mon–Wed, Fri"."""
    digits = sorted({int(d) for d in site.opening_days})
    runs: list[list[int]] = []
    for d in digits:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(
        f"{WEEKDAYS[r[0]]}–{WEEKDAYS[r[-1]]}" if len(r) > 2
        else ", ".join(str(WEEKDAYS[d]) for d in r)
        for r in runs
    )


def clock_time(value) -> str:
    """A time as people say it: 8:30 am, 6:00 pm."""
    return format_time(value, "h:mm a").lower()


def opening_hours(site) -> str:
    """Days and times a centre is open: "Mon–Sat, 8:30 am – 6:00 pm"."""
    return f"{opening_days(site)}, {clock_time(site.opens_at)} – {clock_time(site.closes_at)}"


def show_admin_link(user) -> bool:
    """can_use_admin, safe on error pages where the request's session was rolled back."""
    state = inspect(user, raiseerr=False)
    if state is not None and state.detached and "role" not in state.dict:
        return False
    return can_use_admin(user)


@bp.record_once
def _template_helpers(state) -> None:
    # Globals rather than a context processor so imported macros see them too.
    state.app.jinja_env.globals.update({
        "can_use_admin": can_use_admin,
        "show_admin_link": show_admin_link,
        "field_attrs": field_attrs,
        "room_type_label": lambda v: ROOM_TYPES.get(v, v),
        "designation_label": lambda v: DESIGNATIONS.get(v, v),
        "part_label": lambda v: PARTS.get(v, v),
        "weekday": weekday,
        "short_day": short_day,
        "month": month,
        "opening_days": opening_days,
        "weekday_list": lambda numbers: ", ".join(str(WEEKDAYS[n]) for n in numbers),
        "opening_hours": opening_hours,
        "clock_time": clock_time,
        "tel_uri": tel_uri,
        "geo_uri": geo_uri,
        "osm_url": osm_url,
        "osm_search_url": osm_search_url,
        "part_hours": part_hours,
        "has_endpoint": lambda name: name in current_app.view_functions,
        "one_day": timedelta(days=1),
        "four_weeks": timedelta(days=28),
        "days": lambda n: timedelta(days=n),
        "today_iso": lambda: today_in_kerala().isoformat(),
    })


from . import accounts, bookings, sites  # noqa: E402,F401  (routes register on import)
from . import tokens  # noqa: E402,F401  (API tokens on the account page)
from . import ending  # noqa: E402,F401  (ending a booking in progress early)
from . import account_mail  # noqa: E402,F401  (verification and password-reset links)
from . import feed  # noqa: E402,F401  (the private calendar feed)
from . import notices  # noqa: E402,F401  (mail choices, unsubscribe links)
from . import series  # noqa: E402,F401  (weekly desk bookings)
from . import about  # noqa: E402,F401  (about the data: PIN code attribution)
from . import checkin  # noqa: E402,F401  (checking in with a centre's QR code)
from . import waitlist  # noqa: E402,F401  (joining and leaving waitlists)
from . import language  # noqa: E402,F401  (choosing Malayalam or English)
from . import stays  # noqa: E402,F401  (monthly hostel stays: book, extend, notice)
from . import policies  # noqa: E402,F401  (house rules and privacy notice, accepted)
from . import money  # noqa: E402,F401  (residents' receipts; money labels for pages)
