"""Input at the edge (booking/inputs.py, booking/api/parsing.py): whatever a client sends,
the answer is a 4xx that says what is wrong, never a 500.

- JSON bodies are checked against the OpenAPI document's request schemas: a
  field of the wrong type is a 400 problem+json naming it and what it should be.
- NUL and unpaired surrogates are refused (400) wherever text comes in: JSON
  bodies (API and web forms), query strings, the path, form fields. PostgreSQL
  cannot store NUL and a lone surrogate cannot be encoded, so both used to fail
  deep in the data layer; these tests run on both engines.
- A body over the limit answers 413 on every route, with the security headers,
  a page on the web and problem+json on the API.
"""
from __future__ import annotations

import json

import pytest
from flask import url_for
from sqlalchemy import func, select

from booking.models import Closure, User
from booking.security import SECURITY_HEADERS
from booking.services.accounts.tokens import create_token
from tests.conftest import PASSWORD

from .conftest import csrf_headers

BIG = 70 * 1024  # over the 64 KiB limit


@pytest.fixture
def api_world(make_app, make, session):
    make.centre(desks=2, slug="kottarakkara")
    make.hostel(slug="technopark")
    secret = create_token(session, make.member(), "edge")[1]
    session.commit()
    client = make_app().test_client()
    return client, {"Authorization": f"Bearer {secret}"}


def _post_json(client, headers, body: str):
    return client.post("/api/v1/bookings", data=body,
                       headers={**headers, "Content-Type": "application/json"})


def _assert_headers(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)


def _signed_in(make_app, make, session, **user):
    user = make.member(**user)
    session.commit()
    app = make_app()
    client = app.test_client()
    csrf = csrf_headers(app, client)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                           headers=csrf)
    assert response.status_code == 302
    return app, client, csrf, user


# ---------------------------------------------------------------- JSON bodies: types

@pytest.mark.parametrize(("field", "value", "should"), [
    ("part", ["x"], "'part' must be one of morning, afternoon, full."),
    ("part", {"a": 1}, "'part' must be one of morning, afternoon, full."),
    ("part", 10**400, "'part' must be one of morning, afternoon, full."),
    ("desk", ["A1"], "'desk' must be a non-empty string of at most 40 characters (or null)."),
    ("desk", {"label": "A1"}, "'desk' must be a non-empty string"),
    ("date", 20261202, "'date' must be a date written YYYY-MM-DD"),
    ("date", ["2026-12-02"], "'date' must be a date written YYYY-MM-DD"),
    ("site", {"slug": "kottarakkara"}, "'site' must be a non-empty string of at most 60"),
    ("site", "   ", "'site' must be a non-empty string"),
])
def test_a_field_of_the_wrong_type_is_a_400_naming_the_field(api_world, field, value, should):
    client, headers = api_world
    body = {"site": "kottarakkara", "date": "2026-12-02", field: value}
    response = _post_json(client, headers, json.dumps(body))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert should in problem["detail"]
    assert {"pointer": f"#/{field}", "detail": problem["errors"][0]["detail"]} \
        in problem["errors"]


def test_every_fault_of_a_body_is_listed_in_the_order_a_person_fixes_them(api_world):
    client, headers = api_world
    body = {"site": "technopark", "check_in": 5, "bed": [], "nights": 3}
    problem = _post_json(client, headers, json.dumps(body)).get_json()
    assert [e["pointer"] for e in problem["errors"]] == [
        "#/check_out", "#/", "#/check_in", "#/bed"]
    assert problem["detail"].startswith("'check_out' is required: it must be a date")
    assert "Unknown field(s): nights. Allowed: bed, check_in, check_out, site." \
        in problem["detail"]


@pytest.mark.parametrize("body", ['[1, 2]', '"a string"', '3', 'null'])
def test_a_body_that_is_not_an_object_is_a_400(api_world, body):
    client, headers = api_world
    response = _post_json(client, headers, body)
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The request body must be a JSON object."


# ---------------------------------------------------------------- text faults

@pytest.mark.parametrize(("body", "words"), [
    ('{"site": "\\ud800", "date": "2026-12-02"}', "'site' in the JSON body contains an unpaired"),
    ('{"site": "kottarakkara", "date": "2026-12-02", "desk": "A\\udfff1"}', "'desk'"),
    ('{"site": "kott\\u0000arakkara", "date": "2026-12-02"}', "'site' in the JSON body contains"
                                                               " a NUL character"),
    ('{"site": "kottarakkara", "date": "2026-12-02\\u0000"}', "NUL"),
    ('{"site": "kottarakkara", "da\\ud800te": "2026-12-02"}', "A field name in the JSON body"),
    ('{"site": "kottarakkara", "x": [[{"y": ["\\u0000"]}]]}', "'x[0][0].y[0]'"),
    ('{"site": "kottarakkara", "x": ' + "[" * 30 + "]" * 30 + "}", "nested more than 20"),
])
def test_nul_and_lone_surrogates_in_json_are_a_400_not_a_500(api_world, body, words):
    client, headers = api_world
    response = _post_json(client, headers, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert words in response.get_json()["detail"]


@pytest.mark.parametrize("url", [
    "/api/v1/availability?site=%00",
    "/api/v1/availability?site=kottarakkara&from=2026-12-02%00",
    "/api/v1/availability?si%00te=x",
])
def test_a_nul_in_an_api_query_string_is_a_400_problem(api_world, url):
    client, _headers = api_world
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]


@pytest.mark.parametrize(("url", "words"), [
    ("/?district=Kollam%00", "The query parameter &#39;district&#39; contains a NUL character"),
    ("/sites/kotta%00rakkara", "The address part &#39;slug&#39; contains a NUL character"),
])
def test_a_nul_in_a_page_address_is_a_400_page_saying_so(make_app, url, words):
    response = make_app().test_client().get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert words in response.get_data(as_text=True)
    _assert_headers(response)


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(make_app, make, session):
    app, client, csrf, user = _signed_in(make_app, make, session, name="Asha Varghese")
    response = client.post("/account", data={"name": "Asha\x00 V"}, headers=csrf)
    assert response.status_code == 400
    assert "The form field &#39;name&#39; contains a NUL character" in response.get_data(
        as_text=True)
    session.expire_all()
    assert session.get(User, user.id).name == "Asha Varghese"


def test_a_nul_in_an_admin_form_is_refused_and_no_closure_is_made(make_app, make, session):
    site_id = make.centre(desks=1).id
    _app, client, csrf, _user = _signed_in(make_app, make, session, role="admin")
    response = client.post(f"/admin/sites/{site_id}/closures", headers=csrf, data={
        "starts_on": "2026-12-20", "ends_on": "2026-12-20", "reason": "Onam\x00"})
    assert response.status_code == 400
    assert "&#39;reason&#39; contains a NUL character" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Closure)) == 0


def test_a_register_form_with_a_nul_makes_no_account(make_app, make, session):
    app = make_app()
    client = app.test_client()
    response = client.post("/register", headers=csrf_headers(app, client), data={
        "name": "Ravi\x00", "email": "ravi@example.org", "password": PASSWORD,
        "confirm": PASSWORD})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("email", ["\\ud800@example.org", "a\\u0000b@example.org"])
def test_a_web_form_posted_as_json_with_bad_text_is_a_400(make_app, email):
    app = make_app()
    client = app.test_client()
    body = '{"email": "%s", "password": "wrong-password-1"}' % email
    response = client.post("/sign-in", data=body, headers={
        **csrf_headers(app, client), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "&#39;email&#39; in the JSON body contains" in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [
    {"email": {"a": 1}, "password": "wrong-password-1"}, {"email": "a@b.org", "password": 5},
    {"email": None, "password": [1, 2]}, [1, 2], "a@b.org", {"email": 10**400}])
def test_a_web_form_posted_as_json_must_hold_only_text(make_app, body):
    app = make_app()
    client = app.test_client()
    response = client.post("/sign-in", data=json.dumps(body), headers={
        **csrf_headers(app, client), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "A form sent as JSON must be an object whose values are text." in response.get_data(
        as_text=True)


# ---------------------------------------------------------------- 413

def test_a_70_kb_sign_in_form_is_a_413_page_with_the_security_headers(make_app):
    app = make_app()
    client = app.test_client()
    response = client.post("/sign-in", headers=csrf_headers(app, client),
                           data={"email": "a@example.org", "password": "x" * BIG})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "larger than 64 KiB" in response.get_data(as_text=True)
    _assert_headers(response)


def test_a_70_kb_api_body_is_a_413_problem_with_the_security_headers(api_world):
    client, headers = api_world
    response = _post_json(client, headers, '{"site": "%s"}' % ("x" * BIG))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "larger than 64 KiB" in response.get_json()["detail"]
    _assert_headers(response)


def _post_routes(app):
    """Every route that takes a POST, with made-up ids (the body is refused before any is used)."""
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "admin.site_photos_page":
            continue  # the photo upload takes up to 8 MB (its own test: test_site_where_and_who)
        values = {arg: 1 for arg in rule.arguments}
        values.update({k: v for k, v in (("slug", "anywhere"), ("kind", "desk"),
                                         ("action", "delete")) if k in values})
        yield rule.endpoint, values


def test_every_post_route_answers_an_oversized_body_with_413_and_the_headers(
        make_app, make, session):
    app, client, csrf, _user = _signed_in(make_app, make, session, role="admin")
    routes = list(_post_routes(app))
    assert len(routes) > 20
    with app.test_request_context():
        urls = {endpoint: url_for(endpoint, **values) for endpoint, values in routes}
    for endpoint, url in urls.items():
        response = client.post(url, data={"reason": "x" * BIG}, headers=csrf)
        assert response.status_code == 413, (endpoint, response.status_code)
        expected = "application/problem+json" if url.startswith("/api/") else "text/html"
        assert response.mimetype == expected, endpoint
        _assert_headers(response)
