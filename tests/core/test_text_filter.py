"""One filter cleans every free-text field a person types in (booking/forms.py,
booking/services/text.py): reasons, notes, names, addresses, search boxes."""
from __future__ import annotations

import inspect

import pytest
from flask_wtf import FlaskForm
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField

import booking.admin.forms  # noqa: F401  (imported so that every form class exists)
import booking.web.forms  # noqa: F401
import booking.web.tokens  # noqa: F401
from booking import create_app
from booking.forms import BaseForm
from booking.services.text import clean_line, clean_text

DIRTY = "\t=1+1\x00\x07\x1b[31m\r\nnext\x85line\u2028end\x7f\x9b"
CONTROLS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]}


def _all_forms() -> list[type]:
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("booking."):
                found.append(sub)
            todo.append(sub)
    return found


def test_every_form_of_the_app_derives_from_the_cleaning_base_form():
    forms = _all_forms()
    assert len(forms) > 30
    assert [f.__qualname__ for f in forms if not issubclass(f, BaseForm)] == []


@pytest.fixture(scope="module")
def form_app():
    return create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                       "DATABASE_URL": "sqlite://"})


def _text_fields(form_class) -> list[tuple[str, type]]:
    return [(name, field.field_class) for name, field in inspect.getmembers(form_class)
            if hasattr(field, "field_class") and issubclass(field.field_class, StringField)]


@pytest.mark.parametrize("form_class", _all_forms(), ids=lambda f: f.__qualname__)
def test_every_text_field_of_every_form_keeps_no_control_character(form_app, form_class):
    fields = _text_fields(form_class)
    with form_app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict({name: DIRTY for name, _cls in fields}))
        for name, field_class in fields:
            data = form[name].data
            if issubclass(field_class, PasswordField):
                assert data == DIRTY, name  # a password is taken exactly as typed
            else:
                assert not (set(data) - {"\n"}) & CONTROLS, (name, data)


def test_a_line_loses_breaks_and_controls_and_a_text_keeps_its_lines():
    assert clean_line(DIRTY) == " =1+1[31m next line end"
    assert clean_text(DIRTY) == " =1+1[31m\nnext\nline\nend"
    assert clean_line("Onam ഓണം\u200d holiday") == "Onam ഓണം\u200d holiday"  # ZWJ stays


@given(st.text())
def test_cleaned_text_never_holds_a_control_character_but_a_line_feed(text):
    assert not set(clean_line(text)) & CONTROLS
    assert not (set(clean_text(text)) - {"\n"}) & CONTROLS
