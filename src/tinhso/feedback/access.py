"""Who sees and handles which reports."""

from __future__ import annotations

import secrets

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound, require_signed_in
from tinhso.core.actors import Actor
from tinhso.feedback.models import Report, Status, Track

PROVINCE_WIDE = ("operator", "supervisor", "leader", "administrator")
PUBLIC_STATUSES = (
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ANSWERED,
    Status.CLOSED,
)


def public_reports() -> QuerySet[Report]:
    """What anyone may see: reports staff have accepted (not refused, not yet checked),
    never a denunciation (tố cáo: the Law on Denunciations 2018, art. 4, protects the
    denouncer), without merged duplicates. Templates show them through `privacy` only."""
    return Report.objects.filter(status__in=PUBLIC_STATUSES, duplicate_of__isnull=True).exclude(
        track=Track.DENUNCIATION
    )


def normal_code(code: str) -> str:
    """A tracking code as stored, however it was typed (spaces, lower case)."""
    return (code or "").strip().upper()


def _not_public(code: str) -> NotFound:
    # The same answer whether the report does not exist or is not public: tracking codes
    # are sequential, so telling them apart would tell who reported what.
    return NotFound(
        _(
            "No public report has the tracking code “%(code)s”. If you sent it, open the link "
            "you were given when you sent it: it holds your private key."
        )
        % {"code": code}
    )


def report_for_reporter(code: str, key: str) -> Report:
    """The reporter's own report, in any status, with the private key of its link."""
    report = (
        Report.objects.select_related("field", "agency", "commune")
        .filter(code=normal_code(code))
        .first()
    )
    if report is None or not key or not secrets.compare_digest(report.citizen_key, key):
        raise _not_public(code)
    return report


def report_for_tracking(actor: Actor, code: str, key: str = "") -> Report:
    """A report by its tracking code: the reporter's with its key; any the staff member
    handles when signed in; otherwise only a public one. The code alone proves nothing."""
    if key:
        return report_for_reporter(code, key)
    if actor.is_authenticated:
        try:
            report = reports_for_staff(actor).filter(code=normal_code(code)).first()
        except AccessDenied:
            report = None
        if report is not None:
            return report
    report = (
        public_reports()
        .select_related("field", "agency", "commune")
        .filter(code=normal_code(code))
        .first()
    )
    if report is None:
        raise _not_public(code)
    return report


def is_reporter(actor: Actor, report: Report, key: str = "") -> bool:
    """The person who made the report: the private key of its link, or the same API
    client (token) or account that sent it."""
    if key and secrets.compare_digest(report.citizen_key, key):
        return True
    if report.source_token_id is None:
        return False
    if actor.token_id is not None and actor.token_id == report.source_token_id:
        return True
    from tinhso.agencies.models import ApiToken

    return (
        actor.user is not None
        and ApiToken.objects.filter(pk=report.source_token_id, user_id=actor.user.pk).exists()
    )


def require_reporter(actor: Actor, report: Report, key: str = "") -> None:
    if not is_reporter(actor, report, key):
        raise AccessDenied(
            _("Only the person who sent this report (or the app that sent it) can update it.")
        )


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
