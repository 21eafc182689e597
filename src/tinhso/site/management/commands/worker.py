"""`tinhso worker`: run background tasks from the database queue."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tinhso.core import schedule


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
            call_command("db_worker", "--interval", str(interval), "--queue-name", "*", *extra)
        finally:
            stop.set()
