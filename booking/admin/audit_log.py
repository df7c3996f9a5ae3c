"""The audit log: every admin and manager write, newest first, as sentences.

Filterable by who did it, at which site and what kind of action; the
pagination links carry the filters along.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import get_session
from ..services.admin import audit
from . import bp
from .access import get_site_or_404, visible_site_ids, visible_sites
from .audit_sentences import action_label, describe
from .forms import AuditFilterForm, choices


@bp.get("/audit")
def audit_log():
    requested = request.args.get("site", type=int)
    if requested:
        get_site_or_404(requested)  # a hand-typed site the viewer does not run: 404
    session = get_session()
    base = audit.AuditFilter(site_ids=visible_site_ids())
    actors, actions = audit.get_audit_choices(session, current_user, base)
    form = AuditFilterForm(request.args)
    form.actor.choices = choices([(0, _("Anyone"))] + actors)
    form.site.choices = choices([(0, _("All my sites"))] + [(s.id, s.name) for s in visible_sites()])
    form.action.choices = choices([("", _("Any action"))] + sorted(
        ((a, action_label(a)) for a in actions), key=lambda pair: pair[1]))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    if not form.validate():
        return render_template("admin/audit.html", form=form, rows=[], total=0, page=1,
                               page_size=audit.PAGE_SIZE, describe=describe), 400
    chosen = audit.AuditFilter(site_ids=base.site_ids, site_id=form.site.data or None,
                               actor_id=form.actor.data or None, action=form.action.data or "")
    rows, total = audit.get_audit_entries(session, current_user, chosen, page=page)
    return render_template("admin/audit.html", form=form, rows=rows, total=total, page=page,
                           page_size=audit.PAGE_SIZE, describe=describe)
