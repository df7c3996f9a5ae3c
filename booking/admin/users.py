"""Users: administrators assign roles and the sites a manager runs."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..localize import localize
from ..extensions import get_session
from ..models import User
from ..services.accounts import eligibility, roles as users_admin
from ..services.errors import BookingError
from ..services.sites.finding import get_sites_by_name
from . import bp
from .access import admin_required
from .forms import EligibilityForm, RoleForm, choices


@bp.get("/users")
@admin_required
def user_list():
    text, role = request.args.get("q", "")[:100], request.args.get("role", "")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    users, total = users_admin.search_users(get_session(), text, role, page)
    return render_template("admin/users.html", users=users, total=total, q=text, role=role,
                           page=page, page_size=users_admin.PAGE_SIZE)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    session = get_session()
    user = session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    form = RoleForm(data={"role": user.role, "sites": [s.id for s in user.managed_sites]}
                    if request.method == "GET" else None)
    form.sites.choices = choices((s.id, f"{s.name} ({s.district})")
                                 for s in get_sites_by_name(session))
    if form.validate_on_submit():
        try:
            users_admin.set_role(session, current_user, user, form.role.data, form.sites.data)
        except BookingError as error:
            form.role.errors.append(localize(error))
        else:
            flash(_("%(name)s is now a %(role)s.", name=user.name, role=user.role), "success")
            return redirect(url_for("admin.user_list"))
    return render_template(
        "admin/user_edit.html", form=form, user=user,
        eligibility_form=EligibilityForm(formdata=None,
                                         hostel_eligibility=user.hostel_eligibility or ""),
        pending_request=eligibility.get_pending_request(session, user)), \
        400 if request.method == "POST" else 200
