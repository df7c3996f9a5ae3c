"""Token-authenticated consent: read which policy versions are in force, accept them.

A monthly stay (POST /bookings with `months`) is refused with 422 until the
versions in force are accepted; the refusal names this endpoint.
"""
from __future__ import annotations

from flask import url_for

from ..extensions import get_session
from ..models import User
from ..services.accounts import policies
from . import bp
from .auth import api_member, token_required
from .parsing import check_body, json_object
from .views import compact_json

PAGE_ENDPOINTS = {"house_rules": "house-rules", "privacy_notice": "privacy-notice"}


def _state(member: User) -> dict:
    accepted = policies.accepted_versions(get_session(), member)
    return {
        "accepted": not policies.missing_policies(get_session(), member),
        "documents": [
            {"document": document, "version": version,
             "url": url_for("web.policy_page", slug=PAGE_ENDPOINTS[document], _external=True),
             "accepted_at": accepted[document].isoformat() if document in accepted else None}
            for document, version in policies.current_versions().items()
        ],
    }


@bp.get("/policies")
@token_required
def get_policies():
    return compact_json(_state(api_member()))


@bp.post("/policies/accept")
@token_required
def accept_policies():
    payload = json_object()
    check_body(payload, "PolicyAcceptRequest")
    member = api_member()
    policies.accept_policies(get_session(), member, payload)
    return compact_json(_state(member))
