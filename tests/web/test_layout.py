"""The shared layout: navigation by role, and error pages in the site's style."""
from __future__ import annotations

from .conftest import sign_in, text_of


def test_nav_offers_admin_only_to_staff(client, make, session):
    make.member(email="member@example.org")
    make.member(email="boss@example.org", role="admin")
    session.commit()
    sign_in(client, "member@example.org")
    page = text_of(client.get("/"))
    assert 'href="/bookings"' in page and 'href="/admin/"' not in page
    client.post("/sign-out", data={"csrf_token": _token(page)})
    sign_in(client, "boss@example.org")
    assert 'href="/admin/"' in text_of(client.get("/"))


def test_strangers_see_sign_in_and_register(client, db):
    page = text_of(client.get("/"))
    assert 'href="/sign-in"' in page and 'href="/register"' in page
    assert "Sign out" not in page


def _token(page: str) -> str:
    from .conftest import CSRF_INPUT
    match = CSRF_INPUT.search(page)
    return match.group(1) or match.group(2)


def test_unexpected_error_is_a_styled_500_even_when_signed_in(app, member):
    @app.get("/test-boom")
    def boom():
        raise RuntimeError("kaboom")

    client = app.test_client()
    sign_in(client, member.email)
    response = client.get("/test-boom")
    assert response.status_code == 500
    page = text_of(response)
    assert "Something went wrong on our side" in page and "kaboom" not in page
    assert 'href="/bookings"' in page  # the layout rendered, with the member's nav


def test_unknown_page_is_a_styled_404(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response) and "site-header" in text_of(response)
