"""A site's page on a phone: where it is, how to get there, who to call, what it looks like."""
from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import expect

from booking.services.sites import photos as site_photos
from tests.images import photo_bytes

pytestmark = pytest.mark.browser


def test_a_site_page_at_390px_shows_address_directions_contact_and_photos(
        phone_page, make, session):
    site = make.centre(name="WNH Kottarakkara", slug="kottarakkara", district="Kollam",
                       opening_days="012345", opens_at=time(8, 30), closes_at=time(18),
                       address="College of Engineering, Pulamon P.O.\nKottarakkara 691531",
                       latitude=9.0062, longitude=76.7808, phone="0474 000 1001",
                       email="kottarakkara@wnh.example.org")
    admin = make.member(role="admin")
    site_photos.add_photo(session, admin, site, photo_bytes((1600, 1200)),
                          "The centre's front gate under coconut palms")
    session.commit()

    page = phone_page
    page.goto("/sites/kottarakkara")
    page.get_by_role("link", name="Address and directions").click()
    where = page.get_by_role("region", name="Where and who")
    expect(where).to_be_in_viewport()
    expect(where).to_contain_text("College of Engineering, Pulamon P.O.")
    expect(where).to_contain_text("Mon–Sat, 8:30 am – 6:00 pm")
    osm = where.get_by_role("link", name="Map on OpenStreetMap")
    expect(osm).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=9.006200&mlon=76.780800"
                "#map=17/9.006200/76.780800")
    expect(where.get_by_role("link", name="Open in your phone's maps app")).to_have_attribute(
        "href", "geo:9.006200,76.780800?q=9.006200,76.780800(WNH%20Kottarakkara)")
    expect(where.get_by_role("link", name="0474 000 1001")).to_have_attribute(
        "href", "tel:+914740001001")
    expect(where.get_by_role("link", name="kottarakkara@wnh.example.org")).to_be_visible()

    photo = page.get_by_role("img", name="The centre's front gate under coconut palms")
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == site_photos.THUMB_EDGE
    box = photo.bounding_box()
    assert box["width"] <= 390 and box["height"] > 100
    # Nothing wider than the phone: no sideways scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # No map tiles or third-party scripts were fetched for any of this.
    hosts = page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
    assert set(hosts) <= {page.url.split("/")[2]}


def test_the_district_filter_offers_all_fourteen_districts(phone_page, make, session):
    make.centre(name="WNH Pala", district="Kottayam")
    session.commit()
    phone_page.goto("/")
    options = phone_page.get_by_label("District").locator("option")
    expect(options).to_have_count(15)
    assert options.all_inner_texts()[1:4] == ["Thiruvananthapuram", "Kollam", "Pathanamthitta"]
    phone_page.get_by_label("District").select_option("Wayanad")
    phone_page.get_by_role("button", name="Show places").click()
    expect(phone_page.get_by_text("No places match these filters.")).to_be_visible()
