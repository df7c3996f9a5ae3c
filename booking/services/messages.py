"""Sentences for people, kept as a message id and its parameters (no Flask here).

Services say ``_("%(site)s is closed on %(day)s.", site=site.name, day=day)``
and hand the result on; ``str()`` gives today's English, and the edge that
knows the reader's language calls ``translate(translations, locale)``. Dates,
times and nested sentences stay values until then, so each language writes
them its own way (month names from CLDR via Babel).

``_`` and ``ngettext`` are pybabel's default keywords: the message ids are
extracted with the rest of the catalogue.
"""
from __future__ import annotations

from datetime import date, datetime, time
from gettext import NullTranslations
from typing import Any

from babel.dates import format_date, format_time

from ..clock import KOLKATA

ENGLISH = "en"


class Text(str):
    """A sentence to put into words at the edge: a message id (and plural) with parameters.

    It is a str too, its English: whatever treats it as text (logs, the CLI, JSON
    kept in the database, tests) reads today's English, and only the edge that
    knows the reader asks for `translate()`.
    """

    msgid: str
    plural: str | None
    n: int | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any], plural: str | None = None,
                n: int | None = None) -> Text:
        english = _format(msgid if plural is None or n == 1 else plural, params,
                          NullTranslations(), ENGLISH)
        self = super().__new__(cls, english)
        self.msgid, self.plural, self.n, self.params = msgid, plural, n, params
        return self

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, {self.params!r})"

    def __reduce__(self):
        return (Text, (self.msgid, self.params, self.plural, self.n))

    # Not str.translate(table): a Text is only ever translated into a language.
    def translate(self, translations: NullTranslations,  # type: ignore[override]
                  locale: str) -> str:
        """The sentence in the catalogue's language, its dates written for `locale`."""
        if self.plural is None:
            pattern = translations.gettext(self.msgid)
        else:
            pattern = translations.ngettext(self.msgid, self.plural, self.n or 0)
        try:
            return _format(pattern, self.params, translations, locale)
        except (KeyError, ValueError, TypeError):
            # A translation whose %(name)s places do not match: the English, not a 500.
            english = self.msgid if self.plural is None or self.n == 1 else self.plural
            return _format(english, self.params, translations, locale)


def _format(pattern: str, params: dict[str, Any], translations: NullTranslations,
            locale: str) -> str:
    if not params:
        return pattern
    return pattern % {name: format_value(value, translations, locale)
                      for name, value in params.items()}


def _(msgid: str, **params: Any) -> Text:
    """A sentence to translate at the edge; `params` fill its %(name)s places."""
    return Text(msgid, params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> Text:
    """One of two sentences by `n` (which is also the parameter `num`)."""
    return Text(singular, {"num": n, **params}, plural, n)


def written(value: Any) -> Text:
    """One value (a date, a time) to be written as the reader's language writes it."""
    return Text("%(value)s", {"value": value})


def join(items: list[Any], separator: str = ", ") -> Text:
    """Values (Texts too) in a row, as a list is written: "Mon, Wed, Fri"."""
    pattern = separator.replace("%", "%%").join(f"%(item{i})s" for i in range(len(items)))
    return Text(pattern, {f"item{i}": item for i, item in enumerate(items)})


def join_or(items: list[Any]) -> Text | Any:
    """Values in a row as choices: "Monday or Wednesday" ("" for none)."""
    if not items:
        return ""
    joined = items[0]
    for item in items[1:]:
        joined = _("%(first)s or %(second)s", first=joined, second=item)
    return joined


def format_value(value: Any, translations: NullTranslations, locale: str) -> Any:
    """A parameter as `locale` writes it; numbers and plain strings pass through."""
    if isinstance(value, Text):
        return value.translate(translations, locale)
    if isinstance(value, datetime):
        local = value.astimezone(KOLKATA) if value.tzinfo else value
        return f"{format_date_for(local.date(), locale)}, {local:%H:%M}"
    if isinstance(value, date):
        return format_date_for(value, locale)
    if isinstance(value, time):
        return f"{value:%H:%M}" if is_english(locale) else format_time(value, "HH:mm",
                                                                         locale=locale)
    return value


def format_date_for(day: date, locale: str) -> str:
    """25 Nov 2026 in English (as the site always wrote it); day, month name, year in others."""
    if is_english(locale):
        return f"{day.day} {day:%b %Y}"
    return format_date(day, "d MMMM y", locale=locale)


def is_english(locale: str) -> bool:
    return locale == ENGLISH or locale.startswith(ENGLISH + "_")


def translate(value: Any, translations: NullTranslations, locale: str) -> str:
    """A Text in the reader's language; anything else as its str()."""
    if isinstance(value, Text):
        return value.translate(translations, locale)
    return str(value)
