"""Scorecards per agency, commune or field: received, answered on time, overdue, average
handling time, satisfaction.

Counting a year of a province's reports on every page view does not stay fast, so the
counts come from daily rollups (`ScorecardDay`). Before a scorecard is read, the days
whose reports changed since the last refresh are rebuilt from the reports themselves
(found through `Report.updated_at`), so the figures are exact, not a cache that lags.
Only "overdue" depends on the clock; it is counted live from the open reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tinhso.feedback.models import (
    Grouping,
    Report,
    RollupState,
    ScorecardDay,
    Status,
)

GROUPS = {
    Grouping.AGENCY: "agency_id",
    Grouping.COMMUNE: "commune_id",
    Grouping.FIELD: "field_id",
}
# How far the app servers' clocks (which stamp `updated_at`) may disagree.
CLOCK_SKEW = dt.timedelta(seconds=30)
STATE = "scorecards"


@dataclass(frozen=True)
class Row:
    name: str
    received: int
    answered: int
    on_time: int
    overdue: int
    avg_days: float | None
    rating: float | None
    ratings: int

    @property
    def on_time_pct(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants of local days [start, end)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, zone),
        dt.datetime.combine(end, dt.time.min, zone),
    )


def _spans(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days merged into [start, end) spans."""
    spans: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if spans and spans[-1][1] == day:
            spans[-1] = (spans[-1][0], day + dt.timedelta(days=1))
        else:
            spans.append((day, day + dt.timedelta(days=1)))
    return spans


def _counted(reports):
    return reports.exclude(status=Status.REFUSED).filter(duplicate_of__isnull=True)


# Above this many changed days, one grouped pass is cheaper than a pass per day.
PER_DAY_LIMIT = 31


def _sums(reports, key: str, *grouped_by: str):
    handled = ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField())
    answered = Q(answered_at__isnull=False)
    return (
        reports.values(*grouped_by, key)
        .annotate(
            n=Count("id"),
            n_answered=Count("id", filter=answered),
            n_on_time=Count("id", filter=answered & Q(answered_at__lte=F("deadline"))),
            handling=Sum(handled, filter=answered),
            n_ratings=Count("rating"),
            rating_total=Sum("rating"),
        )
        .order_by()
    )


def _rows(reports, day: dt.date | None) -> list[ScorecardDay]:
    """Rollup rows of `reports`: all of local day `day`, or of any days (grouped by day)."""
    if day is None:
        zone = timezone.get_current_timezone()
        reports = reports.annotate(day=TruncDate("received_at", tzinfo=zone))
    rows = []
    for grouping, key in GROUPS.items():
        for s in _sums(reports, key, *(["day"] if day is None else [])):
            rows.append(
                ScorecardDay(
                    day=day or s["day"],
                    grouping=grouping,
                    member=s[key],
                    received=s["n"],
                    answered=s["n_answered"],
                    on_time=s["n_on_time"],
                    handling_seconds=s["handling"].total_seconds() if s["handling"] else 0.0,
                    ratings=s["n_ratings"],
                    rating_sum=s["rating_total"] or 0,
                )
            )
    return rows


def _rebuild(days: set[dt.date] | None) -> int:
    """Recompute the rollup rows of `days` (all days when None); returns rows written.

    A few days (the usual case: today and the days of reports answered or rated since
    the last refresh) are summed one day at a time through the index on `received_at`;
    many days in one grouped pass."""
    reports = _counted(Report.objects.all())
    if days is None:
        ScorecardDay.objects.all().delete()
        rows = _rows(reports, None)
    elif len(days) > PER_DAY_LIMIT:
        ScorecardDay.objects.filter(day__in=days).delete()
        where = Q()
        for start, end in _spans(days):
            low, high = _day_range(start, end)
            where |= Q(received_at__gte=low, received_at__lt=high)
        rows = _rows(reports.filter(where), None)
    else:
        ScorecardDay.objects.filter(day__in=days).delete()
        rows = []
        for day in sorted(days):
            low, high = _day_range(day, day + dt.timedelta(days=1))
            rows += _rows(reports.filter(received_at__gte=low, received_at__lt=high), day)
    ScorecardDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh(*, full: bool = False) -> int:
    """Bring the rollups up to date with the reports; returns the rows rewritten.

    Cheap when little changed: one indexed look-up of the reports changed since the last
    refresh, then only their days are rebuilt. `full` rebuilds every day (after a bulk
    import that bypassed the platform's actions, or a deletion in the admin)."""
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(name=STATE)
        now = timezone.now()
        if full or state.refreshed_from is None:
            written = _rebuild(None)
        else:
            zone = timezone.get_current_timezone()
            days = set(
                Report.objects.filter(updated_at__gte=state.refreshed_from)
                .annotate(day=TruncDate("received_at", tzinfo=zone))
                .values_list("day", flat=True)
                .order_by()
                .distinct()
            )
            written = _rebuild(days) if days else 0
        # The next refresh looks at what changed from here on: every transaction still
        # running now began after this point, so what it writes cannot be missed.
        state.refreshed_from = now - _look_back(now)
        state.refreshed_at = timezone.now()
        state.save()
    return written


def _look_back(now: dt.datetime) -> dt.timedelta:
    """How far before `now` a write that has not committed yet may be stamped.

    On SQLite this refresh holds the write lock, so every other writer has committed: only
    clock skew counts. On PostgreSQL, the oldest transaction still open on the database
    (a long import, say) sets it."""
    if connection.vendor != "postgresql":
        return CLOCK_SKEW
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        oldest = cursor.fetchone()[0]
    return max(CLOCK_SKEW, now - oldest) if oldest else CLOCK_SKEW


def _names(by: str, ids: set[int]) -> dict[int, str]:
    from tinhso.agencies.models import Agency
    from tinhso.feedback.models import Field
    from tinhso.units.models import Commune

    model = {Grouping.AGENCY: Agency, Grouping.COMMUNE: Commune, Grouping.FIELD: Field}[by]
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def scorecard(by: str, start: dt.date, end: dt.date) -> list[Row]:
    """The scorecard of reports received on local days `start` to `end` (inclusive),
    one row per agency, commune or field, most reports first."""
    refresh()
    key = GROUPS[by]
    after = end + dt.timedelta(days=1)
    sums = (
        ScorecardDay.objects.filter(grouping=by, day__gte=start, day__lt=after)
        .values("member")
        .annotate(
            received=Sum("received"),
            answered=Sum("answered"),
            on_time=Sum("on_time"),
            handling=Sum("handling_seconds"),
            ratings=Sum("ratings"),
            rating_sum=Sum("rating_sum"),
        )
        .order_by()
    )
    low, high = _day_range(start, after)
    # Through the queue index (the overdue are few), counting those received in the
    # period; a filter on `received_at` would steer SQLite to the far larger range.
    received_in_period = Q(received_at__gte=low, received_at__lt=high)
    overdue = {
        member: n
        for member, n in _counted(Report.objects.overdue(timezone.now()))
        .values_list(key)
        .annotate(n=Count("id", filter=received_in_period))
        .order_by()
        if n
    }
    sums = list(sums)
    names = _names(by, {s["member"] for s in sums if s["member"] is not None})
    rows = [
        Row(
            name=names.get(s["member"], "—"),
            received=s["received"],
            answered=s["answered"],
            on_time=s["on_time"],
            overdue=overdue.get(s["member"], 0),
            avg_days=round(s["handling"] / s["answered"] / 86400, 1) if s["answered"] else None,
            rating=round(s["rating_sum"] / s["ratings"], 2) if s["ratings"] else None,
            ratings=s["ratings"],
        )
        for s in sums
        if s["received"]
    ]
    return sorted(rows, key=lambda r: (-r.received, r.name))
