"""What the operations centre's screens show, read in a few queries: indicator cards
(latest value, trend, status, target), the values of one indicator by commune for the
map, and the trend series for charts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tinhso.ioc.models import Indicator, IndicatorValue, Status, Target

TREND_POINTS = 12


@dataclass
class Card:
    indicator: Indicator
    latest: IndicatorValue | None = None
    series: list[IndicatorValue] = field(default_factory=list)
    target: Target | None = None

    @property
    def status(self) -> str:
        return self.indicator.status(self.latest.value if self.latest else None)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def value_text(self) -> str:
        return _number(self.latest.value) if self.latest else "—"

    @property
    def sparkline(self) -> str:
        """SVG polyline points of the trend in a 100 × 28 box."""
        values = [v.value for v in self.series[-TREND_POINTS:]]
        if len(values) < 2:
            return ""
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        step = 100 / (len(values) - 1)
        return " ".join(
            f"{i * step:.1f},{26 - 24 * (v - low) / span:.1f}" for i, v in enumerate(values)
        )

    @property
    def change(self) -> float | None:
        if len(self.series) < 2:
            return None
        return self.series[-1].value - self.series[-2].value


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", ".")
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.1f}".replace(".", ",")


def _next_target(targets: list[Target], today: dt.date) -> Target | None:
    ahead = [t for t in targets if t.deadline >= today]
    return ahead[0] if ahead else (targets[-1] if targets else None)


def cards(indicators) -> list[Card]:
    """A card per indicator, with its last `TREND_POINTS` province-wide values in one
    query (however long each one's history)."""
    indicators = list(indicators)
    series: dict[int, list[IndicatorValue]] = defaultdict(list)
    newest_first = Window(
        RowNumber(), partition_by=[F("indicator_id")], order_by=F("period_start").desc()
    )
    for value in (
        IndicatorValue.objects.filter(indicator__in=indicators, commune__isnull=True)
        .defer("provenance")
        .annotate(rank=newest_first)
        .filter(rank__lte=TREND_POINTS)
        .order_by("indicator_id", "period_start")
    ):
        series[value.indicator_id].append(value)
    today = timezone.localdate()
    result = []
    for indicator in indicators:
        values = series.get(indicator.pk, [])
        targets = sorted(indicator.targets.all(), key=lambda t: t.deadline)
        result.append(
            Card(
                indicator,
                latest=values[-1] if values else None,
                series=values[-TREND_POINTS:],
                target=_next_target(targets, today),
            )
        )
    return result


def by_commune(indicator: Indicator) -> tuple[dt.datetime | None, list[IndicatorValue]]:
    """The latest period that has commune values, and those values."""
    values = IndicatorValue.objects.filter(indicator=indicator, commune__isnull=False)
    latest = values.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return None, []
    found = list(
        values.filter(period_start=latest)
        .defer("provenance")
        .select_related("commune")
        .order_by("-value")
    )
    for value in found:
        value.indicator = indicator  # known already: no query per row
    return latest, found


def map_data(indicator: Indicator) -> dict:
    """The choropleth's data: each commune's value and status, and the legend."""
    period, values = by_commune(indicator)
    return {
        "indicator": indicator.code,
        "name": indicator.name_vi,
        "unit": indicator.unit,
        "period": timezone.localtime(period).date().isoformat() if period else None,
        "direction": indicator.direction,
        "good": indicator.good,
        "bad": indicator.bad,
        "values": {
            v.commune.code: {"value": v.value, "status": indicator.status(v.value), "id": v.pk}
            for v in values
        },
    }


def figure(indicator: Indicator) -> dict:
    """The trend chart's data: the province's values, thresholds and targets."""
    values = IndicatorValue.objects.filter(indicator=indicator, commune__isnull=True)
    points = list(values.order_by("period_start").values_list("period_start", "value"))
    return {
        "x": [timezone.localtime(start).date().isoformat() for start, _value in points],
        "y": [value for _start, value in points],
        "good": indicator.good,
        "bad": indicator.bad,
        "unit": indicator.unit,
        "targets": [{"x": t.deadline.isoformat(), "y": t.value} for t in indicator.targets.all()],
    }


def with_commune_values(indicators):
    """The indicators annotated with `by_commune`: whether any value of theirs is a
    commune's (one probe of the values' index each, not a scan of every value)."""
    communes = IndicatorValue.objects.filter(indicator=OuterRef("pk"), commune__isnull=False)
    return indicators.annotate(by_commune=Exists(communes))


@dataclass(frozen=True)
class Air:
    """Air quality now: the stations with the worst hourly VN_AQI first, and how many
    stations have gone quiet."""

    worst: list
    stations: int
    offline: int


def air_now(shown: int = 4) -> Air:
    from tinhso.sensors import readings

    now = readings.aqi_now()
    ranked = sorted(now.values(), key=lambda s: s.value, reverse=True)
    stations = readings.stations("air_quality")
    quiet = [s for s in stations if not s.online]
    return Air(ranked[:shown], len(stations), len(quiet))
