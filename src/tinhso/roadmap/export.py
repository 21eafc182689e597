"""The plan as a table, for the XLSX export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.roadmap.models import Task, TaskStatus


def plan_rows(tasks: QuerySet[Task], today: dt.date) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("No."),
        _("Task"),
        _("Goal"),
        _("Owner agency"),
        _("Co-operating agencies"),
        _("Communes"),
        _("Start"),
        _("Due"),
        _("Budget (VND)"),
        _("Status"),
        _("Progress (%)"),
        _("Overdue"),
        _("Indicators"),
        _("DTI main indices"),
        _("Evidence of completion"),
    ]
    rows = []
    tasks = tasks.select_related("owner").prefetch_related(
        "co_agencies", "communes", "indicators", "main_indices__framework"
    )
    for task in tasks:
        evidence = " ".join(p for p in (task.evidence_text, task.evidence_url) if p)
        rows.append(
            [
                task.pk,
                task.title,
                task.goal,
                task.owner.name,
                "; ".join(a.name for a in task.co_agencies.all()),
                "; ".join(c.name for c in task.communes.all()),
                task.start,
                task.due,
                int(task.budget) if task.budget is not None else None,
                str(TaskStatus(task.status).label),
                task.progress,
                _("yes") if task.is_overdue(today) else "",
                "; ".join(i.name for i in task.indicators.all()),
                "; ".join(str(m) for m in task.main_indices.all()),
                evidence,
            ]
        )
    return header, rows
