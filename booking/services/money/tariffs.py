"""A site's tariffs: what a night, a month and the deposit cost from a given day.

A change is a new tariff from a later day, never an edit: a stay is priced by
the tariff in force on its check-in day, so past stays keep their prices.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import Site, Tariff, User
from ..admin import audit
from ..errors import InPast, InvalidRequest, NotPermitted, RuleViolation
from ..messages import _
from ..accounts.permissions import can_manage_site

TARIFF_FIELDS = ("effective_from", "per_night_paise", "per_month_paise", "deposit_paise")


def get_tariffs(session: Session, site: Site) -> list[Tariff]:
    """Every tariff of the site, the newest first (past ones stay listed)."""
    return list(session.scalars(select(Tariff).where(Tariff.site_id == site.id)
                                .order_by(Tariff.effective_from.desc())))


def tariff_on(session: Session, site_id: int, day: date) -> Tariff | None:
    """The tariff in force on ``day``: the latest that starts on or before it."""
    return session.scalars(select(Tariff).where(Tariff.site_id == site_id,
                                                Tariff.effective_from <= day)
                           .order_by(Tariff.effective_from.desc()).limit(1)).first()


def add_tariff(session: Session, actor: User | None, site: Site, *, effective_from: date,
               per_night_paise: int, per_month_paise: int, deposit_paise: int,
               today: date) -> Tariff:
    """Add a tariff from today or a later day (audited); one per site and day."""
    if actor is not None and not can_manage_site(actor, site):
        raise NotPermitted(_("Only an administrator or this site's manager can set its tariff."))
    if effective_from < today:
        raise InPast(_("A tariff cannot start in the past: stays already priced keep their "
                       "tariff. Choose today or a later day."))
    for value in (per_night_paise, per_month_paise, deposit_paise):
        if value < 0:
            raise InvalidRequest(_('Amounts cannot be negative.'))
    if session.scalar(select(Tariff.id).where(Tariff.site_id == site.id,
                                              Tariff.effective_from == effective_from)):
        raise RuleViolation(_("This site already has a tariff from that day; choose another day "
                              "(a tariff is never edited)."))
    tariff = Tariff(site_id=site.id, effective_from=effective_from,
                    per_night_paise=per_night_paise, per_month_paise=per_month_paise,
                    deposit_paise=deposit_paise, created_by_id=actor.id if actor else None)
    try:
        with session.begin_nested():
            session.add(tariff)
            session.flush()
    except IntegrityError:  # a racer added one from the same day
        raise RuleViolation(_("This site already has a tariff from that day; choose another day "
                              "(a tariff is never edited).")) from None
    audit.record(session, actor, "tariff.add", site=site, target=f"tariff:{tariff.id}",
                 after=audit.snapshot(tariff, TARIFF_FIELDS))
    return tariff
