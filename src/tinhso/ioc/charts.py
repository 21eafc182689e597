"""Trend charts drawn on the server as SVG, for printed reports (WeasyPrint runs no
JavaScript): the province's values as a line, the thresholds as dashed lines, the next
target as a dotted line with its value."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 520, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 90, 12, 28
GOOD, BAD, LINE, TARGET = "#1e6b36", "#b3261e", "#0b4f9c", "#8a1010"
INK, GRID = "#1b1f24", "#d5dbe2"


def number(value: float) -> str:
    """A figure as Vietnamese write it: 1.234,5."""
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", ".")
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}".replace(".", ",")


def trend_svg(
    series: list[tuple[dt.date, float]],
    *,
    good: float | None = None,
    bad: float | None = None,
    target: float | None = None,
    labels: dict[str, str] | None = None,
    font_family: str = "sans-serif",
) -> str:
    """An SVG line chart of `series`, or an empty string when it has fewer than two
    points. `labels` names the lines ("good", "bad", "target") in the report's language."""
    if len(series) < 2:
        return ""
    labels = labels or {}
    values = [v for _, v in series]
    marks = [m for m in (good, bad, target) if m is not None]
    low, high = min(values + marks), max(values + marks)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / (len(series) - 1)

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" class="trend" font-size="11" fill="{INK}" '
        f'font-family="{escape(font_family)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="{GRID}"/>',
    ]
    for v in (low + pad, (low + high) / 2, high - pad):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{number(v)}</text>'
        )
    for i in sorted({0, len(series) // 2, len(series) - 1}):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
            f"{series[i][0]:%d/%m/%y}</text>"
        )
    label_ys: list[float] = []
    for key, mark, colour, dash in (
        ("target", target, TARGET, "2 3"),
        ("good", good, GOOD, "6 4"),
        ("bad", bad, BAD, "6 4"),
    ):
        if mark is None:
            continue
        text = escape(f"{labels.get(key, key)} {number(mark)}")
        label_y = y(mark) + 4
        while any(abs(label_y - taken) < 12 for taken in label_ys):
            label_y += 12  # lines at (nearly) the same height: labels one under the other
        label_ys.append(label_y)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(mark):.1f}" y2="{y(mark):.1f}" '
            f'stroke="{colour}" stroke-width="1.2" stroke-dasharray="{dash}"/>'
            f'<text x="{LEFT + plot_w + 4}" y="{label_y:.1f}" fill="{colour}">{text}</text>'
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(series))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    parts.extend(
        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{LINE}"/>'
        for i, (_, v) in enumerate(series)
    )
    parts.append("</svg>")
    return "".join(parts)
