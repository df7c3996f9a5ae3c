"""API test fixtures: a client held to the OpenAPI document, members with tokens.

Every response the `api` client receives is checked against the document:
its status must be listed for the operation that answered it, errors must be
application/problem+json with a detail, and JSON bodies must match the
documented schema. So each contract test also tests the document.
"""
from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import jsonschema_rs
import pytest
from werkzeug.routing import RequestRedirect
from werkzeug.exceptions import MethodNotAllowed, NotFound

from booking.api.openapi import openapi_document
from booking.clock import today_in_kerala
from booking.services.accounts import tokens

API_PREFIX = "/api/v1"


def openapi_path(rule: str) -> str:
    """Flask's /bookings/<int:booking_id> as OpenAPI's /bookings/{booking_id}."""
    path = rule[len(API_PREFIX):]
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        name = path[start + 1:end].split(":")[-1]
        path = path[:start] + "{" + name + "}" + path[end + 1:]
    return path


def _schema_validator(document: dict, pointer: str):
    root = dict(document)
    root["$ref"] = pointer
    return jsonschema_rs.Draft202012Validator(root)


def _escape(part: str) -> str:
    """A JSON pointer token, URI-encoded (a pointer lives in a URI fragment)."""
    return quote(part.replace("~", "~0").replace("/", "~1"), safe="~")


class CheckedClient:
    """A Flask test client whose every answer is held to the OpenAPI document."""

    def __init__(self, app, token: str | None = None) -> None:
        self.app = app
        self.client = app.test_client()
        self.token = token
        self.document = openapi_document()
        self.seen: set[tuple[str, str, str]] = set()

    def as_(self, token: str | None) -> "CheckedClient":
        other = CheckedClient(self.app, token)
        other.seen = self.seen
        return other

    def open(self, method: str, url: str, *, json_body=None, data=None, headers=None,
             token: str | None = "default"):
        headers = dict(headers or {})
        token = self.token if token == "default" else token
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        if json_body is not None:
            data = json.dumps(json_body)
            headers.setdefault("Content-Type", "application/json")
        response = self.client.open(url, method=method, data=data, headers=headers)
        self.check(method, url, response)
        return response

    def get(self, url, **kw):
        return self.open("GET", url, **kw)

    def post(self, url, **kw):
        return self.open("POST", url, **kw)

    def delete(self, url, **kw):
        return self.open("DELETE", url, **kw)

    def check(self, method: str, url: str, response) -> None:
        assert response.status_code < 500, response.get_data(as_text=True)
        if response.status_code >= 400:
            assert response.mimetype == "application/problem+json", response.mimetype
            problem = response.get_json()
            assert {"type", "title", "status", "detail"} <= problem.keys()
            assert problem["status"] == response.status_code and problem["detail"]
        operation = self._operation(method, url.split("?")[0])
        if operation is None:
            assert response.status_code in (404, 405)  # no such route or method
            return
        path, op = operation
        status = str(response.status_code)
        assert status in op["responses"], f"{method} {path} answered {status}, not documented"
        self.seen.add((path, method.lower(), status))
        content = op["responses"][status].get("content", {})
        if response.status_code == 204:
            assert response.get_data() == b"" and not content  # no content, as documented
            return
        if response.status_code >= 400 or response.status_code == 304:
            return
        assert response.mimetype in content, response.mimetype
        pointer = "/".join(["#/paths", _escape(path), method.lower(), "responses", status,
                            "content", _escape(response.mimetype), "schema"])
        validator = _schema_validator(self.document, pointer)
        validator.validate(response.get_json())

    def _operation(self, method: str, path: str):
        adapter = self.app.url_map.bind("localhost")
        try:
            rule, _args = adapter.match(path, method=method, return_rule=True)
        except (NotFound, MethodNotAllowed, RequestRedirect):
            return None
        if not rule.rule.startswith(API_PREFIX):
            return None
        doc_path = openapi_path(rule.rule)
        op = self.document["paths"].get(doc_path, {}).get(method.lower())
        assert op is not None, f"{method} {doc_path} is served but not documented"
        return doc_path, op


@pytest.fixture
def api(app):
    return CheckedClient(app)


@pytest.fixture
def member(make, session):
    user = make.member(hostel_eligibility="women")
    session.commit()
    return user


@pytest.fixture
def token(session, member) -> str:
    _record, secret = tokens.create_token(session, member, "tests")
    session.commit()
    return secret


@pytest.fixture
def authed(api, token) -> CheckedClient:
    return api.as_(token)


@pytest.fixture
def tomorrow():
    return today_in_kerala() + timedelta(days=1)


@pytest.fixture
def centre(make, session):
    site = make.centre(desks=2, slug="kottarakkara")
    session.commit()
    return site


@pytest.fixture
def hostel(make, session):
    site = make.hostel(slug="technopark", rooms=(("W1", "dormitory", "women", 2),
                                                 ("M1", "dormitory", "men", 1)))
    session.commit()
    return site
