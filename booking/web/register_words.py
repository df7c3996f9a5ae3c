"""Words for the resident register, shared by the warden's form and the resident's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ID_DOCUMENT_LABELS = {
    "aadhaar": _l("Aadhaar"),
    "pan": _l("PAN card"),
    "passport": _l("Passport"),
    "driving_licence": _l("Driving licence"),
    "voter_id": _l("Voter ID"),
    "employee_id": _l("Employee ID"),
}

REGISTER_FIELD_LABELS = {
    "full_name": _l("Full name"),
    "phone": _l("Mobile phone"),
    "employer": _l("Employer"),
    "emergency_contact_name": _l("Emergency contact"),
    "emergency_contact_phone": _l("Emergency contact's phone"),
    "id_document_type": _l("ID document"),
    "id_last4": _l("Last four digits of the ID number"),
}

POLICY_TITLES = {
    "house_rules": _l("House rules"),
    "privacy_notice": _l("Privacy notice"),
}
