"""Configuration from the environment, in one place.

Every setting has a sane local default except those production must set
itself: in production (`BOOKING_ENV=production`) a missing SECRET_KEY or
DATABASE_URL stops the app from starting rather than running insecurely.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """A required production setting is missing or invalid."""


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'booking.sqlite3'}"


def _dev_secret_key() -> str:
    # A stable key per checkout so local sessions survive restarts.
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def load_config(env: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    production = env.get("BOOKING_ENV", "development") == "production"
    secret_key = env.get("SECRET_KEY")
    database_url = env.get("DATABASE_URL")
    if production and not secret_key:
        raise ConfigError("SECRET_KEY must be set when BOOKING_ENV=production")
    if production and not database_url:
        raise ConfigError("DATABASE_URL must be set when BOOKING_ENV=production")
    public_url = env.get("PUBLIC_URL", "")
    if production and not public_url.startswith("https://"):
        raise ConfigError("PUBLIC_URL (https://…, the address people use) must be set "
                          "when BOOKING_ENV=production: links in mails start with it")
    return {
        "BOOKING_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or _dev_secret_key(),
        "DATABASE_URL": database_url or default_database_url(),
        "DB_POOL_SIZE": int(env.get("DB_POOL_SIZE", "5")),
        "REDIS_URL": env.get("REDIS_URL", ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or env.get("REDIS_URL")
        or "memory://",
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "true").lower() != "false",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # "Keep me signed in": 30 days (the sign-in session's own limit), a new value at
        # every sign-in, and worthless once that session ends (sign_in_sessions.py).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BEHIND_PROXY": env.get("BEHIND_PROXY", "false").lower() == "true",
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "1")),
        "LOG_FORMAT": env.get("LOG_FORMAT", "json" if production else "text"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Availability blocks (32 days of one site) cached per worker; 0 turns it off.
        "AVAILABILITY_CACHE_SIZE": int(env.get("AVAILABILITY_CACHE_SIZE", "2048")),
        # Notices: MAIL_URL smtp://user:pass@host:587 (STARTTLS) or smtps://host:465;
        # without it mail is written to MAIL_DIR as .eml files.
        "MAIL_URL": env.get("MAIL_URL", ""),
        "MAIL_FROM": env.get("MAIL_FROM", "Kerala WNH Booking <no-reply@localhost>"),
        "MAIL_DIR": env.get("MAIL_DIR", str(INSTANCE_DIR / "mail")),
        # The grievance officer named in the privacy notice (DPDP Act 2023, section 13).
        "GRIEVANCE_CONTACT": env.get("GRIEVANCE_CONTACT", "grievance@wnh-booking.kerala.example"),
        # In development, the address `make run` serves.
        "PUBLIC_URL": public_url or f"http://127.0.0.1:{env.get('PORT', '5000')}",
        "WORKER_POLL_SECONDS": float(env.get("WORKER_POLL_SECONDS", "2")),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Kolkata",
        "WTF_CSRF_TIME_LIMIT": None,
    }
