"""`tinhso serve`: the web server (gunicorn, static files by whitenoise)."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tinhso import conf


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tinhso.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = "Serve the platform over HTTP with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=conf.value("PORT"))
        parser.add_argument("--workers", type=int, default=conf.value("TINHSO_WEB_WORKERS"))

    def handle(self, *args, host, port, workers, **options):
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv(host, port, workers)
        self.stdout.write(f"http://{host}:{port}/")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn
