"""The Malayalam catalogue is whole: every message in the code is in it, translated, none
fuzzy, and compiled as written.

Fails until the translators' booking/translations/ml catalogue is merged.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "booking/translations"
ML = TRANSLATIONS / "ml/LC_MESSAGES"


def read(path: Path):
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
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


def described_id(msgid) -> str:
    return repr((msgid if isinstance(msgid, str) else msgid[0])[:100])


def described(message) -> str:
    return described_id(message.id)


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    messages = [m for m in catalogue() if m.id]  # the header has an empty msgid
    untranslated = [described(m) for m in messages if not translated(m)]
    fuzzy = [described(m) for m in messages if m.fuzzy]
    problems = ([f"untranslated: {m}" for m in untranslated] + [f"fuzzy: {m}" for m in fuzzy])
    assert not problems, (f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy of "
                          f"{len(messages)} in ml/messages.po:\n  " + "\n  ".join(problems))


def messages_in_the_code():
    """What `make messages` would extract, read from the code itself (babel.cfg's map)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # the Makefile's -k
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords):
        yield f"{filename}:{lineno}", message


def test_the_catalogue_holds_every_message_in_the_code(catalogue):
    catalogue = catalogue()
    missing = [f"{where}: {described_id(message)}" for where, message in messages_in_the_code()
               if (message if isinstance(message, str) else message[0]) not in catalogue]
    assert not missing, (f"{len(missing)} messages in the code are not in ml/messages.po "
                         "(make messages, then translate them):\n  " + "\n  ".join(missing))


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
