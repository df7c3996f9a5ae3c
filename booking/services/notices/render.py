"""Mail bodies from Jinja templates under ``templates/mail/``, without Flask.

Each notice has ``mail/<name>.txt`` and ``mail/<name>.html``; the HTML one is
autoescaped, the text one is not (it is never shown as HTML). ``_()`` is
available in both for the translated catalogue to come.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ...clock import KOLKATA

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_null_translations(newstyle=True)
    env.filters["kerala_date"] = lambda d: d.strftime("%a %-d %b %Y")
    env.filters["kerala_time"] = lambda t: t.astimezone(KOLKATA).strftime("%-d %b %Y, %H:%M")
    return env


def render(name: str, **context) -> tuple[str, str]:
    """(text, html) for the notice ``name``."""
    env = _environment()
    return (env.get_template(f"mail/{name}.txt").render(**context),
            env.get_template(f"mail/{name}.html").render(**context))
