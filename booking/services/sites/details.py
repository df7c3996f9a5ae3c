"""Where a site is and who answers there: district, PIN code, coordinates, phone, email.

Every way a site is made or changed (admin pages, CSV import, CLI, seed)
passes its fields through ``clean_site_details``, so the rules live once.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from .districts import normalise_district
from .pincodes import KERALA, get_state, in_kerala, locate, parse_pin
from ..errors import InvalidCoordinates, InvalidRequest, UnknownPinCode
from ..messages import _

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{7,18}[0-9]$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_site_details(fields: dict) -> dict:
    """The fields with district, phone, email and coordinates checked and normalised."""
    fields = dict(fields)
    if "district" in fields:
        fields["district"] = normalise_district(fields["district"])
    if "phone" in fields:
        fields["phone"] = _clean_phone(fields["phone"])
    if "email" in fields:
        fields["email"] = _clean_email(fields["email"])
    if "pin_code" in fields:
        fields["pin_code"] = _check_pin(fields["pin_code"]) if fields["pin_code"] else None
        if fields["pin_code"] and fields.get("latitude") is None \
                and fields.get("longitude") is None:
            fields["latitude"], fields["longitude"] = locate(fields["pin_code"])
    if "latitude" in fields or "longitude" in fields:
        check_coordinates(fields.get("latitude"), fields.get("longitude"))
    return fields


def _check_pin(text: str) -> str:
    """A site's PIN code: well formed, known, and one of Kerala's."""
    pin = parse_pin(text)
    locate(pin)
    if get_state(pin) != KERALA:
        raise UnknownPinCode(_("PIN code %(pin)s is outside Kerala; give the site's own PIN code.", pin=pin))
    return pin


def _clean_phone(phone: str | None) -> str:
    phone = " ".join((phone or "").split())
    digits = re.sub(r"\D", "", phone)
    if phone and (not PHONE_RE.match(phone) or not 10 <= len(digits) <= 13):
        raise InvalidRequest(
            _("%(phone)s is not a phone number; write it like 0474 245 1234 or +91 94470 12345.",
              phone=repr(phone)))
    return phone


def _clean_email(email: str | None) -> str:
    email = (email or "").strip()
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        raise InvalidRequest(_("%(email)s is not an email address.", email=repr(email)))
    return email


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """Both or neither, and inside Kerala (the database checks both-or-neither too)."""
    if (latitude is None) != (longitude is None):
        raise InvalidCoordinates(_("Give both latitude and longitude, or neither."))
    if latitude is None:
        return
    if not in_kerala(latitude, longitude):
        raise InvalidCoordinates(
            _("Those coordinates are outside Kerala (latitude 8.17 to 12.8, longitude 74.85 to"
              " 77.42); are latitude and longitude swapped?"))


def tel_uri(phone: str) -> str:
    """tel: link for an Indian number as written: 0474 245 1234 -> tel:+914742451234."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 12 and digits.startswith("91"):
        return f"tel:+{digits}"
    return f"tel:+91{digits}"


def geo_uri(latitude: float, longitude: float, label: str) -> str:
    """RFC 5870 geo: URI; phones open their maps app with a pin named after the site."""
    return f"geo:{latitude:.6f},{longitude:.6f}?q={latitude:.6f},{longitude:.6f}({quote(label)})"


def osm_url(latitude: float, longitude: float) -> str:
    """OpenStreetMap with a marker at the site, zoomed to streets."""
    query = urlencode({"mlat": f"{latitude:.6f}", "mlon": f"{longitude:.6f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{latitude:.6f}/{longitude:.6f}"


def osm_search_url(address: str) -> str:
    """OpenStreetMap searching for an address, for sites without coordinates."""
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})
