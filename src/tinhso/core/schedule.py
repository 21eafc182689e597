"""Periodic tasks: each app registers what should run every N minutes; the worker
process enqueues them on time.

The last run of each task is kept in the database (`ScheduledRun`): a restarted worker
waits out the interval instead of running everything again, and when several workers
run, the conditional update that claims a run lets exactly one of them enqueue it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from importlib import import_module

log = logging.getLogger("tinhso.schedule")
PERIODIC: dict[str, int] = {}


def every(minutes: int, task_path: str) -> None:
    PERIODIC[task_path] = minutes


def _task(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(import_module(module), name)


def claim(path: str, minutes: int, now: dt.datetime) -> bool:
    """True for the one caller that may enqueue `path` now (its interval has passed since
    the last run anyone recorded); the run is recorded in the same statement."""
    from django.db.models import Q

    from tinhso.core.models import ScheduledRun

    ScheduledRun.objects.get_or_create(task=path)
    due = Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - dt.timedelta(minutes=minutes))
    return ScheduledRun.objects.filter(due, task=path).update(last_run_at=now) == 1


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every task whose interval has passed; returns the ones enqueued."""
    from django.db import transaction
    from django.utils import timezone

    now = now or timezone.now()
    enqueued = []
    for path, minutes in PERIODIC.items():
        try:
            with transaction.atomic():  # the claim stands only if the task is queued
                if claim(path, minutes, now):
                    _task(path).enqueue()
                    enqueued.append(path)
        except Exception:  # noqa: BLE001 - the scheduler keeps going
            log.exception("could not enqueue %s", path)
    return enqueued


def run(stop: threading.Event, tick_seconds: float = 30.0) -> None:
    """Enqueue each registered task when its interval has passed, until `stop` is set."""
    from django.db import close_old_connections

    while not stop.is_set():
        tick()
        close_old_connections()
        stop.wait(tick_seconds)
