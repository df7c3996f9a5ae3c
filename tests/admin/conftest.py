"""Admin-area fixtures: a small world of staff and two sites, and signed-in clients."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from booking.services.accounts import roles as users_admin
from tests.conftest import sign_in_as


@dataclass
class World:
    admin: object
    manager_a: object
    manager_b: object
    member: object
    site_a: object
    site_b: object
    hostel: object


@pytest.fixture
def world(make, session) -> World:
    # Objects stay usable after commit without reopening a write transaction
    # (which, on SQLite, would lock the app's writers out).
    session.expire_on_commit = False
    admin = make.member(role="admin", name="Asha Admin", password=None)
    site_a = make.centre(desks=3, name="WNH Kottarakkara", slug="kottarakkara")
    site_b = make.centre(desks=2, name="WNH Varkala", slug="varkala")
    hostel = make.hostel(name="Technopark Hostel", slug="technopark",
                         rooms=(("R1", "dormitory", "anyone", 2), ("R2", "dormitory", "anyone", 2)))
    manager_a = make.member(name="Manu Manager", password=None)
    manager_b = make.member(name="Bindu Manager", password=None)
    users_admin.set_role(session, admin, manager_a, "manager", [site_a.id, hostel.id])
    users_admin.set_role(session, admin, manager_b, "manager", [site_b.id])
    member = make.member(name="Meera Member", password=None)
    for site in (site_a, site_b, hostel):  # load what tests read, before committing
        [room.beds for room in site.rooms]
        site.desks
    session.commit()
    return World(admin, manager_a, manager_b, member, site_a, site_b, hostel)


def sign_in(client, user) -> None:
    """Sign a test client in as `user` (Flask-Login's session keys)."""
    sign_in_as(client, user.id)


def csrf_token(client, page: str = "/admin/sites") -> str:
    """The CSRF token of the client's session, read from a page with a form."""
    html = client.get(page).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"{page} carries a CSRF token"
    return match[1]


@pytest.fixture
def as_user(client):
    """as_user(user) -> the client signed in as that user, with .csrf set."""
    def _as(user):
        sign_in(client, user)
        client.csrf = csrf_token(client)
        return client
    return _as


@pytest.fixture
def reader(db):
    """A read-only session for checking what requests wrote (never holds the write lock).

    Call ``reader.rollback()`` before each check to see the latest commits.
    """
    s = db.reader()
    yield s
    s.rollback()
    s.close()
