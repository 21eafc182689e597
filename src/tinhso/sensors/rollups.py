"""Hourly and daily roll-ups (min, max, mean, count per device, property and period),
kept incrementally.

Each run reads the observations received since the last one (from a few minutes before,
see `RollupCursor`), finds for each device and property the span of time they fall in,
and recomputes every hour and local day of that span from the raw rows. Recomputing a
bucket rather than adding to it makes a run safe to repeat and a replay harmless.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from tinhso.sensors.models import Observation, Period, Rollup, RollupCursor

OVERLAP = dt.timedelta(minutes=5)
TRUNC = {Period.HOUR: TruncHour, Period.DAY: TruncDay}


def _spans(since: dt.datetime | None, until: dt.datetime) -> list[dict]:
    rows = Observation.objects.filter(received_at__lte=until)
    if since is not None:
        rows = rows.filter(received_at__gt=since - OVERLAP)
    return list(
        rows.values("device_id", "property").annotate(
            first=Min("observed_at"), last=Max("observed_at")
        )
    )


def _bucket_bounds(period: str, first: dt.datetime, last: dt.datetime):
    local_first, local_last = timezone.localtime(first), timezone.localtime(last)
    if period == Period.HOUR:
        start = local_first.replace(minute=0, second=0, microsecond=0)
        end = local_last.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    else:
        start = local_first.replace(hour=0, minute=0, second=0, microsecond=0)
        end = local_last.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return start, end


def _recompute(device_id: int, prop: str, period: str, first, last) -> int:
    start, end = _bucket_bounds(period, first, last)
    buckets = (
        Observation.objects.filter(
            device_id=device_id, property=prop, observed_at__gte=start, observed_at__lt=end
        )
        .annotate(bucket=TRUNC[period]("observed_at"))
        .values("bucket")
        .annotate(lo=Min("value"), hi=Max("value"), mean=Avg("value"), n=Count("id"))
    )
    rows = [
        Rollup(
            device_id=device_id,
            property=prop,
            period=period,
            start=b["bucket"],
            minimum=b["lo"],
            maximum=b["hi"],
            mean=b["mean"],
            count=b["n"],
        )
        for b in buckets
    ]
    Rollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["device", "property", "period", "start"],
        update_fields=["minimum", "maximum", "mean", "count"],
        batch_size=1000,
    )
    return len(rows)


def roll_up(now: dt.datetime | None = None) -> int:
    """Fold the observations received since the last run into the roll-ups; returns the
    number of buckets written."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor, _created = RollupCursor.objects.select_for_update().get_or_create(pk=1)
        written = 0
        for span in _spans(cursor.read_until, now):
            for period in (Period.HOUR, Period.DAY):
                written += _recompute(
                    span["device_id"], span["property"], period, span["first"], span["last"]
                )
        cursor.read_until = now
        cursor.save(update_fields=["read_until"])
    return written
