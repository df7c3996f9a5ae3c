"""Mail bodies from Jinja templates under ``templates/mail/``, without Flask.

Each notice has ``mail/<name>.txt`` and ``mail/<name>.html``; the HTML one is
autoescaped, the text one is not (it is never shown as HTML). Each is written
in the recipient's language: ``_()`` uses that language's catalogue under
``booking/translations`` (English, the message ids, when there is none), and
dates are written by Babel (CLDR month and day names) for that locale.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ...clock import KOLKATA
from ..dates import part_name
from ..messages import ENGLISH, Text, translate

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@cache
def translations_for(locale: str) -> NullTranslations:
    """The catalogue of `locale` (loaded once per process); English needs none."""
    if locale == ENGLISH:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [locale])


def kerala_date(day: date, locale: str = ENGLISH) -> str:
    """Tue 2 Dec 2026 in English; the day, month and weekday names of CLDR otherwise."""
    if locale == ENGLISH:
        return day.strftime("%a %-d %b %Y")
    return format_date(day, "EEE d MMMM y", locale=locale)


def kerala_time(moment: datetime, locale: str = ENGLISH) -> str:
    """2 Dec 2026, 14:05 (Kerala time)."""
    local = moment.astimezone(KOLKATA)
    if locale == ENGLISH:
        return local.strftime("%-d %b %Y, %H:%M")
    return format_datetime(local, "d MMMM y, HH:mm", tzinfo=KOLKATA, locale=locale)


@cache
def _environment(locale: str = ENGLISH) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    translations = translations_for(locale)
    env.install_gettext_translations(translations, newstyle=True)
    env.filters["kerala_date"] = lambda d: kerala_date(d, locale)
    env.filters["kerala_time"] = lambda t: kerala_time(t, locale)
    env.filters["part"] = lambda p: translate(part_name(p), translations, locale)
    return env


def localized(value: Any, locale: str) -> Any:
    """Service sentences (Text) in a context, also inside dicts and lists, in `locale`."""
    if isinstance(value, Text):
        return value.translate(translations_for(locale), locale)
    if isinstance(value, dict):
        return {key: localized(item, locale) for key, item in value.items()}
    if isinstance(value, list):
        return [localized(item, locale) for item in value]
    return value


def render(name: str, *, locale: str = ENGLISH, **context) -> tuple[str, str]:
    """(text, html) for the notice ``name``, written for a reader of ``locale``."""
    env = _environment(locale)
    context = localized(context, locale) | {"locale": locale}
    return (env.get_template(f"mail/{name}.txt").render(**context),
            env.get_template(f"mail/{name}.html").render(**context))
