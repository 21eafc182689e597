"""`tinhso run` (what `make run` calls): migrate, build the demo province if needed, then
serve the web, run the task worker and listen to sensors over MQTT until Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tinhso.core import conf, staticfiles
from tinhso.site.management.commands.serve import gunicorn_argv, web_processes


class Command(BaseCommand):
    help = "Migrate, load the demo province, and run the web server and the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=conf.value("PORT"))
        parser.add_argument("--no-demo", action="store_true", help="Do not build the demo data.")

    def handle(self, *args, host, port, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Cơ sở dữ liệu / database: {settings.DATABASES['default']['NAME']}")
        if not no_demo:
            call_command("demo")
        staticfiles.collect()
        worker = subprocess.Popen([sys.executable, "-m", "tinhso.cli", "worker"])  # noqa: S603
        # Sensor readings over MQTT; without TINHSO_MQTT_URL it starts the embedded broker.
        sensors = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tinhso.cli", "sensors", "listen"]
        )
        web = subprocess.Popen(  # noqa: S603
            gunicorn_argv(host, port, *web_processes(), quiet=True)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Tỉnh Số đang chạy / running at http://{host}:{port}/  (Ctrl-C để dừng / to stop)"
            )
        )
        children = [web, worker, sensors]

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            # The sensor listener may stop (its port taken) without stopping the site.
            while all(child.poll() is None for child in (web, worker)):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                child.wait(timeout=20)
