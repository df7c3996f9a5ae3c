"""Security at the edge: headers on every answer, CSRF on every form, rate limits,
no open redirect after sign-in, no secret in the logs (the sign-in throttle:
test_signin_throttle.py)."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for

from booking.observability import JsonLinesFormatter
from booking.security import CONTENT_SECURITY_POLICY, RATE_LIMITS, missing_rate_limited_endpoints
from booking.services.accounts.tokens import create_token
from tests.conftest import PASSWORD, sign_in_as

from .conftest import csrf_headers

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def sign_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    url = "/sign-in" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data={"email": email, "password": password})


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("path", ["/", "/sign-in", "/healthz", "/no-such-page", "/api/v1/sites",
                                  "/api/v1/bookings", "/static/css/app.css"])
def test_every_answer_carries_the_security_headers(make_app, path):
    response = make_app().test_client().get(path)
    response.close()
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_content_security_policy_allows_no_inline_script_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"<style", re.I), "inline <style>"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_need_nothing_the_policy_blocks():
    # Mail bodies (templates/mail/) are never served under the policy, and mail
    # clients need inline styles.
    found = [f"{path.relative_to(TEMPLATES)}: {what}"
             for path in TEMPLATES.rglob("*.html")
             if path.relative_to(TEMPLATES).parts[0] != "mail"
             for pattern, what in INLINE if pattern.search(path.read_text())]
    assert found == []


# ---------------------------------------------------------------- CSRF

def _form_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("web.", "admin.")) and "POST" in rule.methods:
            values = {arg: 1 for arg in rule.arguments}
            if "slug" in values:
                values["slug"] = "anywhere"
            if "kind" in values:
                values["kind"] = "desk"
            if "action" in values:
                values["action"] = "delete"
            yield rule.endpoint, rule.rule, values


def test_every_form_post_without_a_csrf_token_is_refused(make_app, make, session):
    admin_id = make.member(role="admin").id
    session.commit()
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    sign_in_as(client, admin_id)
    routes = list(_form_routes(app))
    assert len(routes) > 10
    with app.test_request_context():
        urls = {endpoint: url_for(endpoint, **values) for endpoint, _rule, values in routes}
    answers = {endpoint: client.post(url, data={"x": "1"}).status_code
               for endpoint, url in urls.items()}
    assert {e: s for e, s in answers.items() if s != 400} == {}


# ---------------------------------------------------------------- rate limits

def test_every_endpoint_in_the_rate_limit_table_exists(make_app):
    assert missing_rate_limited_endpoints(make_app()) == []


def test_the_rate_limit_table_covers_sign_in_registration_tokens_and_booking(make_app):
    assert {"web.sign_in", "web.register", "api.create_booking"} <= set(RATE_LIMITS)
    token_pages = [e for e in make_app().view_functions if "token" in e and "create" in e]
    assert set(token_pages) <= set(RATE_LIMITS)


def test_sign_in_attempts_from_one_address_are_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                      SIGNIN_THROTTLE_ENABLED=False).test_client()
    per_minute = int(RATE_LIMITS["web.sign_in"].limit.split(" ")[0])
    # An empty password is refused by the form: counted by the limit, no password hashing.
    statuses = [sign_in(client, f"guess{i}@example.org", "").status_code
                for i in range(per_minute + 1)]
    assert statuses[:per_minute] == [422] * per_minute and statuses[per_minute] == 429
    refused = sign_in(client, "guess@example.org", "wrong-password")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert b"Too many attempts" in refused.data and b"Please try again in" in refused.data
    assert client.get("/sign-in").status_code == 200  # reading the form is not limited


def test_registrations_from_one_address_are_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False).test_client()
    statuses = [client.post("/register", data={"email": f"new{i}@example.org"}).status_code
                for i in range(6)]
    assert 429 not in statuses[:5] and statuses[5] == 429


def test_api_booking_is_rate_limited_per_token_with_problem_json(make_app, make, session):
    first, second = make.member(), make.member()
    tokens = [create_token(session, m, "t")[1] for m in (first, second)]
    session.commit()
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    limit = int(RATE_LIMITS["api.create_booking"].limit.split(" ")[0])

    def book(token):
        return client.post("/api/v1/bookings", data="{}", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})

    statuses = [book(tokens[0]).status_code for _ in range(limit + 1)]
    assert 429 not in statuses[:limit] and statuses[limit] == 429
    refused = book(tokens[0])
    assert refused.mimetype == "application/problem+json" and refused.headers["Retry-After"]
    assert book(tokens[1]).status_code != 429  # another caller has its own allowance


def test_with_redis_two_workers_share_one_sign_in_allowance(make_app, redis_db15):
    settings = dict(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                    SIGNIN_THROTTLE_ENABLED=False, RATELIMIT_STORAGE_URI=redis_db15)
    worker_a, worker_b = make_app(**settings).test_client(), make_app(**settings).test_client()
    per_minute = int(RATE_LIMITS["web.sign_in"].limit.split(" ")[0])
    statuses = [sign_in(worker_a if i % 2 else worker_b, f"g{i}@example.org", "").status_code
                for i in range(per_minute + 1)]
    assert 429 not in statuses[:per_minute] and statuses[per_minute] == 429


# ---------------------------------------------------------------- redirects and cookies

HOSTILE_NEXT = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
                "javascript:alert(1)", "http:evil.example", "https:/evil.example",
                "%2F%2Fevil.example", "/%09/evil.example", "evil.example"]


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(make_app, make, session, next_url):
    member = make.member()
    session.commit()
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = sign_in(client, member.email, next_url=next_url)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.netloc in ("", "localhost") and target.scheme in ("", "http")
    assert target.path.startswith("/") and not target.path.startswith("//")


def test_sign_in_follows_a_next_inside_the_site(make_app, make, session):
    member = make.member()
    session.commit()
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = sign_in(client, member.email, next_url="/bookings")
    assert urlsplit(response.headers["Location"]).path == "/bookings"


def test_the_signed_in_cookie_is_http_only_and_same_site_lax(make_app, make, session):
    member = make.member()
    session.commit()
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    cookie = sign_in(client, member.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signed_in_pages_are_not_stored_by_shared_caches(make_app, make, session):
    member = make.member()
    session.commit()
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    sign_in(client, member.email)
    assert client.get("/bookings").headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- logs

def test_passwords_and_tokens_never_reach_the_logs(make_app, make, session, caplog):
    member = make.member()
    secret = create_token(session, member, "t")[1]
    session.commit()
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    with caplog.at_level(logging.DEBUG):
        sign_in(client, member.email, "a-wrong-password-123")
        sign_in(client, member.email)
        client.post("/api/v1/bookings", data="{not json", content_type="application/json",
                    headers={"Authorization": f"Bearer {secret}"})
        client.get(f"/api/v1/sites?token={secret}")
        logging.getLogger("booking").error("client sent Authorization: Bearer %s", secret)
    lines = [JsonLinesFormatter().format(r) for r in caplog.records]
    assert lines and all(json.loads(line) for line in lines)
    logged = "\n".join(lines)
    for secret_text in (PASSWORD, "a-wrong-password-123", secret, secret[4:]):
        assert secret_text not in logged


def test_with_redis_down_people_can_still_sign_in_and_book(make_app, make, session):
    member = make.member()
    secret = create_token(session, member, "t")[1]
    email = member.email
    session.commit()
    client = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False,
                      RATELIMIT_STORAGE_URI="redis://127.0.0.1:5499/0").test_client()
    assert sign_in(client, email, "wrong-password").status_code == 422
    assert sign_in(client, email).status_code == 302
    booked = client.post("/api/v1/bookings", json={}, headers={"Authorization": f"Bearer {secret}"})
    assert booked.status_code == 400  # reached the handler: refused for its empty body, not 500


def test_token_creation_is_rate_limited_per_account_and_never_cached(make_app, make, session):
    member_id = make.member().id
    session.commit()
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    headers = csrf_headers(app, client)
    sign_in_as(client, member_id)
    answers = [client.post("/account/tokens", data={"name": f"laptop {i}"}, headers=headers)
               for i in range(11)]
    assert [a.status_code for a in answers[:10]] == [201] * 10
    assert answers[0].headers["Cache-Control"] == "no-store"  # the page shows the secret
    assert answers[10].status_code == 429
