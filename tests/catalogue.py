"""A small Malayalam catalogue built in memory, so tests of translation do not wait for
(or depend on) the translators' booking/translations/ml catalogue."""
from __future__ import annotations

from io import BytesIO

from babel.messages import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

MALAYALAM = {
    "Not found": "കണ്ടെത്തിയില്ല",
    "Invalid request": "അസാധുവായ അപേക്ഷ",
    "There is no site with the slug %(slug)s (see GET /api/v1/sites).":
        "%(slug)s എന്ന സ്ലഗ് ഉള്ള കേന്ദ്രമില്ല (GET /api/v1/sites കാണുക).",
    "Unknown field(s): %(unknown)s. Allowed: %(allowed)s.":
        "അറിയാത്ത ഫീൽഡ്: %(unknown)s. അനുവദനീയമായവ: %(allowed)s.",
    "%(site)s is closed from %(starts_on)s to %(ends_on)s.":
        "%(site)s %(starts_on)s മുതൽ %(ends_on)s വരെ അടച്ചിരിക്കുന്നു.",
    "No desk is free at %(site)s on %(day)s (%(part)s).":
        "%(site)s-ൽ %(day)s (%(part)s) ഒഴിവുള്ള ഡെസ്ക് ഇല്ല.",
    "%(day)s (%(part)s) has already passed.": "%(day)s (%(part)s) കഴിഞ്ഞുപോയി.",
    "morning": "രാവിലെ",
    "full": "മുഴുവൻ ദിവസം",
    "Wed": "ബുധൻ",
    "Hello %(name)s,": "നമസ്കാരം %(name)s,",
    "Your booking is confirmed.": "നിങ്ങളുടെ ബുക്കിങ് സ്ഥിരീകരിച്ചു.",
    "Booked: %(site)s, %(when)s": "ബുക്ക് ചെയ്തു: %(site)s, %(when)s",
    "%(weekday)s %(day)s, %(part)s": "%(weekday)s %(day)s, %(part)s",
}
PLURALS = {
    ("1 night", "%(num)d nights"): ("ഒരു രാത്രി", "%(num)d രാത്രി"),
}


def compile_catalogue(entries: dict, locale: str = "ml") -> Translations:
    """Entries (a msgid, or a (singular, plural) pair, to its translation) compiled as
    pybabel would, loaded as Babel loads a .mo file."""
    catalog = Catalog(locale=locale)
    for msgid, text in entries.items():
        catalog.add(msgid, text)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def malayalam_translations() -> Translations:
    return compile_catalogue(MALAYALAM | PLURALS)
