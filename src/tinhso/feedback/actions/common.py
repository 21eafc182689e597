"""What every write to a report shares: the audited fields, the timeline event, the
audit entry and the event emitted, all in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tinhso.core.actions import changed, record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.feedback.models import Field, LabelledExample, Report, ReportEvent

AUDITED = (
    "status",
    "complexity",
    "remote_area",
    "resolution",
    "field_id",
    "agency_id",
    "assignee_id",
    "deadline",
    "track",
    "commune_id",
    "rating",
    "duplicate_of_id",
)


class WorkflowError(ValueError):
    """A transition that is not allowed now; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def state(report: Report) -> dict[str, Any]:
    return snapshot(report, AUDITED)


def event(
    report: Report, actor: Actor, kind: str, *, before: str, message: str = "", public: bool = True
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        from_status=before,
        to_status=report.status,
        agency=report.agency,
        actor_label=actor.label[:200],
        message=message,
        public=public,
    )


def save(
    actor: Actor,
    report: Report,
    kind: str,
    before: dict[str, Any],
    *,
    message: str = "",
    public: bool = True,
) -> Report:
    """Save a transition: the timeline event, the audit entry of what changed, the event."""
    report.save()
    event(report, actor, kind, before=before["status"], message=message, public=public)
    old, new = changed(before, state(report))
    record(actor, f"feedback.{kind}", report, before=old, after=new)
    emit(f"report.{kind}", actor=actor, report_id=report.pk)
    return report


def require(report: Report, allowed: tuple[str, ...], doing: str) -> None:
    if report.status not in allowed:
        raise WorkflowError(
            _("Cannot %(doing)s a report that is “%(status)s”.")
            % {"doing": doing, "status": report.get_status_display()}
        )


def label(actor: Actor, report: Report, field: Field) -> None:
    """An operator's confirmation or correction of the field: a training example."""
    LabelledExample.objects.create(
        report=report,
        text=report.text,
        field=field,
        proposed=report.field,
        labelled_by_id=actor.user.pk if actor.user else None,
    )
