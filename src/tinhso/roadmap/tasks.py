"""Scheduled work of the roadmap: the daily reminder of the month's progress reports."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.actors import Actor

ACTOR = Actor.system("roadmap")


@task()
def remind_progress_reports() -> str:
    from django.utils import timezone

    from tinhso.roadmap.reminders import send_reminders

    tasks, sent = send_reminders(ACTOR, timezone.localdate())
    return f"{tasks} tasks reminded, {sent} messages"
