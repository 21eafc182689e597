"""Background work after intake. A failure here leaves the report as it was stored."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.actors import Actor


@task()
def process_report(report_id: int) -> str:
    """Send the citizen the tracking code; propose a field when the citizen gave none,
    find the responsible agency and set the deadline."""
    from tinhso.feedback.actions import apply_processing
    from tinhso.feedback.classify import proposer
    from tinhso.feedback.models import Report
    from tinhso.feedback.notify import tell_received

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "missing"
    tell_received(report)
    proposals = proposer().propose(report.text, k=1) if report.field is None else []
    # A proposal the classifier is not sure of is left for the operator to decide.
    sure = [p for p in proposals if p.sure]
    apply_processing(
        Actor.system("feedback processing"),
        report,
        proposed=sure[0].field if sure else None,
    )
    return "ok"


@task()
def deliver_message(message_id: int) -> str:
    """Send one notification; on failure, try again later with back-off."""
    import datetime as dt

    from django.utils import timezone

    from tinhso.feedback.models import Message, MessageStatus
    from tinhso.feedback.notify import BACKOFF_MINUTES, deliver

    message = Message.objects.filter(pk=message_id, status=MessageStatus.PENDING).first()
    if message is None:
        return "nothing to do"
    if deliver(message):
        return "sent"
    if message.status == MessageStatus.PENDING:
        wait = BACKOFF_MINUTES[message.attempts - 1]
        deliver_message.using(run_after=timezone.now() + dt.timedelta(minutes=wait)).enqueue(
            message_id
        )
        return f"retry in {wait} min"
    return "gave up"


@task()
def remind_deadlines() -> int:
    """Periodic: tell handlers about reports due within a day (each once)."""
    from tinhso.feedback.notify import remind_due_soon

    return remind_due_soon()


@task()
def refresh_scorecards() -> str:
    """Keep the scorecards' daily rollups current, so that a page view finds little to do."""
    from tinhso.feedback.scorecards import refresh

    return f"{refresh()} rows"


@task()
def retrain_classifier() -> str:
    """Train a new version of the field classifier from the confirmed reports, when
    operators have confirmed or corrected any since the last version."""
    from tinhso.feedback.models import LabelledExample
    from tinhso.feedback.training import PURPOSE, NotEnoughExamples, train_from_history
    from tinhso.textengine.models import ClassifierVersion

    latest = ClassifierVersion.objects.filter(purpose=PURPOSE).order_by("-created_at").first()
    if latest and not LabelledExample.objects.filter(created_at__gt=latest.created_at).exists():
        return "no new confirmations since the last version"
    try:
        version = train_from_history(Actor.system("scheduled retraining"))
    except NotEnoughExamples as exc:
        return exc.message
    return f"version {version.pk}, macro-F1 {version.macro_f1}, active {version.is_active}"
