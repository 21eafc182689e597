"""Periodic tasks remember their last run in the database: a restarted worker (or a
second one) does not run them again before their interval has passed."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tinhso.core import schedule
from tinhso.core.models import ScheduledRun

DAILY = "tinhso.feedback.tasks.retrain_classifier"


def queued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path, status="READY").count()


def test_a_task_runs_once_per_interval_across_restarts(db):
    assert schedule.PERIODIC[DAILY] == 24 * 60
    now = timezone.now()
    assert DAILY in schedule.tick(now)
    assert queued(DAILY) == 1
    # The worker restarts: its memory is gone, the database remembers.
    assert DAILY not in schedule.tick(now + dt.timedelta(minutes=1))
    assert DAILY not in schedule.tick(now + dt.timedelta(hours=23))
    assert queued(DAILY) == 1
    assert DAILY in schedule.tick(now + dt.timedelta(hours=24))
    assert queued(DAILY) == 2
    assert ScheduledRun.objects.get(task=DAILY).last_run_at == now + dt.timedelta(hours=24)


def test_of_two_workers_only_one_claims_a_run(db):
    now = timezone.now()
    assert schedule.claim("tests.example", 5, now) is True
    assert schedule.claim("tests.example", 5, now) is False
    assert schedule.claim("tests.example", 5, now + dt.timedelta(minutes=5)) is True
