"""The house rules and privacy notice a resident accepts before a monthly stay.

Each text has a version (``CURRENT_POLICY_VERSIONS``); a new text gets a new
version, so everyone accepts it again before their next monthly stay. An
acceptance names the versions the person was shown: accepting a version no
longer in force is refused, so nobody "accepts" a text they did not read.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import CURRENT_POLICY_VERSIONS, PolicyAcceptance, User, utcnow
from ..errors import InvalidRequest, PoliciesNotAccepted
from ..messages import _

# Where a person reads and accepts them (the web page; the API has POST /policies/accept).
POLICIES_PAGE = "/policies"
POLICIES_API = "/api/v1/policies/accept"


def current_versions() -> dict[str, str]:
    return {str(document): version for document, version in CURRENT_POLICY_VERSIONS.items()}


def accepted_versions(session: Session, user: User) -> dict[str, datetime]:
    """When the user accepted each document's version in force (absent: not accepted)."""
    rows = session.execute(select(PolicyAcceptance.document, PolicyAcceptance.version,
                                  PolicyAcceptance.accepted_at)
                           .where(PolicyAcceptance.user_id == user.id))
    current = current_versions()
    return {document: at for document, version, at in rows if current.get(document) == version}


def missing_policies(session: Session, user: User) -> list[str]:
    """The documents whose version in force the user has not accepted yet."""
    accepted = accepted_versions(session, user)
    return [document for document in current_versions() if document not in accepted]


def has_accepted_current(session: Session, user: User) -> bool:
    return not missing_policies(session, user)


def check_policies_accepted(session: Session, user: User) -> None:
    """Refuse a monthly stay until the versions in force are accepted."""
    if has_accepted_current(session, user):
        return
    raise PoliciesNotAccepted(
        _("Before a monthly stay, read and accept the hostel's house rules and privacy notice "
          "(they say what the hostel keeps about you and for how long): on the web at "
          "%(policies_page)s, or with POST %(policies_api)s.",
          policies_page=POLICIES_PAGE, policies_api=POLICIES_API))


def accept_policies(session: Session, user: User, versions: dict[str, str] | None = None,
                    *, now: datetime | None = None) -> list[str]:
    """Record that the user accepts the documents in force; the documents newly accepted.

    ``versions`` (document -> version) are what the person was shown; each must be
    the version in force. None means the versions in force (the web form shows them).
    """
    current = current_versions()
    if versions is not None:
        unknown = sorted(set(versions) - set(current))
        if unknown:
            raise InvalidRequest(_("Unknown document(s): %(unknown)s; the documents are "
                                   "%(documents)s.",
                                   unknown=', '.join(unknown), documents=', '.join(current)))
        missing = [d for d in current if d not in versions]
        if missing:
            raise InvalidRequest(_("Accept every document: %(missing)s is missing.",
                                   missing=', '.join(missing)))
        stale = [d for d in current if versions[d] != current[d]]
        if stale:
            raise InvalidRequest(
                "A newer version is in force: " + ", ".join(
                    f"{d} is version {current[d]}" for d in stale)
                + f". Read it at {POLICIES_PAGE} and accept that version.")
    already = accepted_versions(session, user)
    added = []
    for document, version in current.items():
        if document in already:
            continue
        try:
            with session.begin_nested():
                session.add(PolicyAcceptance(user_id=user.id, document=document,
                                             version=version, accepted_at=now or utcnow()))
        except IntegrityError:
            continue  # the same person's other request accepted it a moment ago
        added.append(document)
    return added


def acceptance_history(session: Session, user: User) -> list[PolicyAcceptance]:
    return list(session.scalars(select(PolicyAcceptance)
                                .where(PolicyAcceptance.user_id == user.id)
                                .order_by(PolicyAcceptance.accepted_at, PolicyAcceptance.id)))

