"""The main pages in Malayalam carry no English sentence outside names.

A page is read as a person reads it: its text and the attributes a screen
reader speaks (aria-label, title, placeholder, alt, value of buttons), without
scripts, styles or code. Names are taken out (sites, districts, towns, IT parks,
people, emails, the brand "WNH", products such as Google Calendar); what is left may not hold three English words
in a row. Each failure lists the runs it found, so a missing translation is
easy to trace to its msgid.

This fails until the Malayalam catalogue (booking/translations/ml) is merged.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from booking.clock import now_in_kerala, today_in_kerala
from booking.i18n import COOKIE
from booking.models.site import KERALA_DISTRICTS

from .conftest import sign_in

SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
NOT_PROSE = {"script", "style", "code", "pre"}
# Tags that sit inside a sentence; any other tag ends one (so runs never span two cells).
INLINE = {"a", "abbr", "b", "bdi", "cite", "em", "i", "kbd", "label", "mark", "q", "s", "small",
          "span", "strong", "sub", "sup", "time", "u"}
BREAK = "\u2029"  # a paragraph separator: no English run crosses it
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ \t\n,;:'’()/–-]+[A-Za-z]+){2,}")
BRAND = ("WNH",)
# Products people know by these names, in any language.
PRODUCTS = ("Google Calendar", "Apple Calendar", "Outlook", "OpenStreetMap", "Google Maps")


class ReadText(HTMLParser):
    """The text a person reads or hears; parts marked as another language are skipped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang", "ml") != "ml"
        if tag not in INLINE:
            self.parts.append(BREAK)
        if not self._skipping() and not other_language:
            for spoken in [v for k, v in attrs.items() if k in SPOKEN_ATTRIBUTES and v] + (
                    [attrs["value"]] if tag == "input" and attrs.get("type") in (
                        "submit", "button") and attrs.get("value") else []):
                self.parts.extend([BREAK, spoken, BREAK])
        if tag not in VOID:
            self.stack.append((tag, tag in NOT_PROSE or other_language))

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self.parts.append(BREAK)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data)


def english_runs(html: str, names: set[str]) -> list[str]:
    reader = ReadText()
    reader.feed(html)
    text = " ".join(reader.parts)
    for name in sorted(names, key=len, reverse=True):  # "WNH Kollam" before "Kollam"
        text = text.replace(name, " ")
    return sorted({" ".join(run.split()) for run in ENGLISH_RUN.findall(text)})


def test_the_checker_finds_english_and_spares_names_and_marked_parts():
    html = ('<p>ബുക്ക് ചെയ്യുക WNH Kollam</p><p aria-label="Book a desk now">x</p>'
            '<button lang="en">English only here please</button><script>var a = b c;</script>'
            '<p>Free desks left today</p><code>curl the api now</code>')
    assert english_runs(html, {"WNH Kollam"}) == ["Book a desk now", "Free desks left today"]


@pytest.fixture
def world(make, session):
    member = make.member(email="lakshmi@example.org", name="Lakshmi Nair")
    centre = make.centre(slug="kollam", name="WNH Kollam", district="Kollam", town="Kollam")
    hostel = make.hostel(slug="infopark", name="Infopark Hostel", district="Ernakulam",
                         it_park="Infopark")
    make.desk_booking(member=member, site=centre, day=today_in_kerala() + timedelta(days=3),
                      now=now_in_kerala())
    make.bed_booking(member=member, site=hostel, check_in=today_in_kerala() + timedelta(days=7),
                     now=now_in_kerala())
    session.commit()
    names = {*BRAND, *PRODUCTS, *KERALA_DISTRICTS, member.name, member.email, centre.name, centre.town,
             hostel.name, hostel.it_park, "Infopark", "Kerala"}
    return member, names


PAGES = {
    "home": ("/", False),
    "sites list": ("/?kind=hostel&district=Ernakulam", False),
    "a site": ("/sites/kollam", False),
    "a hostel": ("/sites/infopark", False),
    "sign in": ("/sign-in", False),
    "register": ("/register", False),
    "my bookings": ("/bookings", True),
    "profile": ("/account", True),
}


@pytest.mark.parametrize("page", PAGES)
def test_main_pages_in_malayalam_have_no_english_sentences(client, world, page):
    member, names = world
    url, signed_in = PAGES[page]
    if signed_in:
        sign_in(client, member.email)
    client.set_cookie(COOKIE, "ml")
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="ml">' in html
    runs = english_runs(html, names)
    assert not runs, f"{url} in Malayalam still shows English:\n  " + "\n  ".join(runs)
