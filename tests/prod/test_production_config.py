"""Production settings: refuse to start insecurely, Secure cookies, proxy headers only when told."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Blueprint, jsonify, request, session

from booking.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"BOOKING_ENV": "production", "SECRET_KEY": "s" * 64,
              "DATABASE_URL": "postgresql+psycopg://booking@db.internal/booking",
              "PUBLIC_URL": "https://booking.example.org"}


def probe_blueprint() -> Blueprint:
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/session")
    def touch_session():
        session["seen"] = True
        return "ok"

    @bp.get("/probe/whoami")
    def whoami():
        return jsonify(addr=request.remote_addr, scheme=request.scheme, host=request.host)

    return bp


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "PUBLIC_URL"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_config(env)


def test_production_with_its_settings_gets_secure_http_only_lax_cookies():
    config = load_config(PRODUCTION)
    assert config["SECRET_KEY"] == PRODUCTION["SECRET_KEY"]
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["LOG_FORMAT"] == "json"


def test_development_cookies_work_over_plain_http():
    config = load_config({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "dev"})
    assert config["SESSION_COOKIE_SECURE"] is False


def test_wsgi_entry_point_refuses_to_load_in_production_without_a_secret_key():
    env = {"BOOKING_ENV": "production", "DATABASE_URL": PRODUCTION["DATABASE_URL"],
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_wsgi_entry_point_loads_the_app_for_gunicorn(database_url):
    env = {"BOOKING_ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": database_url,
           "PUBLIC_URL": "https://booking.example.org", "PATH": "/usr/bin:/bin"}
    code = "import wsgi; print(wsgi.app.name, wsgi.app.config['SESSION_COOKIE_SECURE'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["booking", "True"]


def test_session_cookie_is_secure_http_only_and_lax_in_production(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    app.register_blueprint(probe_blueprint())
    cookie = app.test_client().get("/probe/session", base_url="https://wnh.example").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forwarded_headers_are_ignored_unless_behind_a_proxy(make_app):
    app = make_app(BEHIND_PROXY=False)
    app.register_blueprint(probe_blueprint())
    answer = app.test_client().get("/probe/whoami", headers={
        "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}).get_json()
    assert answer["addr"] == "127.0.0.1" and answer["scheme"] == "http"


def test_behind_a_proxy_the_client_address_and_https_come_from_nginx(make_app):
    app = make_app(BEHIND_PROXY=True)
    app.register_blueprint(probe_blueprint())
    response = app.test_client().get("/probe/whoami", headers={
        "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "book.wnh.kerala.gov.in"})
    answer = response.get_json()
    assert answer == {"addr": "203.0.113.9", "scheme": "https", "host": "book.wnh.kerala.gov.in"}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_gets_no_strict_transport_security(make_app):
    response = make_app().test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers


def gunicorn_settings(database_url: str, **extra_env: str) -> dict[str, str]:
    """What gunicorn.conf.py resolves to, as `gunicorn --print-config` prints it."""
    env = {"BOOKING_ENV": "production", "SECRET_KEY": "k" * 64, "DATABASE_URL": database_url,
           "PUBLIC_URL": "https://booking.example.org", "PATH": "/usr/bin:/bin", **extra_env}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run([str(gunicorn), "-c", "gunicorn.conf.py", "--check-config",
                             "--print-config", "wsgi:app"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return {key.strip(): value.strip() for key, _, value in
            (line.partition("=") for line in result.stdout.splitlines())}


def test_sync_workers_for_sqlite_get_one_thread(database_url):
    # gunicorn would quietly turn "sync" with several threads into gthread.
    settings = gunicorn_settings(database_url, GUNICORN_WORKER_CLASS="sync")
    assert settings["worker_class"] == "sync" and settings["threads"] == "1"


def test_gunicorn_config_and_the_systemd_unit_describe_the_same_server(database_url):
    settings = gunicorn_settings(database_url, WEB_CONCURRENCY="3")
    assert settings["workers"] == "3" and settings["worker_class"] == "gthread"
    assert settings["threads"] == "4"
    assert settings["accesslog"] == "None"  # the app logs requests itself, without query strings
    unit = (ROOT / "deploy" / "wnh-booking.service").read_text()
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in unit and "db upgrade" in unit
    nginx = (ROOT / "deploy" / "nginx-wnh-booking.conf").read_text()
    assert "X-Request-ID $request_id" in nginx and "X-Forwarded-Proto" in nginx
