"""Admins assign roles and managed sites to users."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...models import Role, Site, User
from ..admin import audit
from ..errors import InvalidRequest, NotPermitted
from .permissions import is_admin
from ..messages import Text, _

PAGE_SIZE = 50
LAST_ADMIN_DELETE = _(
    "You are the only administrator, so your account cannot be deleted yet. Make someone"
    " else an administrator first (Admin \u2192 Users \u2192 their name \u2192 Role:"
    " administrator), then delete your account.")
LAST_ADMIN_ROLE = _(
    "That would leave no administrator. Make someone else an administrator first"
    " (Admin \u2192 Users \u2192 their name \u2192 Role: administrator), then change this role.")


def ensure_an_administrator_remains(session: Session, leaving: User,
                                    message: Text = LAST_ADMIN_ROLE) -> None:
    """Refuse when `leaving` is the last administrator (their deletion or demotion)."""
    # Every administrator's row is locked (FOR UPDATE on PostgreSQL; SQLite writers take
    # turns anyway) and counted in this transaction, so two administrators leaving at
    # once cannot each count the other as the one who stays.
    admins = session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                   User.deleted_at.is_(None))
                             .order_by(User.id).with_for_update()).all()
    if set(admins) <= {leaving.id}:
        raise InvalidRequest(message)


def search_users(session: Session, text: str = "", role: str = "",
                 page: int = 1) -> tuple[list[User], int]:
    """Users whose name or email contains `text`, optionally of one role."""
    query = select(User).where(User.deleted_at.is_(None))
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role in set(Role):
        query = query.where(User.role == role)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = session.scalars(query.options(selectinload(User.managed_sites))
                            .order_by(User.name, User.id)
                            .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(users), total


def set_role(session: Session, actor: User, user: User, role: str,
             site_ids: list[int]) -> User:
    """Give a user a role and (managers) the sites they run; only admins may."""
    if not is_admin(actor):
        raise NotPermitted(_("Only administrators assign roles."))
    if role not in set(Role):
        raise InvalidRequest(_("Unknown role %(role)s.", role=repr(role)))
    if user.id == actor.id and role != Role.ADMIN:
        raise InvalidRequest(_("You cannot remove your own administrator role."))
    if user.role == Role.ADMIN and role != Role.ADMIN:
        ensure_an_administrator_remains(session, user)
    if role == Role.MANAGER and not site_ids:
        raise InvalidRequest(_("A site manager needs at least one site."))
    sites = list(session.scalars(select(Site).where(Site.id.in_(site_ids)).order_by(Site.name)))
    if len(sites) != len(set(site_ids)):
        raise InvalidRequest(_("One of those sites does not exist."))
    before = {"role": user.role, "sites": [s.slug for s in user.managed_sites]}
    user.role = role
    # Only managers are tied to sites; admins run everything anyway.
    user.managed_sites = sites if role == Role.MANAGER else []
    session.flush()
    audit.record(session, actor, "user.role", target=f"user:{user.id}", before=before,
                 after={"role": role, "sites": [s.slug for s in user.managed_sites]})
    return user
