"""The audit trail: who changed what, when, with the state before and after.

Every admin or site-manager write calls ``record`` in the same transaction as
the change, so the trail and the data cannot disagree.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import AuditEntry, Site, User
from .permissions import is_admin

PAGE_SIZE = 50


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value


def to_json(values: dict | None) -> str:
    if not values:
        return ""
    return json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True)


def snapshot(obj, fields: tuple[str, ...]) -> dict:
    """The named attributes of a model, as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(session: Session, actor: User | None, action: str, *, site: Site | None = None,
           target: str = "", before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Write one audit entry for an admin or manager action."""
    entry = AuditEntry(actor_id=actor.id if actor else None, site_id=site.id if site else None,
                       action=action[:60], target=target[:120],
                       before=to_json(before), after=to_json(after))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_name: str
    site_name: str

    @property
    def before(self) -> dict:
        return json.loads(self.entry.before) if self.entry.before else {}

    @property
    def after(self) -> dict:
        return json.loads(self.entry.after) if self.entry.after else {}


def get_audit_entries(session: Session, viewer: User, *, site_ids: list[int] | None,
                      site_id: int | None = None, page: int = 1) -> tuple[list[AuditRow], int]:
    """Newest first, one page; a manager sees only entries about their sites."""
    query = (select(AuditEntry, User.name, Site.name)
             .outerjoin(User, User.id == AuditEntry.actor_id)
             .outerjoin(Site, Site.id == AuditEntry.site_id))
    if site_id is not None:
        query = query.where(AuditEntry.site_id == site_id)
    elif not is_admin(viewer):
        query = query.where(AuditEntry.site_id.in_(site_ids or []))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return [AuditRow(e, actor or "", site or "") for e, actor, site in rows], total
