"""Hostile input against the JSON API, generated from its own OpenAPI document.

Schemathesis derives requests for every operation in /api/v1/openapi.json,
both fitting the schema (positive) and breaking it (negative), with a real
member's token, and checks each answer: never a 5xx, always a documented
status and content type, and a body that matches the documented schema.
Bounded and derandomised, so it runs in seconds and fails the same way twice.

(Driven through schemathesis' Python API rather than its pytest plugin,
which does not yet support this pytest version.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from booking.services.accounts.tokens import create_token

EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 20}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def fuzz_world(make_app, make, session):
    """An app with a centre, a hostel, a booking and the member's token the fuzzer uses."""
    make.centre(desks=3, slug="kottarakkara")
    make.hostel(slug="technopark")
    member = make.member()
    make.desk_booking(member=member)
    secret = create_token(session, member, "fuzz")[1]
    session.commit()
    app = make_app()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), secret


def _operations(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    return operations


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=str)
def test_every_api_operation_survives_generated_input(fuzz_world, mode):
    api_schema, secret = fuzz_world
    failures = []
    for operation in _operations(api_schema):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES[mode], derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            exercise()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in it to break (e.g. GET /ping)
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert failures == []
