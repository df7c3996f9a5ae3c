"""Fixtures for the production-path tests: apps with chosen settings, admin access to PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy.engine import make_url

from booking import create_app

PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
# The same server as the admin URL, for SQLAlchemy, without a database name.
PG_SERVER = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database="") \
    .render_as_string(hide_password=False).rstrip("/")


@pytest.fixture
def make_app(db, database_url):
    """Build an app on the test database with extra settings; disposed after the test."""
    apps = []

    def build(**settings):
        config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                  "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"}
        config.update(settings)
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["booking_db"].dispose()


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def postgres_available() -> bool:
    try:
        pg_admin("SELECT 1")
    except Exception:
        return False
    return True


def require_postgres() -> None:
    """PostgreSQL is part of the production path: missing it fails under CI, skips locally."""
    if postgres_available():
        return
    message = f"PostgreSQL not reachable at {PG_ADMIN_URL}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def scratch_pg_url():
    """A fresh, empty PostgreSQL database (booking_test_prod_*), dropped afterwards."""
    require_postgres()
    name = f"booking_test_prod_{uuid.uuid4().hex[:10]}"
    pg_admin(f"CREATE DATABASE {name}")
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def csrf_headers(app, client) -> dict[str, str]:
    """Give the client's session a CSRF secret and return the header that proves it.

    Lets tests post with CSRF protection left on (as in production), the way
    a browser's form would, without scraping a token from a page.
    """
    from itsdangerous import URLSafeTimedSerializer

    raw = uuid.uuid4().hex
    with client.session_transaction() as s:
        s["csrf_token"] = raw
    signed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)
    return {"X-CSRFToken": signed}


@pytest.fixture
def redis_db15():
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.fail(f"Redis (production rate-limit storage) unreachable: {error}")
    yield "redis://127.0.0.1:6379/15"
    client.flushdb()
    client.close()
