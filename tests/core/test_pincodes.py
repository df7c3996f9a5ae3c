"""PIN codes: reading, placing (India Post's centroids, offline), distances, and sites near one."""
from __future__ import annotations

import time

import pytest

from booking.services.errors import InvalidCoordinates, InvalidPinCode, UnknownPinCode
from booking.services.sites import pincodes
from booking.services.sites.details import clean_site_details
from booking.services.sites.finding import SiteFilters, SiteSummary, get_sites
from booking.services.sites.importing import parse_centres_csv
from booking.services.sites.nearby import get_free_today, get_sites_near, order_by_distance
from booking.services.sites.pincodes import distance_km, locate, parse_pin
from booking.services.accounts.users import set_home_pin
from booking.models import DayPart, Site
from tests.conftest import TODAY


@pytest.mark.parametrize("text, pin", [("691506", "691506"), (" 691 506 ", "691506"),
                                       ("691-506", "691506"), ("900056", "900056")])
def test_a_pin_code_is_six_digits_spaces_and_hyphens_aside(text, pin):
    assert parse_pin(text) == pin


@pytest.mark.parametrize("text", ["", "69150", "6915066", "091506", "69150a", "PIN 691506",
                                  "６９１５０６", None])
def test_text_that_cannot_be_a_pin_code_is_refused_saying_what_one_looks_like(text):
    with pytest.raises(InvalidPinCode) as refused:
        parse_pin(text)
    assert refused.value.http_status == 400
    assert "six digits" in refused.value.message and "0" in refused.value.message


def test_a_pin_code_is_placed_at_its_centroid():
    latitude, longitude = locate("691506")  # Kottarakkara HO
    assert latitude == pytest.approx(9.0, abs=0.05)
    assert longitude == pytest.approx(76.77, abs=0.05)


def test_a_well_formed_pin_code_nobody_has_is_refused_by_name():
    with pytest.raises(UnknownPinCode) as refused:
        locate("999999")
    assert refused.value.http_status == 422
    assert "999999" in refused.value.message


def test_each_pin_code_is_looked_up_once_per_process():
    locate("695581")
    before = pincodes._centroid.cache_info()
    started = time.perf_counter()
    for _ in range(1000):
        locate("695581")
    assert time.perf_counter() - started < 0.1
    after = pincodes._centroid.cache_info()
    assert after.hits - before.hits == 1000 and after.misses == before.misses


def test_straight_line_distance_is_the_haversine():
    kottarakkara, kollam = (9.0, 76.77), (8.88333, 76.59)
    assert distance_km(kottarakkara, *kottarakkara) == 0
    assert distance_km(kottarakkara, *kollam) == pytest.approx(23.5, abs=0.3)
    assert distance_km(kottarakkara, *kollam) == pytest.approx(distance_km(kollam, *kottarakkara))
    # A quarter of the equator: the Earth's mean radius times pi/2.
    assert distance_km((0, 0), 0, 90) == pytest.approx(10007.5, abs=1)


def _summary(slug, latitude=None, longitude=None):
    return SiteSummary(Site(slug=slug, latitude=latitude, longitude=longitude), 0)


def test_sites_are_ordered_nearest_first_and_unplaced_ones_last():
    sites = [_summary("unplaced"), _summary("kozhikode", 11.25, 75.78),
             _summary("kollam", 8.88, 76.59), _summary("kottarakkara", 9.006, 76.78)]
    near = order_by_distance(sites, locate("691506"))
    assert [n.summary.site.slug for n in near] == ["kottarakkara", "kollam", "kozhikode",
                                                   "unplaced"]
    assert near[0].distance_km < 2 and near[-1].distance_km is None


def test_a_bengaluru_pin_orders_kerala_sites_too():
    sites = [_summary("trivandrum", 8.56, 76.88), _summary("kalpetta", 11.61, 76.08)]
    near = get_sites_near(sites, "560001")
    assert [n.summary.site.slug for n in near] == ["kalpetta", "trivandrum"]


def test_distances_for_250_sites_take_well_under_a_millisecond_each():
    sites = [_summary(f"s{i}", 8.2 + i * 0.018, 74.9 + i * 0.01) for i in range(250)]
    started = time.perf_counter()
    for _ in range(20):
        order_by_distance(sites, locate("691506"))
    assert (time.perf_counter() - started) / 20 < 0.02  # a request's share: under 20 ms


# ---------------------------------------------------------------- sites and members

def test_a_site_with_a_pin_code_and_no_coordinates_is_placed_at_its_centroid():
    fields = clean_site_details({"pin_code": "691 506"})
    assert fields["pin_code"] == "691506"
    assert (fields["latitude"], fields["longitude"]) == locate("691506")


def test_coordinates_an_admin_entered_are_kept_beside_the_pin_code():
    fields = clean_site_details({"pin_code": "691506", "latitude": 9.0062, "longitude": 76.7808})
    assert (fields["latitude"], fields["longitude"]) == (9.0062, 76.7808)


@pytest.mark.parametrize("pin", ["560001", "641001"])  # Bengaluru; Coimbatore, inside the box
def test_a_site_pin_code_outside_kerala_is_refused(pin):
    with pytest.raises(UnknownPinCode, match=f"{pin}.*outside Kerala"):
        clean_site_details({"pin_code": pin})
    with pytest.raises(UnknownPinCode, match=f"{pin}.*outside Kerala"):
        clean_site_details({"pin_code": pin, "latitude": 9.0, "longitude": 76.77})


def test_a_kerala_pin_code_the_source_misplaces_is_placed_by_its_offices_in_kerala():
    # India Post's data puts one of 678003's two offices at 15.59 N, so its centroid
    # falls in Karnataka; Kalpathi SO, the other, is in Palakkad.
    latitude, longitude = locate("678003")
    assert latitude == pytest.approx(10.80, abs=0.01)
    assert longitude == pytest.approx(76.64, abs=0.01)


def test_coordinates_outside_kerala_are_refused_for_the_latitude_field():
    with pytest.raises(InvalidCoordinates, match="outside Kerala") as refused:
        clean_site_details({"pin_code": "691506", "latitude": 12.97, "longitude": 77.59})
    assert refused.value.field == "latitude"


def test_an_empty_pin_code_clears_it():
    assert clean_site_details({"pin_code": ""})["pin_code"] is None


def test_a_member_saves_a_home_pin_code_or_clears_it(make):
    member = make.member()
    set_home_pin(member, " 691506 ")
    assert member.home_pin == "691506"
    with pytest.raises(UnknownPinCode):
        set_home_pin(member, "999999")
    with pytest.raises(InvalidPinCode):
        set_home_pin(member, "6915")
    assert member.home_pin == "691506"
    set_home_pin(member, "")
    assert member.home_pin is None


def test_free_places_today_are_counted_per_day_part_and_night(make, session):
    centre, hostel = make.centre(desks=3), make.hostel()
    make.desk_booking(site=centre, day=TODAY, part=DayPart.AFTERNOON)
    free = get_free_today(session, TODAY, [centre.id, hostel.id])
    assert free[centre.id] == {"morning": 3, "afternoon": 2}
    assert free[hostel.id] == {"night": 2}


# ---------------------------------------------------------------- CSV import

HEADER = "slug,name,district,desks,pin_code,lat,lon,latitude\n"


def test_csv_rows_take_a_pin_code_and_optional_lat_and_lon():
    rows, errors = parse_centres_csv(
        HEADER + "wnh-a,WNH A,Kollam,4,691506,,,\n"
                 "wnh-b,WNH B,Kollam,4,691001,8.9768,76.7152,\n")
    assert errors == []
    a, b = rows
    assert a.fields["pin_code"] == "691506"
    assert (a.fields["latitude"], a.fields["longitude"]) == locate("691506")
    assert (b.fields["latitude"], b.fields["longitude"]) == (8.9768, 76.7152)


def test_csv_rows_with_a_bad_pin_code_or_coordinates_are_each_reported():
    rows, errors = parse_centres_csv(
        HEADER + "wnh-a,WNH A,Kollam,4,69150,,,\n"
                 "wnh-b,WNH B,Kollam,4,999999,,,\n"
                 "wnh-c,WNH C,Kollam,4,,12.97,77.59,\n"
                 "wnh-d,WNH D,Kollam,4,,8.97,76.71,8.97\n"
                 "wnh-e,WNH E,Kollam,4,560001,,,\n")
    assert rows == []
    assert [line for line, _ in errors] == [2, 3, 4, 5, 6]
    messages = dict(errors)
    assert "six digits" in messages[2] and "999999" in messages[3]
    assert "outside Kerala" in messages[4] and "not both" in messages[5]
    assert "outside Kerala" in messages[6]


def test_sites_keep_their_pin_code(make, session):
    site = make.centre(pin_code="673016")
    session.flush()
    [summary] = get_sites(session, SiteFilters(), TODAY)
    assert summary.site.pin_code == "673016" and summary.site.has_coordinates
