"""The small chart of a sensor alert's evidence, drawn on the server as SVG: the series
that triggered it (one line per station), the rule's limit as a dashed line, the first
and last times and the value range as labels. No script, so it shows on the wall, in
e-mail clients that open the page and with JavaScript off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

WIDTH, HEIGHT = 360, 110
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 8, 20  # room for the value and time labels
COLOURS = ("#0b5cad", "#c2410c", "#15803d", "#7e22ce")


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # SVG polyline points
    colour: str
    last: str  # the last value, as text


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    limit_y: str | None  # preformatted: a localized "74,3" would break the SVG
    limit_text: str
    low: str
    high: str
    start: str
    end: str
    unit: str
    plot: tuple[int, int, int, int]  # x0, y0, x1, y1 of the plotting area


def _text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def evidence_chart(evidence: dict) -> Chart | None:
    """The chart of an alert's evidence, or None when it carries no series."""
    series = [s for s in evidence.get("series") or [] if s.get("t") and s.get("v")]
    if not series:
        return None
    times = [[dt.datetime.fromisoformat(t) for t in s["t"]] for s in series]
    values = [s["v"] for s in series]
    limit = evidence.get("limit")
    every = [v for vs in values for v in vs] + ([limit] if limit is not None else [])
    low, high = min(every), max(every)
    span = (high - low) or 1.0
    first = min(ts[0] for ts in times)
    last = max(ts[-1] for ts in times)
    seconds = (last - first).total_seconds() or 1.0
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(t: dt.datetime) -> float:
        return x0 + (x1 - x0) * (t - first).total_seconds() / seconds

    def y(v: float) -> float:
        return y1 - (y1 - y0) * (v - low) / span

    lines = [
        Line(
            s.get("name") or s.get("device", ""),
            " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(ts, vs, strict=True)),
            COLOURS[i % len(COLOURS)],
            _text(vs[-1]),
        )
        for i, (s, ts, vs) in enumerate(zip(series, times, values, strict=True))
    ]
    local = timezone.localtime
    return Chart(
        WIDTH,
        HEIGHT,
        lines,
        f"{y(limit):.1f}" if limit is not None else None,
        _text(limit) if limit is not None else "",
        _text(low),
        _text(high),
        local(first).strftime("%H:%M %d/%m"),
        local(last).strftime("%H:%M %d/%m"),
        evidence.get("unit", ""),
        (x0, y0, x1, y1),
    )
