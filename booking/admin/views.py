"""Admin pages: thin views over the service layer."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from ..services.permissions import can_use_admin
from . import bp


@bp.get("/")
@login_required
def dashboard():
    if not can_use_admin(current_user):
        abort(404)
    return render_template("admin/dashboard.html")
