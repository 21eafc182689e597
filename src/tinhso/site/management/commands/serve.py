"""`tinhso serve`: the web server (gunicorn, static files by whitenoise)."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from tinhso.core import conf, staticfiles


def web_processes() -> tuple[int, int]:
    """(processes, threads each): the settings, or what measured best for the database."""
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    workers = conf.value("TINHSO_WEB_WORKERS") or (4 if sqlite else 2)
    threads = conf.value("TINHSO_WEB_THREADS") or (1 if sqlite else 4)
    return workers, threads


def gunicorn_argv(
    host: str, port: int, workers: int, threads: int, *, quiet: bool = False
) -> list[str]:
    """gunicorn's command line; `quiet` (the one-command demo) logs only what went wrong,
    no line per request."""
    logging = ["--log-level", "warning"] if quiet else ["--access-logfile", "-"]
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
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        *logging,
    ]


class Command(BaseCommand):
    help = "Serve the platform over HTTP with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=conf.value("PORT"))
        parser.add_argument("--workers", type=int, help="Default: TINHSO_WEB_WORKERS.")
        parser.add_argument("--threads", type=int, help="Default: TINHSO_WEB_THREADS.")

    def handle(self, *args, host, port, workers, threads, **options):
        if not settings.DEBUG:
            staticfiles.collect()
        default_workers, default_threads = web_processes()
        argv = gunicorn_argv(host, port, workers or default_workers, threads or default_threads)
        self.stdout.write(f"http://{host}:{port}/")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - replaces this process with gunicorn
