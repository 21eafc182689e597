"""Periodic tasks: each app registers what should run every N minutes; the worker
process enqueues them on time. Registered tasks must be safe to run twice (two workers
may both enqueue)."""

from __future__ import annotations

import logging
import threading
import time
from importlib import import_module

log = logging.getLogger("tinhso.schedule")
PERIODIC: dict[str, int] = {}


def every(minutes: int, task_path: str) -> None:
    PERIODIC[task_path] = minutes


def _task(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(import_module(module), name)


def run(stop: threading.Event, tick_seconds: float = 30.0) -> None:
    """Enqueue each registered task when its interval has passed, until `stop` is set."""
    from django.db import close_old_connections

    last: dict[str, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for path, minutes in PERIODIC.items():
            if now - last.get(path, -1e12) >= minutes * 60:
                try:
                    _task(path).enqueue()
                    last[path] = now
                except Exception:  # noqa: BLE001 - the scheduler keeps going
                    log.exception("could not enqueue %s", path)
        close_old_connections()
        stop.wait(tick_seconds)
