"""A per-site revision of everything availability is computed from.

Database triggers (migration 0002) bump ``site_revisions.revision`` in the
same transaction as any change to a site's desk cells, bed nights, desks,
rooms, beds or closures. No Python code has to remember to do it, so a cache
keyed by (site, revision) is exact: a new revision means new facts.
"""
from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SiteRevision(Base):
    __tablename__ = "site_revisions"

    # No foreign key: triggers fire while a site's rows are being deleted too,
    # and an orphaned revision row is harmless.
    site_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
