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
from .openapi import openapi_document

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidBody(InvalidRequest):
    """A JSON body that does not fit its schema; each field at fault is listed."""

    def __init__(self, faults: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(detail for _pointer, detail in faults[:3]))
        self.problem_extras = {"errors": [{"pointer": f"#/{pointer}", "detail": detail}
                                          for pointer, detail in faults]}


def parse_date(value: object, name: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise InvalidRequest(f"'{name}' must be a date written YYYY-MM-DD, e.g. 2026-12-01.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"'{name}' is not a real date: {value}.") from None


def json_object() -> dict:
    """The request body as a JSON object (413 and text faults were answered at the edge)."""
    payload = json_body()
    if not isinstance(payload, dict):
        raise InvalidRequest("The request body must be a JSON object.")
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
        raise InvalidRequest("A number in the request body is out of range.")
    schema = _schema(schema_name)
    faults = sorted({_fault(error, schema) for error in errors})
    raise InvalidBody([(pointer, detail) for _rank, _at, pointer, detail in faults])


def _fault(error, schema: dict) -> tuple[int, int, str, str]:
    """One validation error as (rank, position, JSON pointer, a sentence saying what it
    should be); sorted, faults come in the order a person fixes them: the body, missing
    fields, unknown fields, then field by field."""
    kind, names = error.kind, list(schema["properties"])
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        name = kind.property
        should = f": it must be {describe(schema['properties'][name])}" if name in names else ""
        return 1, names.index(name) if name in names else 0, name, f"'{name}' is required{should}."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        unknown = ", ".join(sorted(str(k) for k in kind.unexpected))
        return 2, 0, "", f"Unknown field(s): {unknown}. Allowed: {', '.join(sorted(names))}."
    if not error.instance_path:
        return 0, 0, "", "The request body must be a JSON object."
    name = str(error.instance_path[0])
    return 3, names.index(name), name, f"'{name}' must be {describe(schema['properties'][name])}."


def describe(field: dict) -> str:
    """What a value of this schema looks like, in words."""
    if "enum" in field:
        return "one of " + ", ".join(str(v) for v in field["enum"])
    if field.get("format") == "date":
        return "a date written YYYY-MM-DD, e.g. 2026-12-01"
    types = field.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if types == ["array"] and "items" in field:
        most = f", at most {field['maxItems']}" if "maxItems" in field else ""
        return f"a list of {describe(field['items'])} (at least {field.get('minItems', 0)}{most})"
    if "string" in types:
        words = "a non-empty string"
        if "maxLength" in field:
            words += f" of at most {field['maxLength']} characters"
        return words + (" (or null)" if "null" in types else "")
    return " or ".join({"integer": "a whole number", "boolean": "true or false",
                        "null": "null"}.get(t, f"a JSON {t}") for t in types) or "valid"
