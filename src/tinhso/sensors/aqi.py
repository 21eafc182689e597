"""VN_AQI, per Decision 1459/QĐ-TCMT (Tổng cục Môi trường, 12 Nov 2019), which replaced
878/QĐ-TCMT (2011).

- A sub-index per pollutant: AQIx = (I[i+1] − I[i]) / (BP[i+1] − BP[i]) × (Cx − BP[i]) + I[i]
  on the segment BP[i] ≤ Cx ≤ BP[i+1] of Table 2 (Bảng 2), capped at 500 above its top row.
- Hourly: SO2, CO, NO2 and O3 (1 h column) from the current hourly mean; PM2.5 and PM10
  from the NowCast of the last 12 hourly means.
- Daily: PM from the 24-hour mean; SO2, CO, NO2 from the day's highest hourly mean; O3 the
  larger of its 1 h and 8 h sub-indices (the 8 h one only up to 400 µg/m³).
- The AQI is the largest sub-index, rounded half up (the decision says only "rounded to
  an integer"; its samples — 109.5 → 110, 65.4 → 65 — fit half up, not Python's round()).
  Without PM2.5 or PM10 no AQI is published.

All concentrations are in µg/m³, CO included (10.000 µg/m³ = 10 mg/m³).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

INDEX = (0, 50, 100, 150, 200, 300, 400, 500)
# Bảng 2 of 1459/QĐ-TCMT, µg/m³ (the decision prints "10.000" for ten thousand).
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 120, 170, 210, 400),  # no 8 h value above level 6
    "co": (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    "so2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "no2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
POLLUTANTS = ("pm25", "pm10", "o3", "no2", "so2", "co")


@dataclass(frozen=True)
class Band:
    """One of Bảng 1's six levels: the AQI range, its name and colour."""

    low: int
    high: int
    level: str  # machine name, the FIWARE airQualityLevel we map it to
    label: str
    colour: str  # hex of the decision's RGB


# Bảng 1 of 1459/QĐ-TCMT.
BANDS = (
    Band(0, 50, "good", pgettext_lazy("air quality", "Good"), "#00e400"),
    Band(51, 100, "moderate", pgettext_lazy("air quality", "Moderate"), "#ffff00"),
    Band(101, 150, "unhealthyForSensitiveGroups", pgettext_lazy("air quality", "Poor"), "#ff7e00"),
    Band(151, 200, "unhealthy", pgettext_lazy("air quality", "Bad"), "#ff0000"),
    Band(201, 300, "veryUnhealthy", pgettext_lazy("air quality", "Very bad"), "#8f3f97"),
    Band(301, 500, "hazardous", pgettext_lazy("air quality", "Hazardous"), "#7e0023"),
)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def sub_index(column: str, concentration: float) -> float | None:
    """The un-rounded sub-index of a concentration on a column of Bảng 2 (None for an
    8 h ozone mean above the column's top)."""
    points = BREAKPOINTS[column]
    if concentration < 0:
        return None
    for i in range(len(points) - 1):
        low, high = points[i], points[i + 1]
        if concentration <= high:
            return (INDEX[i + 1] - INDEX[i]) / (high - low) * (concentration - low) + INDEX[i]
    return None if column == "o3_8h" else 500.0


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """The NowCast of the 12 most recent hourly means, newest first (c1 = the current
    hour); a missing hour is None. w* = Cmin/Cmax, w = max(w*, 1/2); the weights w^(i-1)
    are normalised, so missing hours do not bias the value low. No value unless two of
    the three latest hours are present."""
    values = list(hourly[:12])
    if sum(v is not None for v in values[:3]) < 2:
        return None
    present = [v for v in values if v is not None]
    highest = max(present)
    ratio = min(present) / highest if highest > 0 else 1.0
    w = max(ratio, 0.5)
    weights = [w**i if v is not None else 0.0 for i, v in enumerate(values)]
    return sum(wt * (v or 0.0) for wt, v in zip(weights, values, strict=True)) / sum(weights)


@dataclass(frozen=True)
class AQI:
    """An AQI: its value, band, the pollutant that set it and every sub-index."""

    value: int
    band: Band
    pollutant: str
    sub_indices: dict[str, int]


def band_of(value: int) -> Band:
    for band in BANDS:
        if value <= band.high:
            return band
    return BANDS[-1]


def combine(sub: dict[str, float | None]) -> AQI | None:
    """The AQI from sub-indices: the largest, rounded half up; None without PM."""
    rounded = {name: round_half_up(v) for name, v in sub.items() if v is not None}
    if not rounded.keys() & {"pm25", "pm10"}:
        return None
    pollutant = max(rounded, key=lambda name: rounded[name])
    value = rounded[pollutant]
    return AQI(value, band_of(value), pollutant, rounded)


def hourly(current: dict[str, float], pm_hours: dict[str, Sequence[float | None]]) -> AQI | None:
    """The hourly AQI: `current` holds this hour's means of o3, no2, so2, co;
    `pm_hours` the last 12 hourly means of pm25 and pm10, newest first."""
    sub: dict[str, float | None] = {}
    for name in ("o3", "no2", "so2", "co"):
        if name in current:
            sub[name] = sub_index("o3_1h" if name == "o3" else name, current[name])
    for name in ("pm25", "pm10"):
        if name in pm_hours:
            value = nowcast(pm_hours[name])
            if value is not None:
                sub[name] = sub_index(name, value)
    return combine(sub)


def daily(
    *,
    pm_means: dict[str, float],
    max_hourly: dict[str, float],
    o3_max_8h: float | None = None,
) -> AQI | None:
    """The daily AQI: `pm_means` the day's 24-hour means of pm25/pm10, `max_hourly` the
    day's highest hourly means of o3, no2, so2, co, `o3_max_8h` the highest 8-hour mean."""
    sub: dict[str, float | None] = {n: sub_index(n, v) for n, v in pm_means.items()}
    for name in ("no2", "so2", "co"):
        if name in max_hourly:
            sub[name] = sub_index(name, max_hourly[name])
    ozone = [
        sub_index("o3_1h", max_hourly["o3"]) if "o3" in max_hourly else None,
        sub_index("o3_8h", o3_max_8h) if o3_max_8h is not None else None,
    ]
    if any(v is not None for v in ozone):
        sub["o3"] = max(round_half_up(v) for v in ozone if v is not None)
    return combine(sub)
