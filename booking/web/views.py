"""Member pages: thin views over the service layer."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..extensions import get_session
from ..models import Site
from . import bp


@bp.get("/")
def home():
    sites = get_session().scalars(select(Site).order_by(Site.kind, Site.name)).all()
    return render_template("home.html", sites=sites)
