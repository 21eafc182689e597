"""`tinhso worker`: run background tasks from the database queue."""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from tinhso.core import schedule


class TaskWorker(DbWorker):
    """django-tasks-db's worker, logging tasks at `TINHSO_TASK_LOG_LEVEL` (by default
    warnings and failures only, not a line per task)."""

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        level = logging.getLevelName(settings.TINHSO_TASK_LOG_LEVEL.upper())
        for name in (TASKS_LOGGER, "django_tasks_db"):
            logging.getLogger(name).setLevel(level)


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks database queue)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--batch", action="store_true", help="Run queued tasks, then exit (for cron and tests)."
        )

    def handle(self, *args, interval, batch, **options):
        extra = ["--batch"] if batch else []
        stop = threading.Event()
        if not batch:  # a long-running worker also enqueues the periodic tasks
            threading.Thread(
                target=schedule.run, args=(stop,), daemon=True, name="scheduler"
            ).start()
        try:
            call_command(TaskWorker(), "--interval", str(interval), "--queue-name", "*", *extra)
        finally:
            stop.set()
