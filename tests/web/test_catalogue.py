"""The Malayalam catalogue is whole: every message translated, none fuzzy, compiled as written.

Fails until the translators' booking/translations/ml catalogue is merged.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "booking/translations"
ML = TRANSLATIONS / "ml/LC_MESSAGES"


def read(path: Path):
    assert path.is_file(), f"{path.relative_to(TRANSLATIONS.parents[1])} is missing"
    with path.open("rb") as f:
        return (read_mo if path.suffix == ".mo" else read_po)(f)


@pytest.fixture
def catalogue():
    # Read in the test, not the fixture, so a missing file is a failure, not an error.
    return lambda: read(ML / "messages.po")


def translated(message) -> bool:
    forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(forms) and all(form and form.strip() for form in forms)


def plain(value):
    """A plural's id or forms as a tuple (read_po and read_mo differ), a string as is."""
    return value if isinstance(value, str) else tuple(value)


def described(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return repr(msgid[:100])


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    messages = [m for m in catalogue() if m.id]  # the header has an empty msgid
    untranslated = [described(m) for m in messages if not translated(m)]
    fuzzy = [described(m) for m in messages if m.fuzzy]
    problems = ([f"untranslated: {m}" for m in untranslated] + [f"fuzzy: {m}" for m in fuzzy])
    assert not problems, (f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy of "
                          f"{len(messages)} in ml/messages.po:\n  " + "\n  ".join(problems))


def test_the_catalogue_holds_every_message_of_the_template(catalogue):
    catalogue = catalogue()
    template = read(TRANSLATIONS / "messages.pot")
    missing = [described(m) for m in template if m.id and m.id not in catalogue]
    assert not missing, ("ml/messages.po lacks these messages of messages.pot (run "
                         "pybabel update):\n  " + "\n  ".join(missing))


def test_the_compiled_catalogue_is_the_written_one(catalogue):
    """The .mo holds exactly the .po's translations (file times say nothing after a checkout)."""
    catalogue = catalogue()
    compiled = read(ML / "messages.mo")
    written = {plain(m.id): plain(m.string) for m in catalogue
               if m.id and translated(m) and not m.fuzzy}
    in_mo = {plain(m.id): plain(m.string) for m in compiled if m.id}
    stale = sorted(repr(k) for k in written if in_mo.get(k) != written[k])
    extra = sorted(repr(k) for k in in_mo.keys() - written.keys())
    assert not stale and not extra, (
        "ml/messages.mo is out of date (run pybabel compile):\n  "
        + "\n  ".join([f"differs or missing: {s}" for s in stale]
                       + [f"not in .po: {e}" for e in extra]))
