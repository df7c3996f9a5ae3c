"""Kerala's 14 districts: the one spelling each site is stored with.

People type districts as they say them (Trivandrum, Calicut, Kasargod);
each known spelling maps to the official one, anything else is refused with
the list, so the district filter never grows a 15th entry.
"""
from __future__ import annotations

from ...models.site import KERALA_DISTRICTS
from ..errors import InvalidRequest
from ..messages import _

# Old names, English names and common misspellings, lower-case.
ALIASES = {
    "trivandrum": "Thiruvananthapuram", "tvm": "Thiruvananthapuram",
    "thiruvanathapuram": "Thiruvananthapuram", "quilon": "Kollam",
    "pathanamthita": "Pathanamthitta", "alleppey": "Alappuzha", "alapuzha": "Alappuzha",
    "kottyam": "Kottayam", "cochin": "Ernakulam", "kochi": "Ernakulam",
    "ernakulum": "Ernakulam", "trichur": "Thrissur", "thrisur": "Thrissur",
    "palghat": "Palakkad", "palakad": "Palakkad", "malapuram": "Malappuram",
    "calicut": "Kozhikode", "kozhicode": "Kozhikode", "wynad": "Wayanad",
    "cannanore": "Kannur", "kasargod": "Kasaragod", "kasargode": "Kasaragod",
    "kasaragode": "Kasaragod",
}
_BY_KEY = {d.lower(): d for d in KERALA_DISTRICTS} | ALIASES


def find_district(text: str | None) -> str | None:
    """The official name for a typed district ("kasargod " -> "Kasaragod"), or None."""
    key = " ".join((text or "").split()).lower()
    return _BY_KEY.get(key) or _BY_KEY.get(key.removesuffix(" district").strip())


def normalise_district(text: str | None) -> str:
    """The official name, or InvalidRequest naming the 14 to choose from."""
    district = find_district(text)
    if district is None:
        raise InvalidRequest(
            _("%(text)s is not one of Kerala's 14 districts: %(districts)s.",
            text=repr((text or '').strip()), districts=', '.join(KERALA_DISTRICTS)))
    return district
