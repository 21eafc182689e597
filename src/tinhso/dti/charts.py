"""The comparison drawn on the server as SVG: one horizontal bar per unit (the province
highlighted), the national mean as a dashed line. No script; it scales to the page's
width, so it prints and fits a phone."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from tinhso.dti.compare import Row
from tinhso.ioc.charts import GRID, INK, LINE, TARGET

WIDTH = 520
LABEL, RIGHT, TOP, BAR, GAP = 170, 56, 8, 20, 8
MINE = "#b35c00"


def figure(value: Decimal) -> str:
    """A DTI as Vietnamese write it: 0,8241."""
    return f"{value:.4f}".replace(".", ",")


def comparison_svg(
    rows: Sequence[Row], mean: Decimal | None, *, title: str, mean_label: str
) -> SafeString:
    """Bars of `rows` (those with a DTI) on 0–1, with `mean` as a dashed line."""
    rows = [r for r in rows if r.dti is not None]
    if not rows:
        return mark_safe("")  # noqa: S308 (an empty string)
    span = WIDTH - LABEL - RIGHT
    height = TOP + len(rows) * (BAR + GAP) + 24
    parts = [
        f'<svg class="dti-bars" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, 11, 2):
        x = LABEL + span * tick / 10
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" fill="{INK}" '
            f'text-anchor="middle">{"1" if tick == 10 else f"0,{tick}"}</text>'
        )
    for at, row in enumerate(rows):
        assert row.dti is not None  # kept above
        y = TOP + at * (BAR + GAP)
        width = float(row.dti) * span
        colour = MINE if row.mine else LINE
        label = row.name if len(row.name) <= 22 else row.name[:21] + "…"
        name = escape(label if row.rank is None else f"{row.rank}. {label}")
        weight = ' font-weight="700"' if row.mine else ""
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + BAR * 0.72:.1f}" font-size="12" fill="{INK}" '
            f'text-anchor="end"{weight}>{name}</text>'
            f'<rect class="dti-bar{" mine" if row.mine else ""}" x="{LABEL}" y="{y}" '
            f'width="{width:.1f}" height="{BAR}" fill="{colour}"/>'
            f'<text x="{LABEL + width + 4:.1f}" y="{y + BAR * 0.72:.1f}" font-size="12" '
            f'fill="{INK}"{weight}>{figure(row.dti)}</text>'
        )
    if mean is not None:
        x = LABEL + float(mean) * span
        parts.append(
            f'<line class="dti-mean" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" '
            f'y2="{height - 20}" stroke="{TARGET}" stroke-width="2" stroke-dasharray="5 3">'
            f"<title>{escape(mean_label)} {figure(mean)}</title></line>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)
