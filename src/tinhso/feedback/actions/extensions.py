"""Extensions: a handler asks for more working days with a reason; a supervisor
approves (the deadline moves) or rejects."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.feedback.actions.common import WorkflowError, event, require, save, state
from tinhso.feedback.calendar import WorkingCalendar
from tinhso.feedback.models import ExtensionRequest, ExtensionStatus, Report, Status

MAX_EXTENSION_DAYS = 30


@transaction.atomic
def request_extension(actor: Actor, report: Report, *, working_days: int, reason: str):
    """The handler asks for more time, with the reason; a supervisor decides."""
    require(report, (Status.ASSIGNED, Status.IN_PROGRESS), _("extend"))
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise WorkflowError(_("Ask for 1 to %(max)s working days.") % {"max": MAX_EXTENSION_DAYS})
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the extension."))
    if report.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise WorkflowError(_("An extension request is already waiting for a decision."))
    request = ExtensionRequest.objects.create(
        report=report,
        working_days=working_days,
        reason=reason.strip(),
        requested_by_id=actor.user.pk if actor.user else None,
    )
    event(
        report,
        actor,
        "extension_requested",
        before=report.status,
        public=False,
        message=_("%(days)s more working days asked: %(reason)s")
        % {"days": working_days, "reason": request.reason},
    )
    record(
        actor,
        "feedback.request_extension",
        request,
        after={"report": report.code, "working_days": working_days},
    )
    emit("report.extension_requested", actor=actor, report_id=report.pk)
    return request


@transaction.atomic
def decide_extension(actor: Actor, request, *, approve: bool):
    """Approve (the deadline moves by the working days asked) or reject."""
    if request.status != ExtensionStatus.PENDING:
        raise WorkflowError(_("This request has already been decided."))
    report = request.report
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by_id = actor.user.pk if actor.user else None
    request.decided_at = timezone.now()
    request.save()
    record(actor, "feedback.decide_extension", request, after={"status": request.status})
    if approve:
        before = state(report)
        report.deadline = WorkingCalendar().add_working_days(
            report.deadline or timezone.now(), request.working_days
        )
        return save(
            actor,
            report,
            "extended",
            before,
            message=_("Deadline extended by %(days)s working days: %(reason)s")
            % {"days": request.working_days, "reason": request.reason},
        )
    event(
        report,
        actor,
        "extension_rejected",
        before=report.status,
        public=False,
        message=_("Extension rejected."),
    )
    return report
