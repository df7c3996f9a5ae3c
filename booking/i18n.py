"""Template helpers: gettext via Flask-Babel, dates in Indian style."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from .clock import KOLKATA
from .services.accounts.users import format_phone
from .services.dates import format_day


def format_when(value: datetime) -> str:
    """25 Nov 2026, 14:05 (Kerala time)."""
    local = value.astimezone(KOLKATA)
    return f"{format_day(local.date())}, {local:%H:%M}"


def init_i18n(app: Flask) -> None:
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(lambda d: format_day(d) if isinstance(d, date) else "", "day")
    app.add_template_filter(lambda d: format_when(d) if d else "", "when")
