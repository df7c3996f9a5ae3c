"""The human-readable API page (/api/), rendered from the OpenAPI document itself."""
from __future__ import annotations

import json

from flask import render_template, url_for
from markupsafe import Markup, escape

from .openapi import openapi_document

METHOD_ORDER = ("get", "post", "delete")


def _operations(document: dict) -> list[dict]:
    operations = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in METHOD_ORDER:
            if method in item:
                op = item[method]
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
                operations.append({
                    "method": method.upper(), "path": "/api/v1" + path, "op": op,
                    "anchor": op["operationId"],
                    "parameters": shared + op.get("parameters", []),
                    "examples": {name: json.dumps(ex["value"], indent=2)
                                 for name, ex in body.get("examples", {}).items()},
                    "needs_token": bool(op.get("security")),
                })
    return operations


def inline_code(text: str | None) -> Markup:
    """The document's `backticks` as <code>, everything else escaped."""
    parts = str(escape(text or "")).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def api_docs():
    document = openapi_document()
    return render_template("api/docs.html", info=document["info"],
                           operations=_operations(document),
                           openapi_url=url_for("api.openapi"), inline_code=inline_code)


def register_docs_page(state) -> None:
    """Serve the page at /api/, outside the versioned prefix."""
    state.app.add_url_rule("/api/", "api_docs", api_docs)
