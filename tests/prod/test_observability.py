"""Request ids, JSON-lines logs that never carry secrets, and the health endpoint."""
from __future__ import annotations

import json
import logging

from booking.observability import JsonLinesFormatter, redact

UNREACHABLE_DB = "postgresql+psycopg://postgres@127.0.0.1:5499/booking_test_prod_nowhere"


def test_a_request_id_is_generated_and_echoed(make_app):
    response = make_app().test_client().get("/healthz")
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_callers_request_id_is_honoured(make_app):
    response = make_app().test_client().get("/healthz", headers={"X-Request-ID": "nginx-7f3a.01"})
    assert response.headers["X-Request-ID"] == "nginx-7f3a.01"


def test_a_malformed_request_id_is_replaced_not_echoed(make_app):
    response = make_app().test_client().get(
        "/healthz", headers={"X-Request-ID": "<script>alert(1)</script> " + "a" * 200})
    assert response.headers["X-Request-ID"].isalnum()


def test_each_request_is_logged_as_one_line_with_its_id_and_no_query_string(make_app, caplog):
    client = make_app().test_client()
    with caplog.at_level(logging.INFO, logger="booking.request"):
        client.get("/healthz?token=abc123secret", headers={"X-Request-ID": "req-1"})
    [record] = [r for r in caplog.records if r.name == "booking.request"]
    line = json.loads(JsonLinesFormatter().format(record))
    assert line["request_id"] == "req-1" and line["status"] == 200
    assert line["path"] == "/healthz" and line["method"] == "GET"
    assert "abc123secret" not in json.dumps(line)


def test_credentials_are_redacted_from_any_log_message():
    message = redact("Authorization: Bearer wnh_live_9f8e7d6c5b4a password=hunter2hunter2 "
                     "token=abcdef url=postgresql+psycopg://booking:s3cr3t@db/booking")
    for secret in ("wnh_live_9f8e7d6c5b4a", "hunter2hunter2", "abcdef", "s3cr3t"):
        assert secret not in message
    assert "booking:[REDACTED]@db" in message


def test_exceptions_in_json_logs_are_redacted_too():
    try:
        raise ValueError("login failed for password=opensesame99")
    except ValueError:
        import sys

        record = logging.LogRecord("booking", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    line = json.loads(JsonLinesFormatter().format(record))
    assert "opensesame99" not in line["exception"] and "[REDACTED]" in line["exception"]


def test_health_answers_ok_when_the_database_answers(make_app):
    response = make_app().test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_problem_json_when_the_database_is_unreachable(make_app):
    response = make_app(DATABASE_URL=UNREACHABLE_DB).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503
    assert response.headers["Retry-After"]
