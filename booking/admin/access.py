"""Who may use the admin area, and which sites they see: the one place it is decided."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from ..extensions import get_session
from ..models import Booking, Site, User
from ..services.admin import audit
from ..services.accounts.permissions import (
    can_decide_eligibility,
    can_manage_site,
    can_use_admin,
    is_admin,
)
from ..services.sites.finding import get_sites_by_name
from . import bp


@bp.before_request
def require_staff():
    """Strangers sign in; members (and anyone else) get a 404 for the whole area."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not can_use_admin(current_user):
        abort(404)
    return None


def admin_required(view):
    """State-wide pages (users, new sites, CSV import): administrators only."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def get_site_or_404(site_id: int) -> Site:
    site = get_session().get(Site, site_id)
    if site is None or not can_manage_site(current_user, site):
        abort(404)
    return site


def get_booking_or_404(booking_id: int) -> Booking:
    booking = get_session().get(Booking, booking_id)
    if booking is None or not can_manage_site(current_user, booking.site):
        abort(404)
    return booking


def get_part_or_404(site: Site, model, thing_id: int):
    """A desk, room or bed that belongs to this site."""
    thing = get_session().get(model, thing_id)
    if thing is None or thing.site_id != site.id:
        abort(404)
    return thing


def visible_site_ids() -> list[int] | None:
    """None for administrators (every site); a manager's own site ids otherwise."""
    if is_admin(current_user):
        return None
    return [s.id for s in current_user.managed_sites]


def visible_sites() -> list[Site]:
    return get_sites_by_name(get_session(), visible_site_ids())


def audit_personal_view(site: Site | None, page: str, target: str,
                        members: list[User | None]) -> None:
    """Write down that the signed-in staff member is shown these members' phone numbers.

    In the request's transaction: the view is marked ``writes_on_read``, and
    a page that fails to render (rolled back) showed nothing.
    """
    audit.record_personal_view(get_session(), current_user, site=site, page=page,
                               target=target, members=members)


@bp.context_processor
def _admin_globals():
    # Only reached past require_staff, so current_user is a signed-in User.
    return {"is_admin_user": is_admin(current_user),
            "can_decide_eligibility": can_decide_eligibility(current_user)}
