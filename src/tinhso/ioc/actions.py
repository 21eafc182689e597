"""Every write of the operations centre, each with its audit entry (and event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied
from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.ioc import access, sources
from tinhso.ioc.models import (
    LIVE_STATES,
    Alert,
    AlertNotice,
    AlertRule,
    AlertState,
    ArchivedReport,
    EntryStatus,
    Indicator,
    ManualEntry,
    ReportDelivery,
    ReportSubscription,
    Target,
)


@transaction.atomic
def define_indicator(actor: Actor, *, code: str, **fields: Any) -> Indicator:
    """Create or change the indicator `code`; its source configuration is checked first
    (a query must run and give period, commune and value)."""
    if not actor.has_role("administrator"):
        raise AccessDenied(_("Only administrators define indicators."))
    sources.validate(fields.get("source_kind", ""), fields.get("source_config") or {})
    indicator = Indicator.objects.filter(code=code).first()
    before = snapshot(indicator) if indicator else None
    if indicator is None:
        indicator = Indicator.objects.create(code=code, **fields)
    else:
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.save()
    record(actor, "ioc.define_indicator", indicator, before=before, after=snapshot(indicator))
    return indicator


@transaction.atomic
def set_target(
    actor: Actor,
    indicator: Indicator,
    *,
    value: float,
    deadline: dt.date,
    baseline: float | None = None,
    baseline_date: dt.date | None = None,
    note: str = "",
) -> Target:
    """Add a target (the deadline's existing one is replaced)."""
    if not actor.has_role("administrator"):
        raise AccessDenied(_("Only administrators set targets."))
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        deadline=deadline,
        defaults={
            "value": value,
            "baseline": baseline,
            "baseline_date": baseline_date,
            "note": note,
        },
    )
    record(actor, "ioc.set_target", target, after=snapshot(target))
    return target


def record_computation(actor: Actor, indicator: Indicator, stored: int) -> None:
    """One audit entry per computation that changed values (not one per value)."""
    if stored:
        record(actor, "ioc.compute", indicator, after={"values": stored})


# --- values entered by hand -------------------------------------------------------------


@transaction.atomic
def enter_value(
    actor: Actor,
    indicator: Indicator,
    *,
    period_start: dt.datetime,
    value: float,
    commune=None,
    evidence_file=None,
    evidence_link: str = "",
    note: str = "",
) -> ManualEntry:
    """An agency's value with its evidence (a file or a link), waiting for approval."""
    if not access.indicators_for_entry(actor).filter(pk=indicator.pk).exists():
        raise AccessDenied(_("Values of this indicator are entered by its owner agency."))
    if not evidence_file and not evidence_link:
        raise ValueError(_("Attach the evidence: a file or a link."))
    entry = ManualEntry(
        indicator=indicator,
        period_start=period_start,
        commune=commune,
        value=value,
        evidence_link=evidence_link,
        note=note,
        entered_by=actor.user,
    )
    if evidence_file:
        entry.evidence_file.save(evidence_file.name, evidence_file, save=False)
    entry.save()
    record(actor, "ioc.enter_value", entry, after=snapshot(entry))
    emit("ioc.value_entered", actor=actor, entry_id=entry.pk)
    return entry


@transaction.atomic
def decide_value(
    actor: Actor, entry: ManualEntry, *, approve: bool, reason: str = ""
) -> ManualEntry:
    """A supervisor approves (the value counts from now) or rejects an entered value."""
    entry = access.entry_for_approver(actor, entry.pk)
    if entry.status != EntryStatus.PENDING:
        raise ValueError(_("This value has already been decided."))
    before = snapshot(entry, ["status"])
    entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    entry.decided_by = actor.user
    entry.decided_at = timezone.now()
    entry.reason = reason
    entry.save()
    record(actor, "ioc.decide_value", entry, before=before, after=snapshot(entry, ["status"]))
    if approve:
        from tinhso.ioc.computation import compute

        outcome = compute(entry.indicator)
        record_computation(actor, entry.indicator, outcome.stored)
    return entry


# --- alerts -----------------------------------------------------------------------------


def raise_alert(
    actor: Actor,
    rule: AlertRule,
    *,
    commune=None,
    title: str,
    evidence: dict,
    now: dt.datetime | None = None,
) -> tuple[Alert, bool]:
    """Open an alert for `rule` at the place, or, when one is still open or acknowledged
    there, refresh its evidence. Returns (alert, created)."""
    now = now or timezone.now()
    live = Alert.objects.filter(rule=rule, commune=commune, state__in=LIVE_STATES)
    try:
        with transaction.atomic():
            alert = live.first()
            if alert is not None:
                alert.evidence, alert.last_seen_at, alert.title = evidence, now, title
                alert.save(update_fields=["evidence", "last_seen_at", "title"])
                return alert, False
            alert = Alert.objects.create(
                rule=rule,
                commune=commune,
                severity=rule.severity,
                title=title[:300],
                evidence=evidence,
                opened_at=now,
                last_seen_at=now,
            )
            record(actor, "ioc.raise_alert", alert, after=snapshot(alert))
    except IntegrityError:  # another evaluation opened it meanwhile
        return live.get(), False
    emit("ioc.alert_raised", actor=actor, alert_id=alert.pk)
    return alert, True


def _transition(actor: Actor, alert: Alert, action: str, **changes: Any) -> Alert:
    before = snapshot(alert, list(changes))
    for name, value in changes.items():
        setattr(alert, name, value)
    alert.save(update_fields=list(changes))
    record(actor, action, alert, before=before, after=snapshot(alert, list(changes)))
    emit(action, actor=actor, alert_id=alert.pk)
    return alert


@transaction.atomic
def acknowledge_alert(actor: Actor, alert: Alert) -> Alert:
    """Someone on duty has taken the alert in hand."""
    alert = access.alert_for_handler(actor, alert.pk)
    if alert.state != AlertState.OPEN:
        raise ValueError(_("Only an open alert can be acknowledged."))
    return _transition(
        actor,
        alert,
        "ioc.acknowledge_alert",
        state=AlertState.ACKNOWLEDGED,
        acknowledged_at=timezone.now(),
        acknowledged_by=actor.label[:200],
    )


@transaction.atomic
def resolve_alert(actor: Actor, alert: Alert, *, resolution: str = "") -> Alert:
    """The situation is dealt with; a new occurrence will open a new alert."""
    alert = access.alert_for_handler(actor, alert.pk)
    if alert.state == AlertState.RESOLVED:
        raise ValueError(_("This alert is already resolved."))
    changes: dict[str, Any] = {
        "state": AlertState.RESOLVED,
        "resolved_at": timezone.now(),
        "resolved_by": actor.label[:200],
        "resolution": resolution,
    }
    if alert.acknowledged_at is None:
        changes |= {"acknowledged_at": changes["resolved_at"], "acknowledged_by": actor.label[:200]}
    return _transition(actor, alert, "ioc.resolve_alert", **changes)


@transaction.atomic
def escalate_alert(actor: Actor, alert: Alert, now: dt.datetime | None = None) -> Alert:
    """Not acknowledged in time: flagged (the console shows it), and the rule's role is
    told: the event `ioc.notify_role` carries the role, and `ioc.notify` sends its
    members a message (`notify_role`)."""
    alert = _transition(actor, alert, "ioc.escalate_alert", escalated_at=now or timezone.now())
    emit(
        "ioc.notify_role",
        actor=actor,
        role=alert.rule.escalate_to_role,
        alert_id=alert.pk,
        title=alert.title,
    )
    return alert


@transaction.atomic
def notify_role(actor: Actor, alert: Alert, *, reason: str) -> list[AlertNotice]:
    """Tell the members of the rule's role of `alert` (opened, or escalated): a notice per
    person and channel, sent by a task after the commit. A person already told for this
    reason is not told again. The audit entry counts the notices; addresses stay in the
    notices."""
    from tinhso.ioc import notify
    from tinhso.ioc.tasks import deliver_notice

    role = alert.rule.escalate_to_role
    made = []
    for user, channel, recipient in notify.recipients(role, alert.commune):
        if AlertNotice.objects.filter(
            alert=alert, user=user, channel=channel, reason=reason
        ).exists():
            continue
        subject, body = notify.text(alert, reason, channel)
        made.append(
            AlertNotice.objects.create(
                alert=alert,
                user=user,
                reason=reason,
                role=role,
                channel=channel,
                recipient=recipient,
                subject=subject[:200],
                body=body,
            )
        )
    if made:
        channels: dict[str, int] = {}
        for notice in made:
            channels[notice.channel] = channels.get(notice.channel, 0) + 1
        record(
            actor,
            "ioc.notify_role",
            alert,
            after={"reason": reason, "role": role, "notices": len(made), "channels": channels},
        )
        ids = [n.pk for n in made]
        transaction.on_commit(lambda: [deliver_notice.enqueue(pk) for pk in ids])
    return made


# --- reports ----------------------------------------------------------------------------

REPORT_FIELDS = ["scope", "frequency", "period_start", "period_end", "generated_at", "pdf", "xlsx"]


def _archived(scope: str, frequency: str, start: dt.date) -> ArchivedReport | None:
    found = ArchivedReport.objects.filter(scope=scope, frequency=frequency, period_start=start)
    return found.first()


def generate_report(
    actor: Actor,
    scope: str,
    frequency: str,
    day: dt.date,
    *,
    replace: bool = True,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[ArchivedReport, bool]:
    """Build the report of `scope` for the week or month holding `day`, draw its PDF and
    XLSX and keep them in the archive. There is one report per scope and period: with
    `replace` (a supervisor's "generate now") an archived one gets new files, without it
    (the schedule) the archived one is returned as it is. Returns (report, drawn)."""
    from django.core.files.base import ContentFile

    from tinhso.ioc import report_files, reports

    access.require_report_maker(actor)
    reports.check_scope(scope)
    period = reports.period_of(frequency, day)
    existing = _archived(scope, frequency, period.start)
    if existing is not None and not replace:
        return existing, False
    now = now or timezone.now()
    step = progress or (lambda text: None)
    step(_("Reading the figures"))
    content = reports.build(scope, period, now)
    pdf = report_files.pdf(content, step)
    xlsx = report_files.xlsx(content, step)
    step(_("Archiving"))
    summary = {
        "indicators": len(content.indicators),
        "bad": sum(1 for row in content.indicators if row.status == "bad"),
        "alerts_opened": content.alerts.opened,
        "partial": content.partial,
    }
    try:
        with transaction.atomic():
            report = _archived(scope, frequency, period.start)
            before = snapshot(report, REPORT_FIELDS) if report else None
            old_files = [report.pdf.name, report.xlsx.name] if report else []
            report = report or ArchivedReport(
                scope=scope, frequency=frequency, period_start=period.start
            )
            report.period_end = period.last_day
            report.generated_at = now
            report.generated_by = actor.label[:200]
            report.summary = summary
            report.pdf.save(f"{content.file_stem}.pdf", ContentFile(pdf), save=False)
            report.xlsx.save(f"{content.file_stem}.xlsx", ContentFile(xlsx), save=False)
            report.save()
            record(
                actor,
                "ioc.generate_report",
                report,
                before=before,
                after=snapshot(report, REPORT_FIELDS),
            )
    except IntegrityError:  # the schedule and a supervisor made it at the same moment
        report.pdf.delete(save=False)
        report.xlsx.delete(save=False)
        return ArchivedReport.objects.get(
            scope=scope, frequency=frequency, period_start=period.start
        ), False
    storage = report.pdf.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    emit("ioc.report_generated", actor=actor, report_id=report.pk)
    return report, True


def send_report(
    actor: Actor,
    report: ArchivedReport,
    subscription: ReportSubscription,
    *,
    now: dt.datetime | None = None,
) -> ReportDelivery | None:
    """E-mail the report's PDF and XLSX to the subscription's list, once: None when it
    was sent already. A message that fails to go leaves no delivery behind, so the next
    run tries again."""
    from django.core.mail import EmailMessage
    from django.utils import translation

    from tinhso.ioc import reports

    access.require_report_maker(actor)
    period = reports.period_of(report.frequency, report.period_start)
    with translation.override("vi"):
        subject = _("Operations centre report: %(scope)s, %(period)s") % {
            "scope": reports.scope_label(report.scope),
            "period": period.label,
        }
        body = _(
            "The operations centre's report is attached as PDF and as a spreadsheet (XLSX)."
            "\n\nThis message was sent by Tỉnh Số; reply to the centre to change the list."
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery = ReportDelivery.objects.create(
                    subscription=subscription,
                    report=report,
                    sent_at=now or timezone.now(),
                    recipients="\n".join(subscription.addresses),
                )
        except IntegrityError:
            return None
        message = EmailMessage(subject, body, to=subscription.addresses)
        for field, kind in ((report.pdf, "application/pdf"), (report.xlsx, XLSX_TYPE)):
            with field.open("rb") as handle:
                message.attach(field.name.rsplit("/", 1)[-1], handle.read(), kind)
        message.send()
        record(actor, "ioc.send_report", delivery, after=snapshot(delivery))
    return delivery


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
