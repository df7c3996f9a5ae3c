"""Ready for Malayalam: no English text in member templates outside gettext."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OTHER_BLUEPRINTS = {"admin", "api"}  # their helpers own those templates
MEMBER_TEMPLATES = sorted(
    p for p in TEMPLATES.rglob("*.html")
    if p.relative_to(TEMPLATES).parts[0] not in OTHER_BLUEPRINTS
)
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
CODE = re.compile(r"<code>.*?</code>", re.S)  # literal code (a header name) is not prose
TAG = re.compile(r"<[^>]*>", re.S)
SPOKEN_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"{]*[A-Za-z]{2,}[^"]*)"')


def bare_text(source: str) -> list[str]:
    """Words a person would read that are not produced by a Jinja expression."""
    text = TAG.sub(" ", JINJA.sub(" ", CODE.sub(" ", source)))
    return re.findall(r"[A-Za-z]{2,}", text)


def test_the_checker_catches_bare_text():
    assert bare_text("<p>Hello {{ _('there') }}</p>") == ["Hello"]
    assert bare_text("<p>{{ _('Hello') }} · #{{ b.id }}</p>") == []
    assert bare_text("<p>{{ _('Send') }} <code>Authorization: Bearer</code></p>") == []


@pytest.mark.parametrize("template", MEMBER_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_member_template_text_goes_through_gettext(template):
    source = template.read_text()
    assert bare_text(source) == []
    assert SPOKEN_ATTRIBUTE.findall(source) == []


def test_english_catalogue_is_compiled():
    catalogue = Path(__file__).resolve().parents[2] / "booking/translations/en/LC_MESSAGES"
    assert (catalogue / "messages.mo").is_file()
    assert 'msgid "Book a desk"' in (catalogue / "messages.po").read_text()
