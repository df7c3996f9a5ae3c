"""Server-rendered SVG charts: geometry computed here, drawn by templates/admin/_charts.html."""
from __future__ import annotations

from dataclasses import dataclass

from ..services.dates import format_day
from ..services.occupancy import DayUse, StateDay

HEIGHT = 160  # plot area, in SVG user units
LEFT, BOTTOM, TOP = 36, 28, 8
BAR, GAP = 9, 6


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
    step = per * BAR + GAP
    bars, labels = [], []
    every = max(1, len(columns) // 12)  # keep labels legible on long periods
    for index, (label, values) in enumerate(columns):
        x0 = LEFT + GAP + index * step
        for offset, (name, fraction, title) in enumerate(values):
            h = round(max(0.0, min(fraction, 1.0)) * HEIGHT, 1)
            bars.append(Bar(x0 + offset * BAR, TOP + HEIGHT - h, BAR - 1, h, name, title))
        if index % every == 0:
            labels.append((x0 + per * BAR / 2, label))
    grid = [(TOP + HEIGHT * (1 - f), f"{int(f * 100)}%") for f in (0, 0.5, 1)]
    width = LEFT + GAP + len(columns) * step + GAP
    return Chart(width, TOP + HEIGHT + BOTTOM, bars, labels, grid, series, summary)


def _pct(value: float) -> str:
    return f"{value:.0%}"


def site_chart(days: list[DayUse], kind: str, name: str) -> Chart:
    """One site's utilisation per day: morning and afternoon bars, or one per night."""
    parts = ("morning", "afternoon") if kind == "centre" else ("night",)
    columns = []
    for d in days:
        values = [(part, d.part_utilisation(part),
                   f"{format_day(d.day)} {part}: {d.taken[part]} of {d.capacity}"
                   if d.capacity else f"{format_day(d.day)}: {d.closed_reason or 'no capacity'}")
                  for part in parts]
        columns.append((f"{d.day.day} {d.day:%b}", values))
    legend = [("morning", "Morning"), ("afternoon", "Afternoon")] if kind == "centre" \
        else [("night", "Beds per night")]
    open_days = [d for d in days if d.capacity]
    average = sum(d.utilisation for d in open_days) / len(open_days) if open_days else 0
    return grouped_bars(columns, legend,
                        f"{name}: average utilisation {_pct(average)} over {len(open_days)} open days")


def state_chart(days: list[StateDay]) -> Chart:
    """Desks and beds across the state, per day."""
    columns = [(f"{d.day.day} {d.day:%b}", [
        ("desks", d.desk_utilisation, f"{format_day(d.day)} desks: {_pct(d.desk_utilisation)}"),
        ("beds", d.bed_utilisation, f"{format_day(d.day)} beds: {_pct(d.bed_utilisation)}"),
    ]) for d in days]
    return grouped_bars(columns, [("desks", "Desk half-days"), ("beds", "Bed nights")],
                        "Utilisation of desks and beds across all sites, per day")
