"""What a stay owes and when: a placeholder the money work replaces.

``dues_for`` is what the API and pages show as a stay's dues, one dict per
due: ``{"due_on": date, "amount_paise": int, "paid_paise": int, "what": str}``
(the deposit and first month at arrival, then each month on the check-in
day, from the tariff in force). Until tariffs and payments are built it says
nothing is due.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Booking


def dues_for(session: Session, booking: Booking) -> list[dict]:
    """The stay's dues, in date order (none yet: see the module's docstring)."""
    return []
