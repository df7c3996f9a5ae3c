"""Loading many WNH centres at once from CSV: every row is checked, all or none lands.

Columns (header row required): slug, name, district, desks; optional town,
host_institution, status (planned/open/closed), opening_days (e.g. Mon-Sat or
"0123456"), opens_at, closes_at (HH:MM), address, amenities, pin_code,
latitude and longitude (or lat and lon; without them, the PIN code's centre),
phone, email. Districts are mapped to the official spelling of
one of Kerala's 14 (Kasargod -> Kasaragod); any other is a row error.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Site, SiteStatus
from ...models.site import WEEKDAY_NAMES
from . import capacity
from ..errors import BookingError, ImportFailed
from ..text import clean_line
from .details import clean_site_details
from ..messages import Text, _

REQUIRED = ("slug", "name", "district", "desks")
OPTIONAL = ("town", "host_institution", "status", "opening_days", "opens_at", "closes_at",
            "address", "amenities", "pin_code", "latitude", "longitude", "lat", "lon", "phone",
            "email")
# Short spellings spreadsheets use for the coordinate columns.
ALIASES = {"lat": "latitude", "lon": "longitude"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ROWS = 1000


@dataclass
class CentreRow:
    line: int
    slug: str
    name: str
    district: str
    desks: int
    fields: dict = field(default_factory=dict)


def parse_opening_days(text: str) -> str:
    """'Mon-Sat', 'Mon,Wed,Fri' or weekday digits ('012345') to weekday digits."""
    text = text.strip()
    if re.fullmatch(r"[0-6]{1,7}", text):
        return "".join(sorted(set(text)))
    names = [n.lower() for n in WEEKDAY_NAMES]
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not all(e[:3] in names for e in ends) or len(ends) > 2:
            raise ValueError(_("opening_days %(text)s is not like Mon-Sat or Mon,Wed,Fri",
                               text=repr(text)))
        first, last = names.index(ends[0][:3]), names.index(ends[-1][:3])
        days.update(range(first, last + 1) if first <= last else [])
    if not days:
        raise ValueError(_("opening_days %(text)s names no day", text=repr(text)))
    return "".join(str(d) for d in sorted(days))


def _parse_time(text: str, column: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(_("%(column)s %(text)s is not a time like 08:30",
                           column=column, text=repr(text)))
    return time(int(match[1]), int(match[2]))


def _parse_degrees(text: str, column: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(_("%(column)s %(text)s is not a number of degrees like 8.9963",
                           column=column, text=repr(text))) from None


def parse_centres_csv(text: str) -> tuple[list[CentreRow], list[tuple[int, str]]]:
    """Check every row; return the good rows and (line, message) for each bad one."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [(1, _("missing column(s): %(columns)s", columns=", ".join(missing)))]
    rows, errors, seen = [], [], {}
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            errors.append((index, _("more than %(most)s rows; split the file", most=MAX_ROWS)))
            break
        values = {(k or "").strip(): clean_line(v or "").strip() for k, v in raw.items() if k}
        try:
            row = _parse_row(index, values)
        except ValueError as error:
            errors.append((index, error.args[0] if isinstance(error.args[0], Text) else str(error)))
            continue
        if row.slug in seen:
            errors.append((index, _("slug %(slug)s repeats line %(line)s",
                                    slug=repr(row.slug), line=seen[row.slug])))
            continue
        seen[row.slug] = index
        rows.append(row)
    return rows, errors


def _parse_row(line: int, values: dict[str, str]) -> CentreRow:
    for column in REQUIRED:
        if not values.get(column):
            raise ValueError(_("%(column)s is empty", column=column))
    slug = values["slug"]
    if not SLUG_RE.match(slug) or len(slug) > 60:
        raise ValueError(_("slug %(slug)s must be lower-case letters, digits and hyphens",
                           slug=repr(slug)))
    if not values["desks"].isdigit() or not 0 <= int(values["desks"]) <= 500:
        raise ValueError(_("desks %(desks)s must be a whole number from 0 to 500",
                           desks=repr(values['desks'])))
    fields: dict = {k: values[k] for k in ("town", "host_institution", "address", "amenities",
                                           "phone", "email") if values.get(k)}
    for short, column in ALIASES.items():
        if values.get(short) and values.get(column):
            raise ValueError(_("give %(column)s or %(short)s, not both", column=column, short=short))
        name = column if values.get(column) else short
        if values.get(name):
            fields[column] = _parse_degrees(values[name], name)
    if values.get("pin_code"):
        fields["pin_code"] = values["pin_code"]
    try:
        fields = clean_site_details(fields | {"district": values["district"]})
    except BookingError as error:  # a bad or unknown PIN code, or coordinates outside Kerala
        raise ValueError(error.text) from None
    status = values.get("status") or SiteStatus.OPEN
    if status not in set(SiteStatus):
        raise ValueError(_("status %(status)s must be planned, open or closed",
                           status=repr(status)))
    fields["status"] = status
    if values.get("opening_days"):
        fields["opening_days"] = parse_opening_days(values["opening_days"])
    for column in ("opens_at", "closes_at"):
        if values.get(column):
            fields[column] = _parse_time(values[column], column)
    if fields.get("opens_at", time(8)) >= fields.get("closes_at", time(20)):
        raise ValueError(_("opens_at must be before closes_at"))
    if len(values["name"]) > 160:
        raise ValueError(_("name is longer than 160 characters"))
    district = fields.pop("district")
    return CentreRow(line, slug, values["name"], district, int(values["desks"]), fields)


def import_centres_csv(session: Session, text: str) -> list[Site]:
    """Create every centre in the file, or raise ImportFailed and create none."""
    rows, errors = parse_centres_csv(text)
    existing = set(session.scalars(select(Site.slug).where(Site.slug.in_([r.slug for r in rows]))))
    errors += [(r.line, _("slug %(slug)s already exists", slug=repr(r.slug)))
               for r in rows if r.slug in existing]
    if errors:
        raise ImportFailed(_("%(count)s row(s) have problems; nothing was imported.",
                             count=len(errors)), sorted(errors, key=lambda e: e[0]))
    if not rows:
        raise ImportFailed(_("The file has no rows to import."), [])
    sites = []
    for row in rows:
        site = capacity.create_site(session, row.slug, kind="centre", name=row.name,
                                    district=row.district, **row.fields)
        if row.desks:
            capacity.add_desks(session, site, row.desks)
        sites.append(site)
    return sites
