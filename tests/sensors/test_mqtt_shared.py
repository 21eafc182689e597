"""Several listeners share the MQTT stream (a shared subscription, `$share/<group>/…`):
the broker hands each message to one of them, so together they store every reading once.
Through the real Mosquitto at 127.0.0.1:1883 — in process, and as `tinhso sensors listen
--workers 2` on an installation of its own, stopped by a signal. The embedded broker
does not share subscriptions: asking it for several listeners is refused with a reason."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tinhso.sensors import mqtt
from tinhso.sensors.models import Observation

DEADLINE = 30.0  # seconds to wait for the broker and the processes, not a measurement
MOSQUITTO = mqtt.Broker("127.0.0.1", 1883)


def publish_readings(prefix: str, device_id: str, count: int, start: dt.datetime) -> None:
    sender = mqtt.client(MOSQUITTO)
    sender.connect(MOSQUITTO.host, MOSQUITTO.port)
    sender.loop_start()
    try:
        infos = [
            mqtt.publish(
                sender,
                prefix,
                device_id,
                {
                    "type": "AirQualityObserved",
                    "refDevice": device_id,
                    "dateObserved": (start + dt.timedelta(seconds=n)).isoformat(),
                    "pm25": 10.0 + n,
                },
            )
            for n in range(count)
        ]
        for info in infos:
            info.wait_for_publish(DEADLINE)
    finally:
        sender.disconnect()
        sender.loop_stop()


@pytest.mark.mqtt
@pytest.mark.django_db
def test_two_listeners_in_one_group_store_every_reading_once(mosquitto, register):
    prefix = f"test-{uuid.uuid4().hex[:12]}/sensors"
    group = f"g{uuid.uuid4().hex[:8]}"
    listeners = [mqtt.Listener(mosquitto, prefix, batch_wait=0.05, share=group) for _ in "ab"]
    for listener in listeners:
        listener.start()
    assert listeners[0].topic_filter == f"$share/{group}/{prefix}/+/+"
    device, _token = register()
    start = timezone.now() - dt.timedelta(hours=1)
    try:
        publish_readings(prefix, device.device_id, 60, start)
        handled: list[list[mqtt.Outcome]] = [[], []]
        deadline = time.monotonic() + DEADLINE
        while sum(map(len, handled)) < 60 and time.monotonic() < deadline:
            for n, listener in enumerate(listeners):
                handled[n] += listener.process_batch(timeout=0.2)
    finally:
        for listener in listeners:
            listener.stop()
    # Each got a share, none got a message twice, and everything was stored.
    assert len(handled[0]) > 0 and len(handled[1]) > 0
    assert len(handled[0]) + len(handled[1]) == 60
    assert all(o.receipt is not None and o.receipt.stored == 1 for o in handled[0] + handled[1])
    stored = Observation.objects.filter(device=device).values_list("value", flat=True)
    assert sorted(stored) == [10.0 + n for n in range(60)]


@pytest.mark.django_db
def test_the_embedded_broker_refuses_several_listeners(settings):
    settings.TINHSO_MQTT_URL = ""
    with pytest.raises(CommandError, match="embedded MQTT broker does not share"):
        call_command("sensors", "listen", "--workers", "2")
    with pytest.raises(CommandError, match="embedded MQTT broker does not share"):
        call_command("sensors", "listen", "--share", "tinhso")
    settings.TINHSO_MQTT_URL = "mqtt://127.0.0.1:1883"
    with pytest.raises(CommandError, match="at least 1"):
        call_command("sensors", "listen", "--workers", "0")


def tinhso(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tinhso.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        **kwargs,
    )


def stored_in(env: dict, device_id: str) -> int:
    shown = tinhso(
        env,
        "shell",
        "-c",
        "from tinhso.sensors.models import Observation;"
        f"print(Observation.objects.filter(device__device_id={device_id!r}).count())",
    )
    return int(shown.stdout.strip().splitlines()[-1])


@pytest.mark.mqtt
def test_the_command_runs_two_listeners_and_stops_them_on_a_signal(mosquitto, tmp_path):
    """`tinhso sensors listen --workers 2` on an installation of its own (SQLite in a
    temporary folder): both processes store, and a SIGTERM stops the whole group."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        TINHSO_DATA_DIR=str(tmp_path),
        TINHSO_MQTT_URL="mqtt://127.0.0.1:1883",
        TINHSO_MQTT_BATCH_MS="20",
        TINHSO_LOG_LEVEL="WARNING",
    )
    tinhso(env, "migrate", "-v0")
    device_id = f"test-{uuid.uuid4().hex[:10]}"
    tinhso(
        env,
        "shell",
        "-c",
        "from tinhso.core.actors import Actor;from tinhso.agencies.models import Agency;"
        "from tinhso.sensors import actions;from tinhso.units.models import Province;"
        "p=Province.objects.create(code='99', name='Tỉnh thử', short_name='Thử', kind='tinh')\n"
        "owner=Agency.objects.create(code='T', name='Sở thử', kind='department', province=p)\n"
        "actions.register_device(Actor.system('test'), actions.DeviceDraft("
        f"device_id={device_id!r}, kind='air_quality', name='Trạm', lat=10.5, lon=106.4, "
        "owner=owner))",
    )
    prefix = f"test-{uuid.uuid4().hex[:12]}/sensors"
    group = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tinhso.cli", "sensors", "listen", "--workers", "2",
         "--prefix", prefix, "--share", f"g{uuid.uuid4().hex[:8]}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(group.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + DEADLINE
        while sum("listening on" in line for line in lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)  # until both listeners are subscribed
        publish_readings(prefix, device_id, 40, timezone.now() - dt.timedelta(hours=1))
        deadline = time.monotonic() + DEADLINE
        while (count := stored_in(env, device_id)) < 40 and time.monotonic() < deadline:
            time.sleep(1)
        assert count == 40
    finally:
        group.send_signal(signal.SIGTERM)
        group.wait(timeout=DEADLINE)
        reader.join(DEADLINE)
        group.stdout.close()
    out = "".join(lines)
    assert group.returncode == 0, out
    assert "listeners sharing the group" in out
    assert out.count("listening on 127.0.0.1:1883 $share/") == 2
