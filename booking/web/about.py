"""About the data: where place positions come from, with the attribution their licence asks."""
from __future__ import annotations

from flask import render_template

from . import bp


@bp.get("/about/data")
def about_data():
    return render_template("about/data.html")
