"""Refusals on the pages are in the reader's language: form errors and step one's notice.

The catalogue is the in-memory one of tests/catalogue.py, put in place of the
app's for Malayalam readers; month names are CLDR's.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date
from flask_babel import get_babel

import booking.localize
from booking.clock import today_in_kerala
from booking.services.sites.capacity import add_closure
from tests.catalogue import malayalam_translations

from .conftest import submit, text_of


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, name="WNH Pala")
    session.commit()
    return site


@pytest.fixture
def malayalam(app, monkeypatch):
    monkeypatch.setattr(get_babel(app), "locale_selector", lambda: "ml")
    monkeypatch.setattr(booking.localize, "get_translations", malayalam_translations)


def test_a_refusal_on_the_form_is_in_malayalam(member_client, centre, malayalam):
    day = today_in_kerala() - timedelta(days=3)
    response = submit(member_client, f"/sites/{centre.slug}/book-desk",
                      {"action": "book", "day": day.isoformat(), "part": "full",
                       "shown_day": day.isoformat(), "shown_part": "full"})
    assert response.status_code == 422
    written = format_date(day, "d MMMM y", locale="ml")
    assert f"{written} (മുഴുവൻ ദിവസം) കഴിഞ്ഞുപോയി." in text_of(response)


def test_step_one_says_in_malayalam_that_the_centre_is_closed(member_client, centre, session,
                                                              malayalam):
    day = today_in_kerala() + timedelta(days=4)
    add_closure(session, centre, day, day)
    session.commit()
    page = text_of(member_client.get(f"/sites/{centre.slug}/book-desk?day={day}&part=full"))
    written = format_date(day, "d MMMM y", locale="ml")
    assert f"WNH Pala {written} മുതൽ {written} വരെ അടച്ചിരിക്കുന്നു." in page
