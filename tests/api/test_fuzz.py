"""No input, however malformed, gives a 5xx: schemathesis against the OpenAPI document,
and Hypothesis throwing arbitrary JSON at every field of every request body.

Generated requests (valid and invalid: wrong types, odd dates, unknown
fields, bad headers, NUL and lone surrogates, huge numbers, deep nesting)
hit every documented operation through the WSGI app; every answer must be
below 500 and, when it is an error, problem+json.
"""
from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.api.openapi import openapi_document
from booking.services.accounts import tokens

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
                database=None)


def test_no_generated_request_gets_a_server_error(app, make, session):
    make.centre(desks=2, slug="kottarakkara")
    make.hostel(slug="technopark-hostel")
    _record, secret = tokens.create_token(session, make.member())
    session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /bookings", "GET /availability",
                                               "DELETE /bookings/{booking_id}"}, operations

    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers={"Authorization": f"Bearer {secret}"})
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text[:300])
            if response.status_code >= 400:
                headers = {k.lower(): v for k, v in response.headers.items()}
                content_type = headers["content-type"]
                content_type = content_type[0] if isinstance(content_type, list) else content_type
                assert content_type.startswith("application/problem+json"), content_type

        check()


# ---------------------------------------------------------------- every body field

# Text of every kind, including what cannot be stored (NUL, control characters)
# or even encoded (lone surrogates), and values the fields expect.
TEXT = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cs"]),
               max_size=12) | st.sampled_from(
    ["", " ", "2026-12-02", "2026-02-30", "morning", "full", "kottarakkara", "A1", "\x00"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.integers(min_value=-(10**400), max_value=10**400) | TEXT)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8)
MISSING = object()
BODY_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
                     database=None, derandomize=True)


def _body_fields():
    """(method, path, a valid example body, field) for every field of every request body
    in the OpenAPI document, and a field no schema has."""
    document = openapi_document()
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]["application/json"]
            examples = [e["value"] for e in content["examples"].values()]
            for option in content["schema"].get("oneOf", [content["schema"]]):
                schema = schemas[option["$ref"].rsplit("/", 1)[-1]]
                example = next(e for e in examples if set(e) <= set(schema["properties"]))
                for field in [*schema["properties"], "unexpected"]:
                    yield method.upper(), "/api/v1" + path, example, field


def _assert_a_clean_answer(response, sent) -> None:
    assert response.status_code < 500, (sent, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", sent
        assert response.get_json()["detail"]


def test_arbitrary_json_in_any_body_field_never_gets_a_server_error(app, make, session):
    make.centre(desks=2, slug="kottarakkara")
    make.hostel(slug="technopark-hostel")
    _record, secret = tokens.create_token(session, make.member())
    session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    fields = list(_body_fields())
    assert {(path, field) for _m, path, _e, field in fields} >= {
        ("/api/v1/bookings", "part"), ("/api/v1/bookings", "bed"), ("/api/v1/bookings", "site")}

    for method, path, example, field in fields:
        @BODY_FUZZ
        @given(value=JSON_VALUES | st.just(MISSING))
        def send(value):
            body = {k: v for k, v in example.items() if k != field}
            if value is not MISSING:
                body[field] = value
            data = json.dumps(body)  # ensure_ascii: lone surrogates travel as \udXXX escapes
            _assert_a_clean_answer(
                client.open(path, method=method, data=data, headers=headers), body)

        send()


def test_arbitrary_bytes_as_a_body_never_get_a_server_error(app, make, session):
    make.centre(desks=2, slug="kottarakkara")
    _record, secret = tokens.create_token(session, make.member())
    session.commit()
    client = app.test_client()

    @BODY_FUZZ
    @given(data=st.binary(max_size=300) | JSON_VALUES.map(json.dumps).map(str.encode))
    def send(data):
        response = client.post("/api/v1/bookings", data=data, headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        _assert_a_clean_answer(response, data)

    send()
