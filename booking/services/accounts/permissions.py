"""Who may do what. One place, so views and services ask the same question."""
from __future__ import annotations

from ...models import Role, Site, User


def can_manage_site(user: User | None, site: Site) -> bool:
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.MANAGER and any(s.id == site.id for s in user.managed_sites)


def can_use_admin(user: User | None) -> bool:
    return user is not None and user.role in (Role.ADMIN, Role.MANAGER)


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def can_decide_eligibility(user: User | None) -> bool:
    """Admins, and managers of a hostel: eligibility is per person, so a warden of any
    hostel sees and decides every member's request (a centre-only manager does not)."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.MANAGER and any(s.is_hostel for s in user.managed_sites)
