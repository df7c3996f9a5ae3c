"""Sentences from the services: English by str(), any language at the edge, no bare English.

Services say ``_("...%(name)s...", name=...)`` (booking/services/messages.py);
the page, the API or the mail that knows the reader translates.
"""
from __future__ import annotations

import ast
from datetime import date, datetime, time, timezone
from gettext import NullTranslations
from pathlib import Path

from booking.services.dates import WEEKDAYS, format_span, part_name
from booking.services.errors import NotFound, SiteClosedOn
from booking.services.messages import Text, _, join_or, ngettext
from tests.catalogue import compile_catalogue, malayalam_translations

SERVICES = Path(__file__).resolve().parents[2] / "booking" / "services"


def test_a_text_is_its_english_and_keeps_its_message_id_and_parameters():
    text = _("%(site)s is closed from %(starts_on)s to %(ends_on)s.", site="WNH Kollam",
             starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26))
    assert str(text) == text == "WNH Kollam is closed from 24 Dec 2026 to 26 Dec 2026."
    assert text.msgid == "%(site)s is closed from %(starts_on)s to %(ends_on)s."
    assert text.params["starts_on"] == date(2026, 12, 24)


def test_a_text_in_malayalam_has_the_catalogues_words_and_cldr_month_names():
    text = _("%(site)s is closed from %(starts_on)s to %(ends_on)s.", site="WNH Kollam",
             starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26))
    assert text.translate(malayalam_translations(), "ml") == (
        "WNH Kollam 24 ഡിസംബർ 2026 മുതൽ 26 ഡിസംബർ 2026 വരെ അടച്ചിരിക്കുന്നു.")


def test_nested_texts_are_translated_too():
    text = _("No desk is free at %(site)s on %(day)s (%(part)s).", site="WNH Kollam",
             day=date(2026, 12, 2), part=part_name("morning"))
    assert text == "No desk is free at WNH Kollam on 2 Dec 2026 (morning)."
    assert text.translate(malayalam_translations(), "ml") == (
        "WNH Kollam-ൽ 2 ഡിസംബർ 2026 (രാവിലെ) ഒഴിവുള്ള ഡെസ്ക് ഇല്ല.")


def test_without_a_translation_the_english_stays_but_dates_follow_the_locale():
    text = format_span(date(2026, 12, 8), date(2026, 12, 10))
    assert text == "from 8 Dec 2026 to 10 Dec 2026"
    assert text.translate(NullTranslations(), "ml") == "from 8 ഡിസംബർ 2026 to 10 ഡിസംബർ 2026"


def test_plurals_follow_the_number_in_each_language():
    assert ngettext("1 night", "%(num)d nights", 1) == "1 night"
    assert ngettext("1 night", "%(num)d nights", 3) == "3 nights"
    ml = malayalam_translations()
    assert ngettext("1 night", "%(num)d nights", 1).translate(ml, "ml") == "ഒരു രാത്രി"
    assert ngettext("1 night", "%(num)d nights", 3).translate(ml, "ml") == "3 രാത്രി"


def test_times_datetimes_and_choices_are_written_as_before_in_english():
    moment = datetime(2026, 12, 1, 3, 35, tzinfo=timezone.utc)  # 09:05 in Kerala
    text = _("At %(when)s, by %(time)s, on %(days)s", when=moment, time=time(17, 30),
             days=join_or([WEEKDAYS[0], WEEKDAYS[4]]))
    assert text == "At 1 Dec 2026, 09:05, by 17:30, on Monday or Friday"
    assert text.translate(NullTranslations(), "ml").startswith("At 1 ഡിസംബർ 2026, 09:05")


def test_a_refusal_carries_its_text_and_its_english_message():
    error = SiteClosedOn(_("%(site)s is closed from %(starts_on)s to %(ends_on)s.",
                           site="WNH Kollam", starts_on=date(2026, 12, 24),
                           ends_on=date(2026, 12, 24)))
    assert error.message == str(error) == "WNH Kollam is closed from 24 Dec 2026 to 24 Dec 2026."
    assert isinstance(error.text, Text) and isinstance(error.title, Text)
    assert error.title.translate(malayalam_translations(), "ml") == error.title  # not in it
    assert NotFound("No such site.").text == "No such site."  # plain strings still work
    assert NotFound.title.translate(malayalam_translations(), "ml") == "കണ്ടെത്തിയില്ല"


# ---------------------------------------------------------------- no English left bare

# Raised for operators or programmers, never shown to a member: English is right there.
NOT_FOR_PEOPLE = {
    ("notices/delivery.py", "ValueError"),     # MAIL_URL is misconfigured (startup)
    ("notices/delivery.py", "DeliveryError"),  # SMTP diagnostics, kept on the outbox row
    ("notices/calendar.py", "ValueError"),     # a programming error
    ("money/amounts.py", "ValueError"),        # a programming error (a negative count)
}


def _bare_literal_raises() -> list[str]:
    found = []
    for path in sorted(SERVICES.rglob("*.py")):
        where = path.relative_to(SERVICES).as_posix()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and node.exc.args):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "?")
            first = node.exc.args[0]
            is_literal = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str))
            if is_literal and (where, name) not in NOT_FOR_PEOPLE:
                found.append(f"{where}:{node.lineno} raise {name}(<literal>)")
    return found


def test_no_service_raises_a_bare_english_literal():
    # Wrap the message: raise X(_("... %(name)s ...", name=...)), so the edge can translate it.
    assert _bare_literal_raises() == []


def test_a_translation_with_the_wrong_places_falls_back_to_english():
    broken = compile_catalogue({"No such booking %(id)s.": "ബുക്കിങ് %(number)s ഇല്ല."})
    assert _("No such booking %(id)s.", id=7).translate(broken, "ml") == "No such booking 7."
