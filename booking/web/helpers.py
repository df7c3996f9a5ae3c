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


def show_refusal(form: FlaskForm, error: BookingError) -> None:
    """Put a service refusal on the form, above the fields (form.form_errors)."""
    form.form_errors.append(localize(error))


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no other host, no protocol-relative //."""
    if not target or target.startswith(("//", "\\")) or "\\" in target:
        return False
    ref = urlsplit(request.host_url)
    test = urlsplit(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and test.netloc == ref.netloc \
        and target.startswith("/")
