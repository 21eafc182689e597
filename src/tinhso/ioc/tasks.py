"""Scheduled work of the operations centre: computing indicators, evaluating alert rules,
escalating alerts, sending alert notices and the weekly and monthly reports, archiving
closed months of sensor readings to the warehouse."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from tinhso.core.actors import Actor

ACTOR = Actor.system("operations centre")
log = logging.getLogger("tinhso.ioc.reports")


def _computed(indicators=None) -> str:
    from tinhso.ioc import actions
    from tinhso.ioc.computation import compute_all
    from tinhso.ioc.models import Indicator

    outcomes = compute_all(indicators=indicators)
    by_code = {i.code: i for i in (indicators or Indicator.objects.all())}
    for outcome in outcomes:
        actions.record_computation(ACTOR, by_code[outcome.indicator], outcome.stored)
    return f"{sum(o.stored for o in outcomes)} values, {sum(1 for o in outcomes if o.error)} errors"


@task()
def compute_indicators() -> str:
    """Every indicator for its recent periods."""
    return _computed()


@task()
def recompute_for_dataset(dataset_id: int) -> str:
    """The indicators whose query reads the dataset that has a new version."""
    from tinhso.ioc.computation import reading
    from tinhso.warehouse.access import readable_datasets

    dataset = readable_datasets(ACTOR).filter(pk=dataset_id).first()
    if dataset is None:
        return "missing"
    return _computed(reading(dataset.slug))


@task()
def evaluate_alerts() -> str:
    from tinhso.ioc.alerts import evaluate

    return f"{len(evaluate())} opened"


@task()
def escalate_alerts() -> str:
    from tinhso.ioc.alerts import escalate

    return f"{len(escalate())} escalated"


@task()
def export_values() -> str:
    """The indicators' values as a dataset of the warehouse, when they changed."""
    from tinhso.ioc.export import to_warehouse

    return to_warehouse()


@task()
def deliver_notice(notice_id: int) -> str:
    """Send one alert notice; on failure, try again later with back-off."""
    import datetime as dt

    from django.utils import timezone

    from tinhso.ioc.models import AlertNotice, NoticeStatus
    from tinhso.ioc.notify import BACKOFF_MINUTES, deliver

    notice = AlertNotice.objects.filter(pk=notice_id, status=NoticeStatus.PENDING).first()
    if notice is None:
        return "nothing to do"
    if deliver(notice):
        return "sent"
    if notice.status == NoticeStatus.PENDING:
        wait = BACKOFF_MINUTES[notice.attempts - 1]
        deliver_notice.using(run_after=timezone.now() + dt.timedelta(minutes=wait)).enqueue(
            notice_id
        )
        return f"retry in {wait} min"
    return "gave up"


def send_due_reports(now: dt.datetime | None = None) -> tuple[int, int]:
    """The reports due by `now`: for each frequency, the latest week (out on Monday at
    07:00) or month (out on the 1st at 07:00), for the leader and for every scope someone
    subscribes to; each is generated once, archived, and e-mailed once to each active
    subscription of its scope and frequency. Running it again changes nothing. Returns
    (reports generated, messages sent)."""
    from tinhso.ioc import actions, reports
    from tinhso.ioc.models import LEADER_SCOPE, ReportFrequency, ReportSubscription

    generated = sent = 0
    subscriptions = list(ReportSubscription.objects.filter(is_active=True))
    for frequency in ReportFrequency.values:
        period = reports.last_released(frequency, now)
        mine = [s for s in subscriptions if s.frequency == frequency]
        for scope in dict.fromkeys([LEADER_SCOPE, *(s.scope for s in mine)]):
            try:
                report, drawn = actions.generate_report(
                    ACTOR, scope, frequency, period.start, replace=False, now=now
                )
            except Exception:  # noqa: BLE001 - one scope's failure does not stop the others
                log.exception("report %s %s %s not generated", scope, frequency, period.start)
                continue
            generated += drawn
            for subscription in (s for s in mine if s.scope == scope):
                try:
                    sent += actions.send_report(ACTOR, report, subscription, now=now) is not None
                except Exception:  # noqa: BLE001 - the mail server may be down: next run
                    log.exception("report %s not sent to %s", report, subscription)
    return generated, sent


@task()
def send_scheduled_reports() -> str:
    generated, sent = send_due_reports()
    return f"{generated} reports generated, {sent} sent"


@task()
def archive_sensor_months() -> str:
    """Closed months of raw sensor readings, written to the warehouse as Parquet."""
    from tinhso.ioc.archive import archive_closed_months

    done = archive_closed_months(ACTOR)
    return f"{len(done)} months, {sum(a.rows for a in done)} rows"
