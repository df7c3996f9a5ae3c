"""A notice is written in its reader's language: the catalogue's words, Babel's dates.

The catalogue is the in-memory one of tests/catalogue.py (not the translators'), so
the test says what the mechanism does; month and day names are CLDR's, real.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from booking.clock import KOLKATA
from booking.models import DayPart, OutboxMessage
from booking.services.notices import render
from booking.services.notices.settings import MailSettings
from tests.catalogue import malayalam_translations
from tests.conftest import TODAY

SETTINGS = MailSettings(sender="Kerala WNH Booking <no-reply@booking.example.org>",
                        public_url="https://booking.example.org", secret_key="notice-test")


@pytest.fixture(autouse=True)
def malayalam(session, monkeypatch):
    session.info["mail"] = SETTINGS
    real = render.translations_for
    monkeypatch.setattr(render, "translations_for",
                        lambda locale: malayalam_translations() if locale == "ml" else real(locale))
    render._environment.cache_clear()  # environments made with the real catalogue
    yield
    render._environment.cache_clear()


def _confirmation(session, make, locale: str | None):
    member = make.member(email="asha@example.org", name="Asha Varghese")
    member.locale = locale  # the column comes with the language switch; None means English
    centre = make.centre(desks=1, name="WNH Kottarakkara", opens_at=time(8, 30))
    make.desk_booking(member=member, site=centre, day=TODAY + timedelta(days=1),
                      part=DayPart.MORNING)
    session.flush()
    (row,) = session.scalars(select(OutboxMessage))
    message = message_from_bytes(row.message, policy=policy.default)
    return row, message.get_body(("plain",)).get_content(), \
        message.get_body(("html",)).get_content()


def test_a_member_who_reads_malayalam_gets_the_confirmation_in_malayalam(session, make):
    row, text, html = _confirmation(session, make, "ml")
    assert row.subject == "ബുക്ക് ചെയ്തു: WNH Kottarakkara, ബുധൻ 2 ഡിസംബർ 2026, രാവിലെ"
    assert "നമസ്കാരം Asha Varghese," in text and "നിങ്ങളുടെ ബുക്കിങ് സ്ഥിരീകരിച്ചു." in text
    assert "2 ഡിസംബർ 2026, രാവിലെ (08:30" in text  # the weekday has no entry: English
    assert '<html lang="ml">' in html and "നിങ്ങളുടെ ബുക്കിങ് സ്ഥിരീകരിച്ചു." in html


def test_a_member_without_a_language_gets_english_as_before(session, make):
    row, text, html = _confirmation(session, make, None)
    assert row.subject == "Booked: WNH Kottarakkara, Wed 2 Dec 2026, morning"
    assert "Hello Asha Varghese," in text
    assert "Wednesday 2 Dec 2026, morning (08:30–13:00, Kerala time)" in text
    assert '<html lang="en">' in html


def test_mail_dates_come_from_cldr_for_the_readers_locale():
    assert render.kerala_date(date(2026, 12, 2), "ml") == "ബുധൻ 2 ഡിസംബർ 2026"
    assert render.kerala_date(date(2026, 12, 2)) == "Wed 2 Dec 2026"
    moment = datetime(2026, 12, 2, 14, 5, tzinfo=KOLKATA)
    assert render.kerala_time(moment, "ml") == "2 ഡിസംബർ 2026, 14:05"
    assert render.kerala_time(moment) == "2 Dec 2026, 14:05"
