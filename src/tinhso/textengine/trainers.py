"""Who retrains each classifier. The app that owns a classifier's labelled examples
registers the task that retrains it (the feedback hub registers its field classifier in
its `AppConfig.ready`); the admin's "train now" enqueues that task. The text engine
itself knows no app above it."""

from __future__ import annotations

from importlib import import_module

_TASKS: dict[str, str] = {}


def register(purpose: str, task_path: str) -> None:
    """`task_path` names a django-tasks task that takes no arguments."""
    _TASKS[purpose] = task_path


def enqueue(purpose: str) -> bool:
    """Queue a retraining of `purpose`; False when no app trains it."""
    path = _TASKS.get(purpose)
    if path is None:
        return False
    module, name = path.rsplit(".", 1)
    getattr(import_module(module), name).enqueue()
    return True
