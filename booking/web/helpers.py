"""Small helpers the member views share."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import abort, request
from flask_wtf import FlaskForm

from ..localize import localize
from ..extensions import get_session
from ..models import Site
from ..services.errors import BookingError, NotFound
from ..services.sites.finding import get_site_by_slug


def load_site(slug: str) -> Site:
    try:
        return get_site_by_slug(get_session(), slug)
    except NotFound:
        abort(404)


def show_refusal(form: FlaskForm, error: BookingError, default_field: str | None = None) -> None:
    """Put a service refusal on the form: next to the field it names (``error.field``), else
    next to ``default_field``, else above the fields (form.form_errors)."""
    for name in (error.field, default_field):
        if name and name in form:
            form[name].errors = [*form[name].errors, localize(error)]
            return
    form.form_errors.append(localize(error))


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no other host, no protocol-relative //."""
    if not target or target.startswith(("//", "\\")) or "\\" in target:
        return False
    ref = urlsplit(request.host_url)
    test = urlsplit(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and test.netloc == ref.netloc \
        and target.startswith("/")
