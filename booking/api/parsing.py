"""Turning query strings and JSON bodies into typed values, or a clear 400.

JSON bodies are checked against the OpenAPI document's own request schemas
(``check_body``, with the jsonschema-rs validator), so what the document
promises is what the API enforces, field by field, before a handler looks
at a value. Text faults (NUL, unpaired surrogates) and malformed JSON were
already refused at the edge (booking/inputs.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import cache

import jsonschema_rs

from ..inputs import json_body
from ..services.errors import InvalidRequest
from ..services.messages import Text, _, join, join_or
from .openapi import openapi_document

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidBody(InvalidRequest):
    """A JSON body that does not fit its schema; each field at fault is listed."""

    def __init__(self, faults: list[tuple[str, Text]]) -> None:
        super().__init__(join([detail for _pointer, detail in faults[:3]], " "))
        self.problem_extras = {"errors": [{"pointer": f"#/{pointer}", "detail": detail}
                                          for pointer, detail in faults]}


def parse_date(value: object, name: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise InvalidRequest(_("'%(name)s' must be a date written YYYY-MM-DD, e.g. 2026-12-01.",
                               name=name))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(_("'%(name)s' is not a real date: %(value)s.",
                               name=name, value=value)) from None


def json_object() -> dict:
    """The request body as a JSON object (413 and text faults were answered at the edge)."""
    payload = json_body()
    if not isinstance(payload, dict):
        raise InvalidRequest(_("The request body must be a JSON object."))
    return payload


# ---------------------------------------------------------------- schemas

def _schema(name: str) -> dict:
    return openapi_document()["components"]["schemas"][name]


@cache
def _validator(name: str, fields: tuple[str, ...] | None):
    """A validator for a component schema, or for only some of its fields."""
    schema = _schema(name)
    if fields is not None:
        schema = {"type": "object",
                  "required": [f for f in schema.get("required", ()) if f in fields],
                  "properties": {f: schema["properties"][f] for f in fields}}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def check_body(payload: dict, schema_name: str, fields: Iterable[str] | None = None) -> None:
    """Refuse (400) a body that does not fit the named request schema, naming each field.

    With `fields`, only those fields are checked (required, type, format),
    e.g. the site before the site's kind says which schema applies.
    """
    validator = _validator(schema_name, tuple(fields) if fields is not None else None)
    try:
        errors = list(validator.iter_errors(payload))
    except ValueError:  # a number too large for the validator to represent
        errors = None
    if errors == []:
        return
    if errors is None:
        raise InvalidRequest(_("A number in the request body is out of range."))
    schema = _schema(schema_name)
    # Sorted by rank, place and field; the sentence (a Text) compares as its English.
    faults = sorted({_fault(error, schema) for error in errors},
                    key=lambda fault: (*fault[:3], str(fault[3])))
    raise InvalidBody([(pointer, detail) for _rank, _at, pointer, detail in faults])


def _fault(error, schema: dict) -> tuple[int, int, str, Text]:
    """One validation error as (rank, position, JSON pointer, a sentence saying what it
    should be); sorted, faults come in the order a person fixes them: the body, missing
    fields, unknown fields, then field by field."""
    kind, names = error.kind, list(schema["properties"])
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        name = kind.property
        if name not in names:
            return 1, 0, name, _("'%(name)s' is required.", name=name)
        return 1, names.index(name), name, _("'%(name)s' is required: it must be %(kind)s.",
                                             name=name, kind=describe(schema["properties"][name]))
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        unknown = ", ".join(sorted(str(k) for k in kind.unexpected))
        return 2, 0, "", _("Unknown field(s): %(unknown)s. Allowed: %(allowed)s.",
                           unknown=unknown, allowed=", ".join(sorted(names)))
    if not error.instance_path:
        return 0, 0, "", _("The request body must be a JSON object.")
    name = str(error.instance_path[0])
    return 3, names.index(name), name, _("'%(name)s' must be %(kind)s.", name=name,
                                         kind=describe(schema["properties"][name]))


def describe(field: dict) -> Text:
    """What a value of this schema looks like, in words."""
    if "enum" in field:
        return _("one of %(values)s", values=", ".join(str(v) for v in field["enum"]))
    if field.get("format") == "date":
        return _("a date written YYYY-MM-DD, e.g. 2026-12-01")
    types = field.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if types == ["array"] and "items" in field:
        items, least = describe(field["items"]), field.get("minItems", 0)
        if "maxItems" in field:
            return _("a list of %(items)s (at least %(least)s, at most %(most)s)",
                     items=items, least=least, most=field["maxItems"])
        return _("a list of %(items)s (at least %(least)s)", items=items, least=least)
    if "string" in types:
        words = (_("a non-empty string of at most %(most)s characters", most=field["maxLength"])
                 if "maxLength" in field else _("a non-empty string"))
        return _("%(kind)s (or null)", kind=words) if "null" in types else words
    kinds = {"integer": _("a whole number"), "boolean": _("true or false"), "null": _("null")}
    return join_or([kinds.get(t, _("a JSON %(type)s", type=t)) for t in types]) or _("valid")
