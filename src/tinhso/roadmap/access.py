"""Who follows the roadmap and who acts in it.

Every signed-in member of staff sees the plan. A task is kept up to date by the staff of
its owner agency; the steering committee's secretariat (the `supervisor` role, which
already approves the values agencies enter in the operations centre; administrators hold
every role) creates tasks, edits any of them and approves or returns progress reports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound, require_role, require_signed_in
from tinhso.core.actors import Actor
from tinhso.roadmap.models import Plan, ProgressReport, Task

SECRETARIAT = ("supervisor",)


def can_view(actor: Actor) -> bool:
    return actor.is_authenticated or actor.is_system


def is_secretariat(actor: Actor) -> bool:
    return actor.has_role(*SECRETARIAT)


def can_edit(actor: Actor, task: Task) -> bool:
    """Staff of the task's owner agency, and the secretariat."""
    if is_secretariat(actor):
        return True
    return actor.is_authenticated and getattr(actor.user, "agency_id", None) == task.owner_id


def plans_for_viewer(actor: Actor) -> QuerySet[Plan]:
    require_signed_in(actor)
    return Plan.objects.all()


def tasks_for_viewer(actor: Actor) -> QuerySet[Task]:
    require_signed_in(actor)
    return Task.objects.select_related("plan", "owner")


def task_for_viewer(actor: Actor, task_id: int) -> Task:
    task = tasks_for_viewer(actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."))
    return task


def require_secretariat(actor: Actor) -> None:
    require_role(actor, *SECRETARIAT)


def task_for_editor(actor: Actor, task_id: int) -> Task:
    """The task, for those who may change it or report on it."""
    task = task_for_viewer(actor, task_id)
    if not can_edit(actor, task):
        raise AccessDenied(_("Only the owner agency's staff and the secretariat update this task."))
    return task


def report_for_approver(actor: Actor, report_id: int) -> ProgressReport:
    require_secretariat(actor)
    report = ProgressReport.objects.select_related("task").filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such progress report."))
    return report
