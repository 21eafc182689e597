"""Every write of the roadmap, each with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor
from tinhso.roadmap import access
from tinhso.roadmap.models import (
    Plan,
    ProgressReport,
    ReminderNotice,
    ReportState,
    Task,
    TaskStatus,
)

# Task fields an `update_task` may change; the many-to-many ones are given as iterables.
TASK_FIELDS = {
    "title",
    "goal",
    "owner",
    "start",
    "due",
    "budget",
    "status",
    "progress",
    "evidence_text",
    "evidence_url",
}
TASK_LINKS = {"co_agencies", "communes", "indicators", "main_indices"}
# What the owner agency changes itself; the rest (dates, budget, owner, progress outside a
# report...) is the secretariat's, so a due day never moves without the committee.
OWNER_FIELDS = {"status", "evidence_text", "evidence_url"}


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _check_progress(progress: Any) -> int:
    if progress is None or isinstance(progress, bool) or not 0 <= int(progress) <= 100:
        raise ValueError(_("Progress is a whole percentage from 0 to 100."))
    return int(progress)


def _check_task(task: Task) -> None:
    if not (task.title or "").strip():
        raise ValueError(_("Give the task a title."))
    if task.start is None or task.due is None:
        raise ValueError(_("Give the task a start day and a due day."))
    if task.due < task.start:
        raise ValueError(_("The due day cannot be before the start day."))
    if task.status not in TaskStatus.values:
        raise ValueError(_("Unknown task status."))
    task.progress = _check_progress(task.progress)
    if task.budget is not None and Decimal(task.budget) < 0:
        raise ValueError(_("The budget cannot be negative."))


def _links(task: Task) -> dict[str, list[int]]:
    return {name: sorted(getattr(task, name).values_list("pk", flat=True)) for name in TASK_LINKS}


def _set_links(task: Task, links: dict[str, Iterable]) -> None:
    for name, objects in links.items():
        getattr(task, name).set(list(objects))


@transaction.atomic
def create_plan(
    actor: Actor, *, name: str, period_start: dt.date, period_end: dt.date, is_demo: bool = False
) -> Plan:
    """A new plan of the steering committee (the secretariat keeps the plans)."""
    access.require_secretariat(actor)
    if not name.strip():
        raise ValueError(_("Give the plan a name."))
    if period_end < period_start:
        raise ValueError(_("The plan cannot end before it starts."))
    plan = Plan.objects.create(
        name=name.strip(), period_start=period_start, period_end=period_end, is_demo=is_demo
    )
    record(actor, "roadmap.create_plan", plan, after=snapshot(plan))
    return plan


@transaction.atomic
def create_task(actor: Actor, plan: Plan, **fields: Any) -> Task:
    """Add a task to `plan` (the secretariat assigns tasks to agencies)."""
    access.require_secretariat(actor)
    links = {name: fields.pop(name) for name in list(fields) if name in TASK_LINKS}
    is_demo = bool(fields.pop("is_demo", False))
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    task = Task(plan=plan, is_demo=is_demo, **fields)
    _check_task(task)
    task.save()
    _set_links(task, links)
    record(actor, "roadmap.create_task", task, after={**snapshot(task), **_links(task)})
    return task


@transaction.atomic
def update_task(actor: Actor, task: Task, **fields: Any) -> Task:
    """Change a task: its owner agency's staff its status and evidence, the secretariat
    anything (its dates, budget, links, or handing it to another agency)."""
    task = access.task_for_editor(actor, task.pk)
    unknown = set(fields) - TASK_FIELDS - TASK_LINKS
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    if set(fields) - OWNER_FIELDS:
        access.require_secretariat(actor)
    before = {**snapshot(task), **_links(task)}
    links = {name: fields.pop(name) for name in list(fields) if name in TASK_LINKS}
    for name, value in fields.items():
        setattr(task, name, value)
    _check_task(task)
    task.save()
    _set_links(task, links)
    record(
        actor, "roadmap.update_task", task, before=before, after={**snapshot(task), **_links(task)}
    )
    return task


@transaction.atomic
def submit_report(
    actor: Actor,
    task: Task,
    *,
    month: dt.date,
    progress: int,
    text: str,
    evidence_link: str = "",
    now: dt.datetime | None = None,
) -> ProgressReport:
    """The owner agency reports a month's progress; it waits for the secretariat."""
    task = access.task_for_editor(actor, task.pk)
    now = now or timezone.now()
    month = first_of_month(month)
    progress = _check_progress(progress)
    if not (text or "").strip():
        raise ValueError(_("Say what was done this month."))
    if month > first_of_month(timezone.localdate(now)):
        raise ValueError(_("A progress report cannot be for a month still to come."))
    if month < first_of_month(task.start):
        raise ValueError(_("The task had not started in that month."))
    live = task.reports.filter(month=month).exclude(state=ReportState.RETURNED)
    if live.exists():
        raise ValueError(
            _("This month's report has already been sent; wait for it to be approved or returned.")
        )
    report = ProgressReport.objects.create(
        task=task,
        month=month,
        progress=progress,
        text=text.strip(),
        evidence_link=evidence_link,
        submitted_by=actor.user,
        submitted_at=now,
    )
    record(actor, "roadmap.submit_report", report, after=snapshot(report))
    return report


@transaction.atomic
def decide_report(
    actor: Actor,
    report: ProgressReport,
    *,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> ProgressReport:
    """The secretariat approves a progress report (the task's progress follows it, unless
    a later month is approved already) or returns it with a note saying what to correct."""
    report = access.report_for_approver(actor, report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValueError(_("This progress report has already been decided."))
    if not approve and not note.strip():
        raise ValueError(_("Say what the agency should correct before returning the report."))
    before = snapshot(report, ["state", "note"])
    report.state = ReportState.APPROVED if approve else ReportState.RETURNED
    report.decided_by = actor.user
    report.decided_at = now or timezone.now()
    report.note = note.strip()
    report.save()
    record(
        actor,
        "roadmap.decide_report",
        report,
        before=before,
        after=snapshot(report, ["state", "note"]),
    )
    if approve:
        _follow(actor, report)
    return report


def _follow(actor: Actor, report: ProgressReport) -> None:
    """The task takes the progress of its latest approved month."""
    task = Task.objects.select_for_update().get(pk=report.task_id)
    later = task.reports.filter(state=ReportState.APPROVED, month__gt=report.month)
    if later.exists():
        return
    watched = ["progress", "status", "evidence_url"]
    before = snapshot(task, watched)
    task.progress = report.progress
    if report.progress == 100:
        task.status = TaskStatus.DONE
        if not task.evidence_url and report.evidence_link:
            task.evidence_url = report.evidence_link
    elif task.status in (TaskStatus.NOT_STARTED, TaskStatus.DONE):
        task.status = TaskStatus.IN_PROGRESS
    task.save()
    after = snapshot(task, watched)
    if after != before:
        record(actor, "roadmap.follow_report", task, before=before, after=after)


def record_reminder(
    actor: Actor, task: Task, *, month: dt.date, recipients: int, now: dt.datetime | None = None
) -> ReminderNotice | None:
    """Claim the reminder of `task` for `month`: None when it was sent already. Its audit
    entry counts the recipients and never names their addresses. Run by the platform."""
    if not actor.is_system:
        raise PermissionError("reminders are sent by the platform")
    notice, created = ReminderNotice.objects.get_or_create(
        task=task,
        month=first_of_month(month),
        defaults={"recipients": recipients, "sent_at": now or timezone.now()},
    )
    if not created:
        return None
    record(actor, "roadmap.remind", notice, after=snapshot(notice))
    return notice


@transaction.atomic
def import_tasks(
    actor: Actor, drafts: list, *, plan: Plan | None = None, plan_name: str = ""
) -> tuple[Plan, list[Task]]:
    """Add the tasks read from a file (`importing.read_plan`) to `plan`, or to a new plan
    named `plan_name` spanning them; all of them or, when one is refused, none."""
    access.require_secretariat(actor)
    if plan is None:
        plan = create_plan(
            actor,
            name=plan_name,
            period_start=min(d.fields["start"] for d in drafts),
            period_end=max(d.fields["due"] for d in drafts),
        )
    tasks = []
    for draft in drafts:
        try:
            tasks.append(create_task(actor, plan, **draft.fields))
        except ValueError as exc:
            raise ValueError(
                _("Row %(row)s: %(reason)s") % {"row": draft.row, "reason": exc}
            ) from exc
    record(actor, "roadmap.import_tasks", plan, after={"tasks": [t.pk for t in tasks]})
    return plan, tasks
