"""No input, however malformed, gives a 5xx: schemathesis against the OpenAPI document.

Generated requests (valid and invalid: wrong types, odd dates, unknown
fields, bad headers) hit every documented operation through the WSGI app;
every answer must be below 500 and, when it is an error, problem+json.
"""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

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
