"""What a stay owes: the money service answers (services/money/dues.py).

``dues_for`` is what the API and pages show as a stay's dues, one dict per
due: ``{"due_on": date, "amount_paise": int, "paid_paise": int, "what": str}``.
Kept here, where the booking pages and API import it from.
"""
from __future__ import annotations

from ..money.dues import dues_for

__all__ = ["dues_for"]
