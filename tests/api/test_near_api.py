"""GET /api/v1/sites?near=PIN[&limit=N]: distances, nearest first, and clear refusals."""
from __future__ import annotations

import pytest


@pytest.fixture
def sites(make, session):
    make.centre(slug="kottarakkara", latitude=9.0062, longitude=76.7808, pin_code="691506")
    make.centre(slug="kalpetta", district="Wayanad", pin_code="673121")  # placed by its PIN
    make.hostel(slug="technopark-hostel", district="Thiruvananthapuram",
                latitude=8.5581, longitude=76.8816)
    make.centre(slug="unplaced")
    session.commit()


def test_every_site_gains_a_distance_and_the_list_runs_nearest_first(api, sites):
    response = api.get("/api/v1/sites?near=691506")
    assert response.status_code == 200
    listed = response.get_json()["sites"]
    assert [s["slug"] for s in listed] == ["kottarakkara", "technopark-hostel", "kalpetta",
                                           "unplaced"]
    assert listed[0]["distance_km"] == 1.4 and listed[0]["pin_code"] == "691506"
    assert listed[-1]["distance_km"] is None
    assert all(s["distance_km"] == round(s["distance_km"], 1) for s in listed[:-1])


def test_a_bengaluru_pin_lists_the_nearest_kerala_sites(api, sites):
    listed = api.get("/api/v1/sites?near=560001&limit=2").get_json()["sites"]
    assert [s["slug"] for s in listed] == ["kalpetta", "kottarakkara"]
    assert 200 < listed[0]["distance_km"] < 250


def test_limit_cuts_the_list_with_or_without_near(api, sites):
    assert len(api.get("/api/v1/sites?near=691506&limit=1").get_json()["sites"]) == 1
    assert len(api.get("/api/v1/sites?limit=3").get_json()["sites"]) == 3
    assert "distance_km" not in api.get("/api/v1/sites").get_json()["sites"][0]


@pytest.mark.parametrize("query", ["near=69150", "near=091506", "near=abcdef", "near=",
                                   "near=6915061"])
def test_a_malformed_pin_is_a_400_saying_what_a_pin_looks_like(api, sites, query):
    response = api.get(f"/api/v1/sites?{query}")
    assert response.status_code == 400
    assert "six digits" in response.get_json()["detail"]


def test_a_well_formed_pin_nobody_has_is_a_422_naming_it(api, sites):
    response = api.get("/api/v1/sites?near=999999")
    assert response.status_code == 422
    assert "999999" in response.get_json()["detail"]


@pytest.mark.parametrize("limit", ["0", "501", "-1", "five", "2.5", ""])
def test_a_limit_outside_1_to_500_is_a_400(api, sites, limit):
    response = api.get(f"/api/v1/sites?near=691506&limit={limit}")
    assert response.status_code == 400
    assert "1 to 500" in response.get_json()["detail"]
