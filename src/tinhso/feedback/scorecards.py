"""Scorecards per agency, commune or field: received, answered on time, overdue, average
handling time, satisfaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from tinhso.feedback.models import OPEN_STATUSES, Report, Status

GROUPS = {
    "agency": ("agency_id", "agency__name"),
    "commune": ("commune_id", "commune__name"),
    "field": ("field_id", "field__name"),
}


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


def scorecard(by: str, start: dt.datetime, end: dt.datetime, reports=None) -> list[Row]:
    key, label = GROUPS[by]
    now = timezone.now()
    reports = (
        (reports if reports is not None else Report.objects.all())
        .filter(received_at__gte=start, received_at__lt=end, duplicate_of__isnull=True)
        .exclude(status=Status.REFUSED)
    )
    handled = ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField())
    rows = (
        reports.values(key, label)
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count(
                "id", filter=Q(answered_at__isnull=False, answered_at__lte=F("deadline"))
            ),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=now)),
            avg_handling=Avg(handled, filter=Q(answered_at__isnull=False)),
            avg_rating=Avg("rating"),
            ratings=Count("rating"),
        )
        .order_by("-received")
    )
    out = []
    for r in rows:
        avg = r["avg_handling"]
        out.append(
            Row(
                name=r[label] or "—",
                received=r["received"],
                answered=r["answered"],
                on_time=r["on_time"],
                overdue=r["overdue"],
                avg_days=round(avg.total_seconds() / 86400, 1) if avg is not None else None,
                rating=round(r["avg_rating"], 2) if r["avg_rating"] is not None else None,
                ratings=r["ratings"],
            )
        )
    return out
