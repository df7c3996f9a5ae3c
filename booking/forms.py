"""The base of every form: each text field the person types in is cleaned on the way in.

One filter for all of them (``booking/services/text.py``), added when a field is
bound, so a new form or field is covered without remembering to: single-line
fields lose every control character (a tab or line break becomes a space),
text areas and hidden fields keep their line breaks. Passwords are left exactly
as typed. A test checks that every form in the app derives from ``BaseForm``.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField

from .services.text import clean_line, clean_text


def _filter(clean):
    return lambda value: clean(value) if isinstance(value, str) else value


LINE_FILTER = _filter(clean_line)
TEXT_FILTER = _filter(clean_text)


def text_filter(field_class: type):
    """The cleaning filter for a kind of field, or None for fields that are not free text."""
    if not issubclass(field_class, StringField) or issubclass(field_class, PasswordField):
        return None
    return TEXT_FILTER if issubclass(field_class, (TextAreaField, HiddenField)) else LINE_FILTER


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            clean = text_filter(unbound_field.field_class)
            if clean is not None:
                filters = [*unbound_field.kwargs.get("filters", ()), clean]
                options = {**options, "filters": filters}
            return super().bind_field(form, unbound_field, options)
