"""Admin templates are ready for translation: no English outside gettext."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_i18n import SPOKEN_ATTRIBUTE, bare_text

ADMIN_TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates" / "admin").glob("*.html"))


@pytest.mark.parametrize("template", ADMIN_TEMPLATES, ids=lambda p: p.name)
def test_admin_template_text_goes_through_gettext(template):
    source = template.read_text()
    assert bare_text(source) == []
    assert SPOKEN_ATTRIBUTE.findall(source) == []
