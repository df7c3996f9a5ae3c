"""The OpenAPI document and the implementation describe the same API."""
from __future__ import annotations

import jsonschema_rs

from .conftest import API_PREFIX, openapi_path

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def served_operations(app) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/")
        for method in rule.methods - IGNORED_METHODS
    }


def documented_operations(document: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items()
            for method in item if method != "parameters"}


def test_every_served_route_is_documented_and_every_documented_route_is_served(app, api):
    document = api.client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert served_operations(app) == documented_operations(document)


def test_every_schema_in_the_document_is_valid_json_schema(api):
    document = api.document
    for name in document["components"]["schemas"]:
        root = dict(document)
        root["$ref"] = f"#/components/schemas/{name}"
        jsonschema_rs.Draft202012Validator(root)  # raises on an invalid schema


def test_error_statuses_are_documented_as_problem_json(api):
    for path, item in api.document["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert "application/problem+json" in response["content"], (path, status)


def test_the_document_is_served_as_json(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["servers"] == [{"url": "/api/v1"}]
