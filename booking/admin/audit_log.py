"""The audit log: every admin and manager write, newest first, filterable by site."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..extensions import get_session
from ..services import audit
from . import bp
from .access import get_site_or_404, visible_site_ids, visible_sites


@bp.get("/audit")
def audit_log():
    site_id = request.args.get("site", type=int) or None
    if site_id is not None:
        get_site_or_404(site_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = audit.get_audit_entries(get_session(), current_user,
                                          site_ids=visible_site_ids(), site_id=site_id, page=page)
    return render_template("admin/audit.html", rows=rows, total=total, page=page,
                           page_size=audit.PAGE_SIZE, sites=visible_sites(), site_id=site_id)
