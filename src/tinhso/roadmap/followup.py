"""The committee's follow-up of a plan: its tasks counted per agency and per commune —
how many, how many done, how many overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tinhso.roadmap.models import Task, TaskStatus


@dataclass(frozen=True)
class Count3:
    key: str  # the agency's code or the commune's code, for the filter's link
    name: str
    tasks: int
    done: int
    overdue: int


def _counts(tasks: QuerySet[Task], key: str, name: str, today: dt.date) -> list[Count3]:
    overdue = Q(due__lt=today) & ~Q(status=TaskStatus.DONE)
    rows = (
        tasks.order_by()
        .exclude(**{f"{key}__isnull": True})
        .values(key, name)
        .annotate(
            n=Count("pk", distinct=True),
            done=Count("pk", filter=Q(status=TaskStatus.DONE), distinct=True),
            late=Count("pk", filter=overdue, distinct=True),
        )
        .order_by("-late", name)
    )
    return [Count3(str(r[key]), r[name], r["n"], r["done"], r["late"]) for r in rows]


def per_agency(tasks: QuerySet[Task], today: dt.date) -> list[Count3]:
    """Counted for the owner agency (the one answerable to the committee)."""
    return _counts(tasks, "owner__code", "owner__name", today)


def per_commune(tasks: QuerySet[Task], today: dt.date) -> list[Count3]:
    return _counts(tasks, "communes__code", "communes__name", today)
