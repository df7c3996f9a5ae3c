"""The API answers refusals in the language asked for (Accept-Language), and says which.

The catalogue is the small in-memory one of tests/catalogue.py, put in place of the
app's: this tests the mechanism, whatever the translators' catalogue holds today.
"""
from __future__ import annotations

import pytest
from flask import request
from flask_babel import get_babel

import booking.localize
from tests.catalogue import malayalam_translations


@pytest.fixture
def malayalam(app, monkeypatch):
    """Accept-Language chooses between English and Malayalam; Malayalam is the test catalogue."""
    monkeypatch.setattr(get_babel(app), "locale_selector",
                        lambda: request.accept_languages.best_match(["en", "ml"]) or "en")
    real = booking.localize.get_translations

    def translations():
        return malayalam_translations() if booking.localize.current_locale() == "ml" else real()

    monkeypatch.setattr(booking.localize, "get_translations", translations)


def test_a_refusal_asked_for_in_malayalam_is_in_malayalam(authed, centre, tomorrow, malayalam):
    response = authed.post("/api/v1/bookings", headers={"Accept-Language": "ml, en;q=0.5"},
                           json_body={"site": "nowhere", "date": tomorrow.isoformat()})
    assert response.status_code == 404
    assert response.headers["Content-Language"] == "ml"
    problem = response.get_json()
    assert problem["title"] == "കണ്ടെത്തിയില്ല"
    assert problem["detail"] == "'nowhere' എന്ന സ്ലഗ് ഉള്ള കേന്ദ്രമില്ല (GET /api/v1/sites കാണുക)."


def test_field_by_field_faults_are_translated_too(authed, centre, tomorrow, malayalam):
    response = authed.post("/api/v1/bookings", headers={"Accept-Language": "ml"},
                           json_body={"site": "kottarakkara", "date": tomorrow.isoformat(),
                                      "colour": "blue"})
    assert response.status_code == 400 and response.headers["Content-Language"] == "ml"
    problem = response.get_json()
    assert problem["title"] == "അസാധുവായ അപേക്ഷ"
    assert problem["errors"][0]["detail"].startswith("അറിയാത്ത ഫീൽഡ്: colour.")
    assert problem["detail"].startswith("അറിയാത്ത ഫീൽഡ്: colour.")


def test_without_accept_language_the_answer_is_english(authed, centre, tomorrow, malayalam):
    response = authed.post("/api/v1/bookings",
                           json_body={"site": "nowhere", "date": tomorrow.isoformat()})
    assert response.headers["Content-Language"] == "en"
    assert response.get_json()["detail"] == (
        "There is no site with the slug 'nowhere' (see GET /api/v1/sites).")
    assert response.get_json()["title"] == "Not found"
