"""Rupees as people write them, paise as the database keeps them, and amounts in words.

Words use the Indian system (thousand, lakh, crore), the way a receipt or a
cheque in Kerala spells an amount: "Rupees One Lakh Twenty-Three Thousand
Four Hundred Fifty-Six and Fifty Paise Only".
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from ..errors import InvalidRequest
from ..messages import _

# ₹1 crore: far above any hostel bill, and well inside a 32-bit column of paise.
MAX_PAISE = 100_000_000_00

_RUPEES = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_rupees(text: str | Decimal | int | float | None) -> int:
    """'7,500.50' (or ₹7500.5, or a Decimal) → 750050 paise; refuses what is not money."""
    raw = str(text if text is not None else "").strip().replace("₹", "").replace(",", "")
    raw = raw.replace(" ", "")
    if raw.startswith("-"):
        raise InvalidRequest(_('Enter the amount without a minus sign.'))
    if not _RUPEES.match(raw):
        raise InvalidRequest(_("Enter an amount in rupees, with at most two digits after the "
                               "point (for example 7500 or 7,500.50)."))
    try:
        paise = int((Decimal(raw) * 100).to_integral_exact())
    except InvalidOperation:  # pragma: no cover - the pattern already rules it out
        raise InvalidRequest(_('Enter an amount in rupees.')) from None
    if paise > MAX_PAISE:
        raise InvalidRequest(_('That amount is more than ₹1,00,00,000; check it.'))
    return paise


def rupees_text(paise: int) -> str:
    """Plain rupees for a form or a CSV: 750050 → '7500.50'."""
    sign = "-" if paise < 0 else ""
    whole, part = divmod(abs(paise), 100)
    return f"{sign}{whole}.{part:02d}"


def format_inr(paise: int, locale: str = "en_IN") -> str:
    """₹1,23,456.00: Indian digit grouping (lakhs, crores) whatever the page's language."""
    # en_IN's pattern groups the Indian way; ml_IN too, but Babel writes ml digits
    # the same, so one pattern keeps receipts alike in both languages.
    return format_currency(Decimal(paise) / 100, "INR", locale="en_IN")


_ONES = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
         "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen",
         "Eighteen", "Nineteen")
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_ONES[hundreds]} Hundred"] if hundreds else []
    if rest:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """A whole number in Indian-system words: 12345678 → 'One Crore Twenty-Three Lakh ...'."""
    if n < 0:
        raise ValueError("a count, not a negative number")
    if n == 0:
        return "Zero"
    crores, rest = divmod(n, 10_000_000)
    lakhs, rest = divmod(rest, 100_000)
    thousands, rest = divmod(rest, 1000)
    parts = []
    if crores:
        # Beyond 99 crore the crores are themselves counted in the Indian way.
        parts.append(f"{number_in_words(crores)} Crore")
    if lakhs:
        parts.append(f"{_below_hundred(lakhs)} Lakh")
    if thousands:
        parts.append(f"{_below_hundred(thousands)} Thousand")
    if rest:
        parts.append(_below_thousand(rest))
    return " ".join(parts)


def amount_in_words(paise: int) -> str:
    """'Rupees Seven Thousand Five Hundred and Fifty Paise Only' (the sign is not spelled)."""
    rupees, part = divmod(abs(paise), 100)
    words = f"Rupees {number_in_words(rupees)}"
    if part:
        words += f" and {number_in_words(part)} Paise"
    return words + " Only"
