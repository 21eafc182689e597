"""Who sees the operations centre and who acts in it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import NotFound, require_role
from tinhso.core.actors import Actor
from tinhso.ioc.models import Alert, ArchivedReport, Indicator, IndicatorValue, ManualEntry

# Province-wide staff who watch the centre (administrators hold every role).
VIEWERS = ("leader", "supervisor", "operator")
# Who acknowledges and resolves alerts: the operators on duty and their supervisors.
ALERT_HANDLERS = ("operator", "supervisor")
# Agency staff who enter values by hand, and who approves them.
ENTERERS = ("handler", "data_steward", "supervisor")
APPROVERS = ("supervisor",)
# Who generates a report for a chosen period at once (the schedule makes the rest).
REPORT_MAKERS = ("supervisor",)


def require_viewer(actor: Actor) -> None:
    require_role(actor, *VIEWERS)


def can_view(actor: Actor) -> bool:
    return actor.has_role(*VIEWERS)


def can_handle_alerts(actor: Actor) -> bool:
    return actor.has_role(*ALERT_HANDLERS)


def can_enter(actor: Actor) -> bool:
    return actor.has_role(*ENTERERS)


def can_approve(actor: Actor) -> bool:
    return actor.has_role(*APPROVERS)


def indicators_for_viewer(actor: Actor) -> QuerySet[Indicator]:
    require_viewer(actor)
    return Indicator.objects.select_related("owner").prefetch_related("targets")


def indicator_for_viewer(actor: Actor, code: str) -> Indicator:
    indicator = indicators_for_viewer(actor).filter(code=code).first()
    if indicator is None:
        raise NotFound(_("No indicator “%(code)s”.") % {"code": code})
    return indicator


def value_for_viewer(actor: Actor, value_id: int) -> IndicatorValue:
    require_viewer(actor)
    value = (
        IndicatorValue.objects.select_related("indicator", "commune").filter(pk=value_id).first()
    )
    if value is None:
        raise NotFound(_("No such value."))
    return value


def alerts_for_viewer(actor: Actor) -> QuerySet[Alert]:
    require_viewer(actor)
    return Alert.objects.select_related("rule", "commune")


def alert_for_viewer(actor: Actor, alert_id: int) -> Alert:
    alert = alerts_for_viewer(actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert."))
    return alert


def alert_for_handler(actor: Actor, alert_id: int) -> Alert:
    require_role(actor, *ALERT_HANDLERS)
    alert = Alert.objects.select_related("rule", "commune").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("No such alert."))
    return alert


def indicators_for_entry(actor: Actor) -> QuerySet[Indicator]:
    """Indicators whose values are entered by hand: those of the actor's agency (all of
    them for supervisors)."""
    require_role(actor, *ENTERERS)
    manual = Indicator.objects.filter(source_kind="manual")
    if actor.has_role(*APPROVERS) or actor.is_system:
        return manual
    return manual.filter(owner_id=getattr(actor.user, "agency_id", None))


def entries_for_approver(actor: Actor) -> QuerySet[ManualEntry]:
    require_role(actor, *APPROVERS)
    return ManualEntry.objects.select_related("indicator", "commune", "entered_by")


def entry_for_approver(actor: Actor, entry_id: int) -> ManualEntry:
    entry = entries_for_approver(actor).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


def can_make_reports(actor: Actor) -> bool:
    return actor.has_role(*REPORT_MAKERS)


def require_report_maker(actor: Actor) -> None:
    require_role(actor, *REPORT_MAKERS)


def reports_for_viewer(actor: Actor) -> QuerySet[ArchivedReport]:
    """The archive of reports, for everyone who sees the centre."""
    require_viewer(actor)
    return ArchivedReport.objects.all()


def report_for_viewer(actor: Actor, report_id: int) -> ArchivedReport:
    report = reports_for_viewer(actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report
