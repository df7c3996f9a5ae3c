"""Server-rendered SVG charts: geometry computed here, drawn by templates/admin/_charts.html."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import format_day
from ..localize import localize
from ..services.sites.occupancy import DayUse, StateDay

HEIGHT = 220  # plot area, in SVG user units
PLOT_WIDTH = 880  # the chart scales to its container; this is its drawing width
LEFT, BOTTOM, TOP = 46, 28, 10
LABEL_SPACING = 44  # at least this far between x-axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x-axis labels (some columns only)
    grid: list[tuple[float, str]]  # y positions of 0/50/100 %
    series: list[tuple[str, str]]  # (css class, legend)
    summary: str  # the chart's text alternative


def grouped_bars(columns: list[tuple[str, list[tuple[str, float, str]]]],
                 series: list[tuple[str, str]], summary: str) -> Chart:
    """Columns of bars (series, fraction 0..1, tooltip), one group per column."""
    per = max((len(c[1]) for c in columns), default=1)
    step = PLOT_WIDTH / max(len(columns), 1)
    bar = min(step * 0.8 / per, 28)
    gap = (step - bar * per) / 2
    bars, labels = [], []
    every = max(1, round(LABEL_SPACING / step + 0.49))  # keep labels legible on long periods
    for index, (label, values) in enumerate(columns):
        x0 = LEFT + index * step + gap
        for offset, (name, fraction, title) in enumerate(values):
            h = round(max(0.0, min(fraction, 1.0)) * HEIGHT, 1)
            bars.append(Bar(round(x0 + offset * bar, 2), TOP + HEIGHT - h,
                            round(max(bar - 1, 1), 2), h, name, title))
        if index % every == 0:
            labels.append((round(x0 + per * bar / 2, 2), label))
    grid = [(TOP + HEIGHT * (1 - f), f"{int(f * 100)}%") for f in (0, 0.5, 1)]
    return Chart(LEFT + PLOT_WIDTH + 4, TOP + HEIGHT + BOTTOM, bars, labels, grid, series, summary)


PART_NAMES = {"morning": _l("morning"), "afternoon": _l("afternoon"), "night": _l("night")}


def _axis_label(day, is_first: bool) -> str:
    """The day number; the month too where it starts, so labels stay short."""
    return format_date(day, "d MMM") if is_first or day.day == 1 else format_decimal(day.day)


def _pct(value: float) -> str:
    return format_percent(value, "#,##0%")


def site_chart(days: list[DayUse], kind: str, name: str) -> Chart:
    """One site's utilisation per day: morning and afternoon bars, or one per night."""
    parts = ("morning", "afternoon") if kind == "centre" else ("night",)
    columns = []
    for d in days:
        values = [(part, d.part_utilisation(part),
                   _("%(day)s %(part)s: %(taken)d of %(capacity)d", day=format_day(d.day),
                     part=PART_NAMES[part], taken=d.taken[part], capacity=d.capacity)
                   if d.capacity else "%s: %s" % (format_day(d.day),
                                                  localize(d.closed_reason) or _("no capacity")))
                  for part in parts]
        columns.append((_axis_label(d.day, len(columns) == 0), values))
    legend = [("morning", _("Morning")), ("afternoon", _("Afternoon"))] if kind == "centre" \
        else [("night", _("Beds per night"))]
    open_days = [d for d in days if d.capacity]
    average = sum(d.utilisation for d in open_days) / len(open_days) if open_days else 0
    return grouped_bars(columns, legend,
                        _("%(name)s: average utilisation %(pct)s over %(n)d open days",
                          name=name, pct=_pct(average), n=len(open_days)))


def state_chart(days: list[StateDay]) -> Chart:
    """Desks and beds across the state, per day."""
    columns = [(_axis_label(d.day, i == 0), [
        ("desks", d.desk_utilisation, _("%(day)s desks: %(pct)s", day=format_day(d.day),
                                         pct=_pct(d.desk_utilisation))),
        ("beds", d.bed_utilisation, _("%(day)s beds: %(pct)s", day=format_day(d.day),
                                       pct=_pct(d.bed_utilisation))),
    ]) for i, d in enumerate(days)]
    return grouped_bars(columns, [("desks", _("Desk half-days")), ("beds", _("Bed nights"))],
                        _("Utilisation of desks and beds across the sites shown, per day"))
