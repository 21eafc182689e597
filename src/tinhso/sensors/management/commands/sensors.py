"""`tinhso sensors listen` (store readings from MQTT), `tinhso sensors simulate` (the
demo stations publishing over MQTT) and `tinhso sensors storage` (what is kept where)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tinhso.sensors import mqtt


class Command(BaseCommand):
    help = (
        "Listen to sensor readings over MQTT, simulate the demo stations, or show what "
        "storage keeps."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        listen = commands.add_parser("listen", help="Store the readings devices publish.")
        simulate = commands.add_parser("simulate", help="Publish readings of the demo stations.")
        commands.add_parser(
            "storage", help="Months of raw readings kept, archived and due for removal."
        )
        for sub in (listen, simulate):
            sub.add_argument("--url", help="MQTT broker URL (default: TINHSO_MQTT_URL).")
            sub.add_argument("--prefix", help="Topic prefix (default: TINHSO_MQTT_TOPIC_PREFIX).")
        listen.add_argument(
            "--workers",
            type=int,
            help="Listener processes sharing the stream (default: TINHSO_MQTT_LISTENERS); "
            "more than one needs Mosquitto 2 or EMQX.",
        )
        listen.add_argument(
            "--share",
            help="Shared subscription group: every listener of the group, on this machine "
            "or another, gets its share of the messages.",
        )
        simulate.add_argument(
            "--speed",
            type=float,
            default=60.0,
            help="Simulated seconds per real second (60: an hour a minute).",
        )
        simulate.add_argument(
            "--step", type=int, default=600, help="Simulated seconds between readings."
        )
        simulate.add_argument(
            "--hours", type=float, default=0, help="Simulated hours to publish (0: until Ctrl-C)."
        )

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def _broker(self, url: str | None) -> mqtt.Broker:
        try:
            return mqtt.broker_from_url(url) if url else mqtt.configured_broker()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _stop_on_signal(self) -> threading.Event:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        return stop

    def listen(self, *, url, prefix, workers=None, share=None, **options):
        broker = self._broker(url)
        workers = settings.TINHSO_MQTT_LISTENERS if workers is None else workers
        if workers < 1:
            raise CommandError("--workers: ít nhất 1 / at least 1")
        embedded = None
        if not url and not settings.TINHSO_MQTT_URL:
            if workers > 1 or share:
                raise CommandError(
                    "Máy chủ MQTT nhúng không chia sẻ đăng ký cho nhiều tiến trình nghe: đặt "
                    "TINHSO_MQTT_URL tới Mosquitto 2 hoặc EMQX. / The embedded MQTT broker does "
                    "not share subscriptions between listeners: set TINHSO_MQTT_URL to "
                    "Mosquitto 2 or EMQX."
                )
            from tinhso.sensors.broker import start_embedded_broker

            embedded = start_embedded_broker(broker.port)
            self.stdout.write(f"Máy chủ MQTT nhúng / embedded MQTT broker: 127.0.0.1:{broker.port}")
        if workers > 1:
            self._supervise(workers, url, prefix, share or "tinhso")
            return
        listener = mqtt.Listener(broker, prefix, share=share)
        try:
            listener.start()
        except (OSError, ConnectionError) as exc:
            raise CommandError(f"MQTT {broker.host}:{broker.port}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đang nghe / listening on {broker.host}:{broker.port} {listener.topic_filter}"
            )
        )
        try:
            listener.run(self._stop_on_signal())
        finally:
            listener.stop()
            if embedded is not None:
                embedded.stop()

    def _supervise(self, workers: int, url: str | None, prefix: str | None, share: str) -> None:
        """Run `workers` listener processes in one shared subscription; restart one that
        stops (after 5 s, so a broker that is down is not hammered) until told to stop."""
        argv = [sys.executable, "-m", "tinhso.cli", "sensors", "listen", "--workers", "1"]
        argv += ["--share", share, *(["--prefix", prefix] if prefix else [])]
        # The URL (and its password) goes through the environment, not the command line
        # that `ps` shows.
        env = {**os.environ, **({"TINHSO_MQTT_URL": url} if url else {})}
        stop = self._stop_on_signal()
        children: list[subprocess.Popen | None] = [
            subprocess.Popen(argv, env=env)  # noqa: S603
            for _ in range(workers)
        ]
        restart_at = [0.0] * workers
        self.stdout.write(
            f"{workers} tiến trình nghe chung nhóm / listeners sharing the group “{share}”"
        )
        try:
            while not stop.wait(0.5):
                for n, child in enumerate(children):
                    if child is not None and child.poll() is not None:
                        self.stderr.write(
                            f"Tiến trình nghe {n + 1} đã dừng (mã {child.returncode}), chạy lại "
                            f"sau 5 giây / listener {n + 1} stopped (code {child.returncode}), "
                            "restarting in 5 s"
                        )
                        children[n], restart_at[n] = None, time.monotonic() + 5
                    elif child is None and time.monotonic() >= restart_at[n]:
                        children[n] = subprocess.Popen(argv, env=env)  # noqa: S603
        finally:
            running = [child for child in children if child is not None]
            for child in running:
                child.terminate()
            for child in running:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

    def simulate(self, *, url, prefix, speed, step, hours, **options):
        from tinhso.sensors.simulator import run

        broker = self._broker(url)
        sent = run(
            broker,
            prefix or settings.TINHSO_MQTT_TOPIC_PREFIX,
            speed=speed,
            step=step,
            hours=hours,
            stop=self._stop_on_signal(),
            out=self.stdout,
        )
        self.stdout.write(f"{sent} bản tin / messages published")

    def storage(self, **options):
        from tinhso.sensors import partitions
        from tinhso.sensors.actions import purgeable
        from tinhso.sensors.archive import kept

        now = timezone.now()
        removable = set(purgeable(now))
        self.stdout.write(
            f"Giữ số đo gốc / raw readings kept: {settings.TINHSO_SENSOR_RETENTION_DAYS} "
            f"ngày / days, cả tháng / whole months; lưu trữ sau / archived "
            f"{settings.TINHSO_SENSOR_ARCHIVE_GRACE_DAYS} ngày / days after the month ends"
        )
        if partitions.partitioned():
            names = ", ".join(p.name for p in partitions.existing())
            self.stdout.write(f"Phân vùng / partitions: {names}")
        for month in kept(now):
            if month.month in removable:
                status = "sẽ xoá / to remove"
            elif month.archived_rows is not None and month.archived_rows == month.rows:
                status = "đã lưu trữ / archived"
            elif month.archived_rows is not None and month.rows == 0:
                status = "chỉ còn lưu trữ / archive only"
            elif month.closed:
                status = "chờ lưu trữ / to archive"
            else:
                status = "đang mở / open"
            archive = f"{month.archived_rows} → {month.location}" if month.location else "—"
            self.stdout.write(f"{month.month:%Y-%m}  {month.rows:>10}  {archive:<32}  {status}")
