"""Scheduled work of the operations centre: computing indicators, evaluating alert rules,
escalating alerts, archiving closed months of sensor readings to the warehouse."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.actors import Actor

ACTOR = Actor.system("operations centre")


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
def archive_sensor_months() -> str:
    """Closed months of raw sensor readings, written to the warehouse as Parquet."""
    from tinhso.ioc.archive import archive_closed_months

    done = archive_closed_months(ACTOR)
    return f"{len(done)} months, {sum(a.rows for a in done)} rows"
