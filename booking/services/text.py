"""Free text as it is kept: no control characters (one filter for every field).

A reason, a note or a name is shown on pages, put in mails and exported to
CSV. Control characters have no place in any of them: a tab or a carriage
return at the start of a cell makes a spreadsheet read it as a formula, an
escape sequence garbles a terminal, a NUL cannot be stored by PostgreSQL.
The forms apply these to every text field they read (booking/forms.py), and
the CSV import to every cell.
"""
from __future__ import annotations

import re

# Line and paragraph breaks of every spelling (CR LF, CR, NEL, VT, FF, U+2028/9).
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Every C0 and C1 control character and DEL, except tab and line feed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_SPACES = re.compile(r"[\t\n]+")


def clean_text(text: str) -> str:
    """Multi-line text (an address, a description): one kind of line break, no other
    control characters; a tab becomes a space."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text).replace("\t", " "))


def clean_line(text: str) -> str:
    """One line (a reason, a name): breaks and tabs become a space, other controls go."""
    return _LINE_SPACES.sub(" ", clean_text(text))
