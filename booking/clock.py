"""Kerala local time: every date in the product is an Asia/Kolkata calendar date."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

KOLKATA = ZoneInfo("Asia/Kolkata")


def now_in_kerala() -> datetime:
    return datetime.now(KOLKATA)


def today_in_kerala() -> date:
    return now_in_kerala().date()
