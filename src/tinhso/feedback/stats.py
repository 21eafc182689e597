"""Figures of the feedback hub for other parts of the platform (the operations centre's
indicators and alerts): counts by period, commune and field, read here so that no other
app joins the reports' tables itself.

Counted reports are those the scorecards count: refused reports and merged duplicates are
left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from tinhso.feedback.models import Report, Status

TRUNC = {
    "hour": TruncHour,
    "day": TruncDay,
    "month": TruncMonth,
    "quarter": TruncQuarter,
    "year": TruncYear,
}


@dataclass
class Tally:
    """What the reports received in one period (and commune, when asked for) add up to."""

    period: dt.datetime
    commune: str | None
    received: int = 0
    answered: int = 0
    on_time: int = 0
    ratings: int = 0
    rating_sum: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None


def _counted(field: str = "", agency: str = ""):
    reports = Report.objects.exclude(status=Status.REFUSED).filter(duplicate_of__isnull=True)
    if field:  # a field with sub-fields takes in theirs
        reports = reports.filter(Q(field__code=field) | Q(field__parent__code=field))
    if agency:
        reports = reports.filter(agency__code=agency)
    return reports


def tallies(
    start: dt.datetime,
    end: dt.datetime,
    *,
    period: str = "month",
    field: str = "",
    agency: str = "",
    by_commune: bool = False,
) -> list[Tally]:
    """Reports received in [start, end), per `period` (hour … year, local time) and, with
    `by_commune`, per commune code; narrowed to a field code and an agency code."""
    zone = timezone.get_current_timezone()
    keys = ["at"] + (["commune__code"] if by_commune else [])
    answered = Q(answered_at__isnull=False)
    rows = (
        _counted(field, agency)
        .filter(received_at__gte=start, received_at__lt=end)
        .annotate(at=TRUNC[period]("received_at", tzinfo=zone))
        .values(*keys)
        .annotate(
            n=Count("id"),
            n_answered=Count("id", filter=answered),
            n_on_time=Count("id", filter=answered & Q(answered_at__lte=F("deadline"))),
            n_ratings=Count("rating"),
            rating_total=Sum("rating"),
        )
        .order_by(*keys)
    )
    return [
        Tally(
            period=row["at"],
            commune=row.get("commune__code"),
            received=row["n"],
            answered=row["n_answered"],
            on_time=row["n_on_time"],
            ratings=row["n_ratings"],
            rating_sum=row["rating_total"] or 0,
        )
        for row in rows
    ]


def overdue(
    *, field: str = "", agency: str = "", by_commune: bool = False, now: dt.datetime | None = None
) -> dict[str | None, int]:
    """Open reports past their deadline now: the province's count under None, and with
    `by_commune` each commune's under its code."""
    reports = _counted(field, agency).overdue(now or timezone.now())
    counts: dict[str | None, int] = {None: reports.count()}
    if by_commune:
        for code, n in reports.values_list("commune__code").annotate(n=Count("id")).order_by():
            if code:
                counts[code] = n
    return counts


def situation(now: dt.datetime | None = None, days: int = 30) -> dict:
    """The hub at a glance: open reports, overdue ones, and the on-time rate of reports
    answered in the last `days` days. Two queries, each answered from one index: open
    reports are never refused or merged duplicates, so the queue's index counts them; the
    answered ones come from the index on the answer's time, which holds what they are
    counted by."""
    now = now or timezone.now()
    open_now = Report.objects.open().aggregate(
        open=Count("open_deadline"), overdue=Count("open_deadline", filter=Q(open_deadline__lt=now))
    )
    answered = (
        _counted()
        .filter(answered_at__gte=now - dt.timedelta(days=days))
        .aggregate(
            n=Count("answered_at"),
            on_time=Count("answered_at", filter=Q(answered_at__lte=F("deadline"))),
        )
    )
    n_answered = answered["n"]
    return {
        "open": open_now["open"],
        "overdue": open_now["overdue"],
        "answered": n_answered,
        "on_time_rate": round(100 * answered["on_time"] / n_answered, 1) if n_answered else None,
        "days": days,
    }


def received_by_field_and_commune(
    start: dt.datetime, end: dt.datetime
) -> dict[tuple[str, str], int]:
    """Reports received in [start, end) per (field code, commune code), for spotting
    spikes; reports without a field or a commune are left out."""
    rows = (
        _counted()
        .filter(received_at__gte=start, received_at__lt=end)
        .exclude(field__isnull=True)
        .exclude(commune__isnull=True)
        .values_list("field__code", "commune__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for field, commune, n in rows:
        counts[(field, commune)] += n
    return dict(counts)


def field_names() -> dict[str, str]:
    """Field code → name, for labels."""
    from tinhso.feedback.models import Field

    return dict(Field.objects.values_list("code", "name"))
