"""Merging duplicates: a report closed as the same problem as another; its reporter
follows the other from then on."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.feedback.actions.common import WorkflowError, event, save, state
from tinhso.feedback.models import Report, Resolution, Status


@transaction.atomic
def merge_duplicate(actor: Actor, report: Report, *, into: Report) -> Report:
    """Close `report` as a duplicate of `into`; its reporter follows `into` from now on."""
    if report.pk == into.pk:
        raise WorkflowError(_("A report cannot duplicate itself."))
    if not report.is_open or not into.is_open and into.status != Status.ANSWERED:
        raise WorkflowError(_("Only open reports can be merged."))
    if into.duplicate_of_id:
        into = into.duplicate_of
    before = state(report)
    report.status, report.resolution, report.duplicate_of = (
        Status.CLOSED,
        Resolution.DUPLICATE,
        into,
    )
    report.closed_at = timezone.now()
    save(
        actor,
        report,
        "merged",
        before,
        message=_("Same problem as %(code)s; followed there.") % {"code": into.code},
    )
    event(
        into,
        actor,
        "duplicate_added",
        before=into.status,
        message=_("Another person reported the same problem (%(code)s).") % {"code": report.code},
    )
    return report
