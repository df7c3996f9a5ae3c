"""Sentences from the services put into the reader's language (the edge's half of
booking/services/messages.py): Flask-Babel's locale and catalogue of this request."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_translations

from .i18n import current_locale
from .services.errors import BookingError
from .services.messages import Text, translate


def localize(value: Any) -> Any:
    """A Text, a refusal's message, or Texts inside lists and dicts, in the reader's
    language; anything else unchanged."""
    if isinstance(value, BookingError):
        value = value.text
    if isinstance(value, Text):
        return translate(value, get_translations(), current_locale())
    if isinstance(value, dict):
        return {key: localize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item) for item in value]
    if type(value) is tuple:
        return tuple(localize(item) for item in value)
    return value


def init_localize(app: Flask) -> None:
    # Templates that show a service's sentence (a refusal in a preview) say |localize.
    app.add_template_filter(localize, "localize")
