"""Members create and revoke API tokens on their account page."""
from __future__ import annotations

import re

import pytest

from booking.services.accounts import tokens
from tests.conftest import sign_in_as


@pytest.fixture
def signed_in(app, member):
    client = app.test_client()
    sign_in_as(client, member.id)
    return client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_page_needs_a_signed_in_member(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_member_creates_a_token_and_sees_it_once(signed_in, member, session):
    page = signed_in.get("/account/tokens").get_data(as_text=True)
    assert "You have no tokens" in page
    created = signed_in.post("/account/tokens", data={"name": "HR portal",
                                                      "csrf_token": csrf(page)})
    assert created.status_code == 201
    secret = re.search(r'id="new-token"[^>]*value="(wnh_[^"]+)"', created.get_data(as_text=True)).group(1)
    session.expire_all()
    assert tokens.authenticate_token(session, secret).id == member.id
    again = signed_in.get("/account/tokens").get_data(as_text=True)
    assert "HR portal" in again and secret not in again and secret[:12] in again


def test_a_member_revokes_a_token(signed_in, member, session):
    record, secret = tokens.create_token(session, member, "script")
    session.commit()
    page = signed_in.get("/account/tokens").get_data(as_text=True)
    response = signed_in.post(f"/account/tokens/{record.id}/revoke",
                              data={"csrf_token": csrf(page)})
    assert response.status_code == 302
    session.expire_all()
    assert tokens.authenticate_token(session, secret) is None
    assert "You have no tokens" in signed_in.get("/account/tokens").get_data(as_text=True)


def test_revoking_without_csrf_or_someone_elses_token_changes_nothing(signed_in, make, session):
    other = make.member()
    record, secret = tokens.create_token(session, other)
    session.commit()
    signed_in.post(f"/account/tokens/{record.id}/revoke", data={})
    page = signed_in.get("/account/tokens").get_data(as_text=True)
    signed_in.post(f"/account/tokens/{record.id}/revoke", data={"csrf_token": csrf(page)})
    session.expire_all()
    assert tokens.authenticate_token(session, secret).id == other.id


def test_a_too_long_name_is_refused_with_the_form_shown_again(signed_in):
    page = signed_in.get("/account/tokens").get_data(as_text=True)
    response = signed_in.post("/account/tokens", data={"name": "x" * 81, "csrf_token": csrf(page)})
    assert response.status_code == 422 and "wnh_" not in response.get_data(as_text=True)
