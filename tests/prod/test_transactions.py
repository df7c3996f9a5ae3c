"""One transaction per request: committed on success, rolled back on any error or refusal.

A probe blueprint writes an account and then ends the request in each way a
request can end; afterwards the database says whether the write survived.
A lost database mid-request answers a clean 503, and nothing is half-saved.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, abort, g
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from booking.extensions import get_session
from booking.models import User
from booking.services.accounts import users as accounts
from booking.services.errors import NotPermitted
from tests.conftest import sign_in_as


class _Gone(Exception):
    """What psycopg raises when the server terminates the connection."""


def _lost_connection() -> OperationalError:
    error = OperationalError("INSERT ...", {}, _Gone("terminating connection due to administrator command"))
    error.connection_invalidated = True
    return error


def probe_blueprint() -> Blueprint:
    bp = Blueprint("txprobe", __name__)

    def write() -> None:
        accounts.create_user(get_session(), "probe@example.org", "Probe", "long-enough-pw")

    @bp.post("/api/txprobe/<ending>")
    @bp.post("/txprobe/<ending>")
    def end(ending: str):
        if current_user.is_authenticated:
            g.signed_in_as = current_user.name  # loaded into the request's session
        write()
        if ending == "ok":
            return "saved", 201
        if ending == "refused":
            return "refused", 422
        if ending == "not-found":
            abort(404)
        if ending == "bug":
            raise RuntimeError("a bug after the write")
        if ending == "service-refusal":
            raise NotPermitted("Only the site's managers may do that.")
        if ending == "integrity":
            raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))
        if ending == "lost-connection":
            raise _lost_connection()
        if ending == "lost-at-commit":
            def failing_commit():
                raise _lost_connection()
            g.db_session.commit = failing_commit
            return "looked fine", 201
        raise AssertionError(ending)

    return bp


@pytest.fixture
def probe(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    app.register_blueprint(probe_blueprint())
    return app.test_client()


def _accounts(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(User))


def test_a_successful_request_commits(probe, db):
    assert probe.post("/txprobe/ok").status_code == 201
    assert _accounts(db) == 1


@pytest.mark.parametrize("ending, status", [
    ("refused", 422), ("not-found", 404), ("bug", 500), ("integrity", 500),
    ("lost-connection", 503), ("lost-at-commit", 503),
])
def test_a_request_that_ends_badly_leaves_nothing_behind(probe, db, ending, status):
    response = probe.post(f"/txprobe/{ending}")
    assert response.status_code == status
    assert _accounts(db) == 0


@pytest.mark.parametrize("ending", ["lost-connection", "lost-at-commit"])
def test_a_lost_database_answers_the_api_with_503_problem_json(probe, db, ending):
    response = probe.post(f"/api/txprobe/{ending}")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-Request-ID"]


def test_a_lost_database_shows_a_page_not_a_stack_trace(probe):
    response = probe.post("/txprobe/lost-connection")
    assert response.status_code == 503
    assert b"try again" in response.data and b"Traceback" not in response.data


def test_a_bug_is_still_a_500_not_disguised_as_unavailable(probe):
    response = probe.post("/api/txprobe/integrity")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"


def test_an_error_page_after_a_rollback_still_knows_who_is_signed_in(probe, make, session):
    member_id = make.member(role="manager").id
    session.commit()
    sign_in_as(probe, member_id)
    # The view loads current_user, writes, then a refusal reaches the safety-net handler,
    # which rolls back before rendering a page whose header shows the member's name.
    probe.get("/healthz")
    for ending, status in (("service-refusal", 403), ("lost-connection", 503)):
        response = probe.post(f"/txprobe/{ending}")
        assert response.status_code == status, ending
        assert b"My bookings" in response.data  # the signed-in header rendered
