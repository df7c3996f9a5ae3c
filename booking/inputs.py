"""Input at the edge: every request's body size and text checked once, before anything reads them.

- **Size.** A body over the limit (``MAX_CONTENT_LENGTH``, 64 KiB; a view may
  declare a larger one with ``accepts_body_up_to``) is refused with 413 before
  CSRF, the views or any hook read it, and the refused body then reads as
  empty: a hook that looks at ``request.form`` while the 413 is answered (the
  sign-in throttle does) sees nothing instead of raising again, so the 413
  keeps its page or problem+json and the normal headers.
- **Text.** NUL and unpaired surrogates are refused with 400 wherever text
  comes in: the path, the query string, form fields and JSON bodies (keys and
  values, at any depth). PostgreSQL cannot store NUL, and a lone surrogate
  cannot even be encoded as UTF-8, so either would otherwise fail deep in the
  data layer as a 500. JSON bodies are parsed here, once (``json_body``), and
  refused when malformed or nested absurdly deep.

Free text that is *kept* is also cleaned of control characters by the forms
(``booking/forms.py``); that is a different job: a reason with a tab in it is
stored without it, a request with a NUL in it is not a request we understand.
"""
from __future__ import annotations

import io
import json

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import error_page
from .services.errors import InvalidRequest

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
MAX_JSON_DEPTH = 20  # our bodies are flat; deeper nesting is only ever an attack


def accepts_body_up_to(limit: int):
    """Let one view take bodies up to `limit` bytes; it answers a larger one itself.

    Over its limit the body is refused (reads as empty) and ``is_body_refused()``
    is true, so the view can show a form error in place of the bare 413 page.
    """
    def mark(view):
        view.max_body_bytes = limit
        return view

    return mark


def is_body_refused() -> bool:
    return bool(g.get("body_refused"))


def refuse_body() -> None:
    """From now on the request's body reads as empty: it is never parsed."""
    g.body_refused = True
    request.stream = io.BytesIO()
    request.form = ImmutableMultiDict()
    request.files = ImmutableMultiDict()


# ---------------------------------------------------------------- text

def text_fault(text: str) -> str | None:
    """Why a piece of text cannot be taken (a NUL, an unpaired surrogate), or None."""
    if "\x00" in text:
        return _("a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("an unpaired surrogate (text that is not valid Unicode)")
    return None


def _json_fault(value: object) -> str | None:
    """What is wrong with the text or nesting of a JSON value, or None (no recursion)."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
        if isinstance(item, str) and (fault := text_fault(item)):
            return f"'{where or 'the body'}' in the JSON body contains {fault}; remove it."
        if isinstance(item, dict):
            for key, child in item.items():
                if fault := text_fault(key):
                    return f"A field name in the JSON body contains {fault}; remove it."
                stack.append((child, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]", depth + 1) for i, child in enumerate(item))
    return None


def _check_pairs(what: str, pairs) -> None:
    """Refuse (400) a NUL or an unpaired surrogate in any name or value."""
    for name, value in pairs:
        for text in (name, value):
            if isinstance(text, str) and (fault := text_fault(text)):
                shown = name if text is value and not text_fault(name) else "?"
                raise InvalidRequest(_("%(what)s '%(name)s' contains %(fault)s; remove it and"
                                       " send again.", what=what, name=shown, fault=fault))


def json_body() -> object:
    """The request body parsed as JSON, once per request, or a 400 saying what is wrong."""
    if "json_body" not in g:
        raw = request.get_data(cache=True)
        if not raw.strip():
            raise InvalidRequest("Send a JSON object in the request body.")
        try:
            payload = json.loads(raw)
        except (ValueError, RecursionError):
            raise InvalidRequest("The request body is not valid JSON.") from None
        if fault := _json_fault(payload):
            raise InvalidRequest(fault)
        g.json_body = payload
    return g.json_body


# ---------------------------------------------------------------- the hook

def _body_limit() -> tuple[int | None, bool]:
    """This request's body limit, and whether its view answers an oversized body itself."""
    view = current_app.view_functions.get(request.endpoint or "")
    own = getattr(view, "max_body_bytes", None)
    return (own, True) if own else (current_app.config.get("MAX_CONTENT_LENGTH"), False)


def check_request() -> None:
    """Before anything else reads the request (CSRF included): its size, then its text."""
    limit, answers_itself = _body_limit()
    request.max_content_length = limit
    if limit is not None and (request.content_length or 0) > limit:
        refuse_body()
        if answers_itself:
            return
        raise RequestEntityTooLarge()
    _check_pairs(_("The address part"), (request.view_args or {}).items())
    _check_pairs(_("The query parameter"), request.args.items(multi=True))
    if request.mimetype in FORM_TYPES:
        _check_pairs(_("The form field"), request.form.items(multi=True))
    elif request.is_json and request.content_length != 0:
        payload = json_body()
        if request.blueprint != "api":
            _check_form_json(payload)


def _check_form_json(payload: object) -> None:
    """A page's form posted as JSON (Flask-WTF reads it as form data) must be what a form
    can send: an object of text values (or lists of text)."""
    def is_text(value: object) -> bool:
        return isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))

    if not isinstance(payload, dict) or not all(is_text(v) for v in payload.values()):
        raise InvalidRequest(_("A form sent as JSON must be an object whose values are text."))


def _too_large(error: RequestEntityTooLarge):
    refuse_body()  # hooks that run while this is answered must not read the body again
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return error_page(413, "Request Entity Too Large", _(
        "What was sent is larger than %(kib)d KiB, the most this address accepts."
        " Send less (shorten the text, or split it up) and try again.", kib=limit // 1024))


def init_inputs(app: Flask) -> None:
    """Call before CSRF is set up, so these checks run before it reads the body."""
    app.before_request(check_request)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
