"""JSON API handlers: parse, load, authorise, delegate, serialise."""
from __future__ import annotations

from flask import jsonify

from . import bp


@bp.get("/ping")
def ping():
    """A tiny answer that touches no database: the framework's ceiling."""
    return jsonify(ok=True)
