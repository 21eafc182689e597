"""What the platform's own data says of an assessment: for each main index or component
that feeds measure (`Feed`), the value it would be given, and from what.

An indicator's value for the year is its province value (not a commune's): the value of
the year for a yearly indicator, the mean of the year's periods otherwise (months, days).
It is scaled linearly from the feed's `zero_at` (nothing) to its `full_at` (the full mark),
clipped to that range — a feed whose `full_at` is below its `zero_at` scores an indicator
where lower is better. Several feeds of one target are averaged by their weights; a
target is fed only when every one of its feeds has a value for the year, so a figure is
never formed from part of its inputs. Reads only; `actions.feed_assessment` writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max
from django.urls import reverse

from tinhso.dti.models import Assessment, Component, Feed, MainIndex
from tinhso.ioc import periods
from tinhso.ioc.models import Indicator, IndicatorValue

FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class Part:
    """One indicator read for a target."""

    indicator: str
    name_vi: str
    name_en: str
    unit: str
    value: float | None  # the indicator's value for the year (None: no value that year)
    periods: int  # how many of the year's periods it was formed from
    scaled: Decimal | None  # on 0–1
    weight: Decimal
    zero_at: float
    full_at: float
    value_id: int | None  # the last of the year's values, which the operations centre explains

    def as_json(self) -> dict:
        return {
            "indicator": self.indicator,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "unit": self.unit,
            "value": self.value,
            "periods": self.periods,
            "scaled": str(self.scaled) if self.scaled is not None else None,
            "weight": str(self.weight),
            "zero_at": self.zero_at,
            "full_at": self.full_at,
            "value_id": self.value_id,
        }


@dataclass
class Proposal:
    """The value the feeds give a main index (on 0–1) or a component (in its points)."""

    main_index: MainIndex
    component: Component | None
    parts: list[Part] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [p.indicator for p in self.parts if p.value is None]

    @property
    def value(self) -> Decimal | None:
        if not self.parts or self.missing:
            return None
        total = sum((p.weight for p in self.parts), Decimal(0))
        if total <= 0:
            return None
        share = sum((p.weight * p.scaled for p in self.parts if p.scaled is not None), Decimal(0))
        full = Decimal(1) if self.component is None else self.component.max_points or Decimal(1)
        return (share / total * full).quantize(FOUR, rounding=ROUND_HALF_UP)

    @property
    def evidence_link(self) -> str:
        """The operations centre's explanation of the (first) value read."""
        first = next((p.value_id for p in self.parts if p.value_id), None)
        return reverse("ioc_value", args=[first]) if first else ""


def scale(value: float, zero_at: float, full_at: float) -> Decimal:
    """`value` on 0–1: 0 at `zero_at`, 1 at `full_at`, straight between, clipped."""
    if full_at == zero_at:
        return Decimal(1) if value >= full_at else Decimal(0)
    share = (Decimal(repr(value)) - Decimal(repr(zero_at))) / (
        Decimal(repr(full_at)) - Decimal(repr(zero_at))
    )
    return min(Decimal(1), max(Decimal(0), share)).quantize(FOUR, rounding=ROUND_HALF_UP)


def year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = periods.floor(dt.date(year, 1, 1), "year")
    return start, periods.step(start, "year")


def year_values(indicators: list[Indicator], year: int) -> dict[int, tuple[float, int, int]]:
    """(value for the year, periods read, last value's id) of each indicator with one."""
    start, end = year_span(year)
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=indicators,
            commune__isnull=True,
            period_start__gte=start,
            period_start__lt=end,
        )
        .values("indicator")
        .annotate(mean=Avg("value"), n=Count("pk"), last=Max("pk"))
    )
    found = {r["indicator"]: (r["mean"], r["n"], r["last"]) for r in rows}
    # A yearly indicator has one value a year; should it have been stored twice (periods
    # written by hand), its last one is the year's.
    yearly = [i.pk for i in indicators if i.period == "year" and i.pk in found]
    lasts = IndicatorValue.objects.in_bulk([found[pk][2] for pk in yearly])
    for pk in yearly:
        last = lasts[found[pk][2]]
        found[pk] = (last.value, 1, last.pk)
    return found


def proposals(assessment: Assessment) -> list[Proposal]:
    """What the feeds of the assessment's framework give each target, in the framework's
    order."""
    feeds = list(
        Feed.objects.filter(framework=assessment.framework).select_related(
            "main_index", "component", "indicator"
        )
    )
    values = year_values([f.indicator for f in feeds], assessment.year)
    targets: dict[tuple[int, int | None], Proposal] = {}
    for feed in feeds:
        proposal = targets.setdefault(
            (feed.main_index_id, feed.component_id), Proposal(feed.main_index, feed.component)
        )
        found = values.get(feed.indicator_id)
        proposal.parts.append(
            Part(
                indicator=feed.indicator.code,
                name_vi=feed.indicator.name_vi,
                name_en=feed.indicator.name_en,
                unit=feed.indicator.unit,
                value=found[0] if found else None,
                periods=found[1] if found else 0,
                scaled=scale(found[0], feed.zero_at, feed.full_at) if found else None,
                weight=feed.weight,
                zero_at=feed.zero_at,
                full_at=feed.full_at,
                value_id=found[2] if found else None,
            )
        )
    return list(targets.values())
