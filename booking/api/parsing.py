"""Turning query strings and JSON bodies into typed values, or a clear 400."""
from __future__ import annotations

import json
import re
from datetime import date

from flask import request

from ..services.errors import InvalidRequest

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: object, name: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise InvalidRequest(f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-12-01.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"'{name}' is not a real date: {value}.") from None


def json_object() -> dict:
    """The request body as a JSON object (413 is raised by Flask before this)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise InvalidRequest("Send a JSON object in the request body.")
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidRequest("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    return payload


def take_string(payload: dict, name: str, *, required: bool = True,
                max_length: int = 200) -> str | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"'{name}' is required.")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise InvalidRequest(f"'{name}' must be a non-empty string of at most {max_length} characters.")
    return value.strip()


def reject_unknown(payload: dict, allowed: set[str]) -> None:
    unknown = sorted(str(k) for k in payload if k not in allowed)
    if unknown:
        raise InvalidRequest(
            f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(allowed))}."
        )
