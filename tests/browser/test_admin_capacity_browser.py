"""An administrator adds desks in the admin pages; the public site calendar shows them."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_desks_an_admin_adds_appear_on_the_public_calendar(page, make, session):
    session.expire_on_commit = False
    make.member(email="admin@example.org", role="admin")
    site = make.centre(desks=2, name="WNH Kottarakkara", slug="wnh-kottarakkara")
    session.commit()

    page.goto(f"/sites/{site.slug}")
    assert page.get_by_text("2 free").first.is_visible()
    assert page.get_by_text("22 free").count() == 0

    sign_in(page, "admin@example.org")
    page.goto(f"/admin/sites/{site.id}/capacity")
    page.get_by_label("How many desks").fill("20")
    page.get_by_label("Zone").fill("B")
    page.get_by_role("button", name="Add desks").click()
    assert page.get_by_text("Added 20 desk(s): B01 to B20.").is_visible()
    assert page.get_by_role("cell", name="B20", exact=True).is_visible()

    page.goto(f"/sites/{site.slug}")
    assert page.get_by_text("22 free").first.is_visible()
