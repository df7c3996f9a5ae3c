"""Kerala IT workspace booking: WNH coworking desks and IT-park hostel beds."""
from __future__ import annotations

from flask import Flask

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    """The app factory: configuration, extensions, blueprints, errors, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="static")
    app.config.update(load_config())
    if config:
        app.config.update(config)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    register_production(app)
    return app


def register_extensions(app: Flask) -> None:
    from .auth import init_login
    from .extensions import babel, csrf, init_database
    from .i18n import init_i18n, select_locale
    from .localize import init_localize
    from .inputs import init_inputs

    init_database(app)
    init_inputs(app)  # before CSRF: size and text are checked before anything reads the body
    csrf.init_app(app)
    babel.init_app(app, default_timezone="Asia/Kolkata", locale_selector=select_locale)
    init_login(app)
    init_i18n(app)
    init_localize(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_error_handlers(app: Flask) -> None:
    from .errors import init_error_handlers

    init_error_handlers(app)


def register_cli(app: Flask) -> None:
    from .cli import init_cli

    init_cli(app)


def register_production(app: Flask) -> None:
    """Logs with request ids, /healthz, security headers, rate limits, 503s (last: wraps views)."""
    from .observability import init_observability
    from .security import init_security

    init_observability(app)
    init_security(app)
