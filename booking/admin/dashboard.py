"""Occupancy: the state-wide ranking and one site's days."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request

from ..localize import localize
from ..clock import today_in_kerala
from ..extensions import get_session
from ..services.bookings.waitlist import get_waiting_by_site
from ..services.sites import occupancy
from ..services.errors import InvalidRequest
from . import bp
from .access import get_site_or_404, visible_site_ids
from .charts import site_chart, state_chart
from .forms import PeriodForm

DEFAULT_DAYS = 14


def _period(form: PeriodForm) -> tuple[date, date]:
    first = form.first.data or today_in_kerala()
    last = form.last.data or first + timedelta(days=DEFAULT_DAYS - 1)
    return first, last


@bp.get("/")
def dashboard():
    form = PeriodForm(request.args)
    form.validate()
    first, last = _period(form)
    try:
        uses = occupancy.get_occupancy(get_session(), first, last, visible_site_ids())
    except InvalidRequest as error:
        return render_template("admin/dashboard.html", form=form, error=localize(error),
                               ranked=[], chart=None, first=first, last=last, waiting={}), 400
    return render_template("admin/dashboard.html", form=form, error=None, first=first, last=last,
                           ranked=occupancy.rank_sites(uses),
                           waiting=get_waiting_by_site(get_session(), first, last,
                                                       visible_site_ids()),
                           chart=state_chart(occupancy.state_days(uses)))


@bp.get("/sites/<int:site_id>/occupancy")
def site_occupancy(site_id: int):
    form = PeriodForm(request.args)
    form.validate()
    site = get_site_or_404(site_id)
    first, last = _period(form)
    try:
        [use] = occupancy.get_occupancy(get_session(), first, last, [site.id])
    except InvalidRequest as error:
        return render_template("admin/site_occupancy.html", site=site, form=form, use=None,
                               chart=None, error=localize(error)), 400
    return render_template("admin/site_occupancy.html", site=site, form=form, use=use,
                           error=None, chart=site_chart(use.days, site.kind, site.name))
