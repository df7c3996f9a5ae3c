"""The base of every form: each text field the person types in is cleaned on the way in.

One filter for all of them (``booking/services/text.py``), added when a field is
bound, so a new form or field is covered without remembering to: single-line
fields lose every control character (a tab or line break becomes a space),
text areas and hidden fields keep their line breaks. Passwords are left exactly
as typed. A test checks that every form in the app derives from ``BaseForm``.
"""
from __future__ import annotations

from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import ngettext
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


class CatalogueTranslations:
    """WTForms' own messages ("This field is required.") from our catalogue.

    WTForms ships no Malayalam, so its built-in messages are listed below for
    extraction and looked up in booking/translations like every other string.
    WTForms fills in the %(min)d-style values itself, so nothing is formatted here.
    """

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


CATALOGUE_TRANSLATIONS = CatalogueTranslations()


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return CATALOGUE_TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            clean = text_filter(unbound_field.field_class)
            if clean is not None:
                filters = [*unbound_field.kwargs.get("filters", ()), clean]
                options = {**options, "filters": filters}
            return super().bind_field(form, unbound_field, options)


def _wtforms_messages() -> tuple:
    """WTForms' built-in messages (validators and fields, WTForms 3.x). Never called:
    written out so `pybabel extract` puts them in the catalogue for translators."""
    return (
        _("This field is required."),
        _("Invalid input."),
        _("Invalid email address."),
        _("Invalid URL."),
        _("Invalid UUID."),
        _("Invalid IP address."),
        _("Invalid Mac address."),
        _("Field must be equal to %(other_name)s."),
        _("Field must be between %(min)d and %(max)d characters long."),
        _("Number must be at least %(min)s."),
        _("Number must be at most %(max)s."),
        _("Number must be between %(min)s and %(max)s."),
        _("Date must be at least %(min)s."),
        _("Date must be at most %(max)s."),
        _("Date must be between %(min)s and %(max)s."),
        _("Invalid value, must be one of: %(values)s."),
        _("Invalid value, can't be any of: %(values)s."),
        _("This field cannot be edited."),
        _("This field is disabled and cannot have a value."),
        _("Not a valid choice."),
        _("Invalid Choice: could not coerce."),
        _("Invalid choice(s): one or more data inputs could not be coerced."),
        _("Not a valid date value."),
        _("Not a valid datetime value."),
        _("Not a valid time value."),
        _("Not a valid week value."),
        _("Not a valid integer value."),
        _("Not a valid decimal value."),
        _("Not a valid float value."),
        _("Invalid CSRF Token."),
        _("CSRF token missing."),
        _("CSRF failed."),
        _("CSRF token expired."),
        ngettext("Field must be at least %(min)d character long.",
                 "Field must be at least %(min)d characters long.", 1),
        ngettext("Field cannot be longer than %(max)d character.",
                 "Field cannot be longer than %(max)d characters.", 1),
        ngettext("Field must be exactly %(max)d character long.",
                 "Field must be exactly %(max)d characters long.", 1),
        ngettext("'%(value)s' is not a valid choice for this field.",
                 "'%(value)s' are not valid choices for this field.", 1),
    )
