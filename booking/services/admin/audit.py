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
from sqlalchemy.orm import Session, joinedload

from ...models import AuditEntry, Bed, Booking, Desk, Room, Site, User
from ..accounts.permissions import is_admin

PAGE_SIZE = 50
PERSONAL_VIEW = "personal.view"


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


def record_personal_view(session: Session, viewer: User, *, site: Site | None, page: str,
                         target: str, members: list[User | None],
                         fields: tuple[str, ...] = ("phone",)) -> AuditEntry | None:
    """Write down that staff saw members' personal data (nothing if none was shown)."""
    ids = sorted({m.id for m in members if m is not None and any(getattr(m, f) for f in fields)})
    if not ids:
        return None
    return record(session, viewer, PERSONAL_VIEW, site=site, target=target,
                  after={"page": page, "fields": list(fields), "members": ids})


@dataclass(frozen=True)
class AuditFilter:
    """What the log page shows: a viewer's sites (None: all), narrowed by the selects."""

    site_ids: list[int] | None
    site_id: int | None = None
    actor_id: int | None = None
    action: str = ""  # e.g. "closure.add"; "" for every action


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_name: str
    actor_role: str
    site_name: str
    target_name: str = ""  # the booking's member, the user, the desk... as it is now

    @property
    def before(self) -> dict:
        return json.loads(self.entry.before) if self.entry.before else {}

    @property
    def after(self) -> dict:
        return json.loads(self.entry.after) if self.entry.after else {}


def _visible(viewer: User, f: AuditFilter):
    """The viewer's slice of the log: everything for admins, their sites' entries otherwise."""
    where = []
    if f.site_id is not None:
        where.append(AuditEntry.site_id == f.site_id)
    elif not is_admin(viewer):
        where.append(AuditEntry.site_id.in_(f.site_ids or []))
    return where


def get_audit_entries(session: Session, viewer: User, f: AuditFilter,
                      page: int = 1) -> tuple[list[AuditRow], int]:
    """Newest first, one page; a manager sees only entries about their sites."""
    query = (select(AuditEntry, User.name, User.role, Site.name)
             .outerjoin(User, User.id == AuditEntry.actor_id)
             .outerjoin(Site, Site.id == AuditEntry.site_id)
             .where(*_visible(viewer, f)))
    if f.actor_id is not None:
        query = query.where(AuditEntry.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                           .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    names = _target_names(session, [e.target for e, *_ in rows])
    return [AuditRow(e, actor or "", role or "", site or "", names.get(e.target, ""))
            for e, actor, role, site in rows], total


_TARGETS = {
    "booking": (Booking, lambda b: b.member.name if b.member else ""),
    "user": (User, lambda u: u.name),
    "desk": (Desk, lambda d: d.label),
    "bed": (Bed, lambda b: b.label),
    "room": (Room, lambda r: r.name),
}


def _target_names(session: Session, targets: list[str]) -> dict[str, str]:
    """What each "kind:id" target is called now, one query per kind on the page."""
    ids: dict[str, set[int]] = {}
    for target in targets:
        kind, _sep, raw = target.partition(":")
        if kind in _TARGETS and raw.isdigit():
            ids.setdefault(kind, set()).add(int(raw))
    names = {}
    for kind, wanted in ids.items():
        model, name_of = _TARGETS[kind]
        query = select(model).where(model.id.in_(wanted))
        if model is Booking:
            query = query.options(joinedload(Booking.member))
        for thing in session.scalars(query):
            names[f"{kind}:{thing.id}"] = name_of(thing)
    return names


def get_audit_choices(session: Session, viewer: User,
                      f: AuditFilter) -> tuple[list[tuple[int, str]], list[str]]:
    """The actors and the actions that occur in the viewer's slice of the log."""
    where = _visible(viewer, AuditFilter(site_ids=f.site_ids))
    actors = session.execute(
        select(User.id, User.name).join(AuditEntry, AuditEntry.actor_id == User.id)
        .where(*where).group_by(User.id, User.name).order_by(User.name)).all()
    actions = session.scalars(select(AuditEntry.action).where(*where)
                              .group_by(AuditEntry.action).order_by(AuditEntry.action)).all()
    return [(a.id, a.name) for a in actors], list(actions)
