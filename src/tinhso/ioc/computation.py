"""Computing indicators: each one's source gives points, which are stored as values with
their provenance. The schedule recomputes recent periods; a new version of a dataset
that an indicator's query reads recomputes that indicator at once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from tinhso.core.events import event
from tinhso.ioc import periods, sources
from tinhso.ioc.models import Indicator, IndicatorValue, SourceKind

log = logging.getLogger("tinhso.ioc")


@dataclass
class Outcome:
    indicator: str
    stored: int = 0
    error: str = ""


def compute(
    indicator: Indicator, now: dt.datetime | None = None, *, since: dt.datetime | None = None
) -> Outcome:
    """Compute `indicator` for its recent periods (or every period from `since`, to fill
    in history) and store the values."""
    from tinhso.units.models import Commune

    start, end = periods.recent(indicator.period, now)
    if since is not None:
        start = periods.floor(since, indicator.period)
    try:
        result = sources.compute(indicator, start, end)
    except sources.SourceError as exc:
        log.warning("indicator %s: %s", indicator.code, exc.message)
        return Outcome(indicator.code, error=exc.message)
    codes = {p.commune for p in result.points if p.commune}
    communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "pk"))
    computed_at = timezone.now()
    stored = 0
    with transaction.atomic():
        existing = {
            (v.period_start, v.commune_id): v
            for v in IndicatorValue.objects.filter(
                indicator=indicator,
                period_start__in={p.period for p in result.points},
            )
        }
        new, changed = [], []
        for point in result.points:
            commune_id = communes.get(point.commune) if point.commune else None
            if point.commune and commune_id is None:
                continue  # a code that is not a commune of ours
            provenance = {
                **result.provenance,
                "period": point.period.isoformat(),
                "commune": point.commune,
            }
            old = existing.get((point.period, commune_id))
            if old is None:
                new.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_start=point.period,
                        commune_id=commune_id,
                        value=point.value,
                        computed_at=computed_at,
                        provenance=provenance,
                    )
                )
            elif old.value != point.value or _without_previous(old.provenance) != provenance:
                if old.value != point.value:
                    provenance["previous"] = {
                        "value": old.value,
                        "computed_at": old.computed_at.isoformat(),
                    }
                elif "previous" in old.provenance:
                    provenance["previous"] = old.provenance["previous"]
                old.value, old.provenance, old.computed_at = point.value, provenance, computed_at
                changed.append(old)
        IndicatorValue.objects.bulk_create(new, batch_size=1000)
        IndicatorValue.objects.bulk_update(
            changed, ["value", "provenance", "computed_at"], batch_size=1000
        )
        stored = len(new) + len(changed)
    return Outcome(indicator.code, stored=stored)


def _without_previous(provenance: dict) -> dict:
    return {k: v for k, v in provenance.items() if k != "previous"}


def compute_all(
    now: dt.datetime | None = None, *, indicators=None, since: dt.datetime | None = None
) -> list[Outcome]:
    """Every indicator (or those given) whose source is connected, for its recent periods
    (or from `since`)."""
    chosen = indicators if indicators is not None else Indicator.objects.all()
    return [
        compute(indicator, now, since=since)
        for indicator in chosen
        if indicator.source_kind in sources.SOURCES
    ]


def reading(dataset_slug: str):
    """Indicators whose query reads the dataset `dataset_slug`."""
    matches = []
    kinds = (SourceKind.SQL, SourceKind.SERVICES_766)
    for indicator in Indicator.objects.filter(source_kind__in=kinds):
        try:
            named = sources.datasets_named(sources.query_of(indicator))
        except Exception:  # noqa: BLE001 - a broken query reads nothing
            log.warning("indicator %s: its query cannot be read", indicator.code)
            continue
        if dataset_slug in named:
            matches.append(indicator)
    return matches


@receiver(event)
def on_event(sender, actor=None, payload=None, **kwargs) -> None:
    """A new accepted version of a dataset: recompute the indicators that read it once the
    version is committed."""
    if sender != "warehouse.version_added":
        return
    from tinhso.ioc.tasks import recompute_for_dataset

    dataset_id = (payload or {}).get("dataset_id")
    transaction.on_commit(lambda: recompute_for_dataset.enqueue(dataset_id))
