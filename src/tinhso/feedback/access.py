"""Who sees and handles which reports."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound, require_signed_in
from tinhso.core.actors import Actor
from tinhso.feedback.models import Report, Status

PROVINCE_WIDE = ("operator", "supervisor", "leader", "administrator")
PUBLIC_STATUSES = (
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ANSWERED,
    Status.CLOSED,
)


def public_reports() -> QuerySet[Report]:
    """What anyone may see: accepted reports (not refused, not yet checked), without
    hidden duplicates. Templates show them through `privacy` only."""
    return Report.objects.filter(status__in=PUBLIC_STATUSES, duplicate_of__isnull=True)


def report_for_tracking(code: str) -> Report:
    """A report by its tracking code, for the citizen who holds it (any status)."""
    report = (
        Report.objects.select_related("field", "agency", "commune")
        .filter(code=code.strip().upper())
        .first()
    )
    if report is None:
        raise NotFound(_("No report has the tracking code “%(code)s”.") % {"code": code})
    return report


def reports_for_staff(actor: Actor) -> QuerySet[Report]:
    """Operators, supervisors and leaders see the province; handlers see their agency's."""
    require_signed_in(actor)
    reports = Report.objects.select_related("field", "agency", "commune", "assignee")
    if actor.has_role(*PROVINCE_WIDE):
        return reports
    if actor.has_role("handler") and actor.user.agency_id:
        return reports.filter(Q(agency_id=actor.user.agency_id) | Q(assignee=actor.user))
    raise AccessDenied(_("Your account does not have a role that handles reports."))


def report_for_staff(actor: Actor, code: str) -> Report:
    report = reports_for_staff(actor).filter(code=code).first()
    if report is None:
        raise NotFound(_("No report “%(code)s” among those you handle.") % {"code": code})
    return report


def can_triage(actor: Actor) -> bool:
    """Accept, refuse, classify and route incoming reports."""
    return actor.has_role("operator", "supervisor")


def can_handle(actor: Actor, report: Report) -> bool:
    """Start, answer, transfer: the responsible agency's handlers, or supervisors."""
    if actor.has_role("supervisor"):
        return True
    return (
        actor.has_role("handler")
        and actor.user is not None
        and actor.user.agency_id is not None
        and actor.user.agency_id == report.agency_id
    )


def require_triage(actor: Actor) -> None:
    if not can_triage(actor):
        raise AccessDenied(_("Only operators and supervisors sort incoming reports."))


def require_handler(actor: Actor, report: Report) -> None:
    if not can_handle(actor, report):
        raise AccessDenied(_("Only the responsible agency's handlers can do this."))


def require_operator(actor: Actor) -> None:
    """The hotline screen: operators and supervisors."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    if not actor.has_role("operator", "supervisor"):
        raise AccessDenied(_("Only hotline operators and supervisors take calls."))


def require_supervision(actor: Actor) -> None:
    """Province-wide oversight pages: supervisors, leaders, administrators."""
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    if not actor.has_role("supervisor", "leader"):
        raise AccessDenied(_("Only supervisors and leaders see this page."))


def require_supervisor(actor: Actor) -> None:
    if not actor.has_role("supervisor"):
        raise AccessDenied(_("Only supervisors decide extensions."))
