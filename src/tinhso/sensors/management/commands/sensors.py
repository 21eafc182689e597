"""`tinhso sensors listen` (store readings from MQTT), `tinhso sensors simulate` (the
demo stations publishing over MQTT) and `tinhso sensors storage` (what is kept where)."""

from __future__ import annotations

import signal
import threading

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

    def listen(self, *, url, prefix, **options):
        broker = self._broker(url)
        embedded = None
        if not url and not settings.TINHSO_MQTT_URL:
            from tinhso.sensors.broker import start_embedded_broker

            embedded = start_embedded_broker(broker.port)
            self.stdout.write(f"Máy chủ MQTT nhúng / embedded MQTT broker: 127.0.0.1:{broker.port}")
        listener = mqtt.Listener(broker, prefix)
        try:
            listener.start()
        except (OSError, ConnectionError) as exc:
            raise CommandError(f"MQTT {broker.host}:{broker.port}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đang nghe / listening on {broker.host}:{broker.port} {listener.prefix}/+/+"
            )
        )
        try:
            listener.run(self._stop_on_signal())
        finally:
            listener.stop()
            if embedded is not None:
                embedded.stop()

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
