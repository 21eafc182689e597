"""Readings over MQTT, published with paho to the real broker at 127.0.0.1:1883: stored
when the topic's device sent them, refused and counted otherwise. Each test listens on
a topic prefix of its own."""

from __future__ import annotations

import io
import json
import socket
import uuid

import pytest
from django.utils import timezone

from tinhso.sensors import mqtt
from tinhso.sensors.models import Device, DeviceKind, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.mqtt]
BROKER = mqtt.Broker("127.0.0.1", 1883)
DEADLINE = 20.0  # seconds to wait for the broker to deliver, not a measurement


@pytest.fixture
def listener(mosquitto):
    made = mqtt.Listener(mosquitto, prefix=f"test-{uuid.uuid4().hex[:12]}/sensors")
    made.start()
    yield made
    made.stop()


@pytest.fixture
def publisher():
    client = mqtt.client(BROKER)
    client.connect(BROKER.host, BROKER.port)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def send(publisher, listener, topic_device, body):
    name = f"{listener.prefix}/{body.get('type', 'AirQualityObserved')}/{topic_device}"
    publisher.publish(name, json.dumps(body), qos=1).wait_for_publish(DEADLINE)
    outcome = listener.process(timeout=DEADLINE)
    assert outcome is not None, "the broker delivered nothing"
    return outcome


def test_a_published_reading_is_stored(listener, publisher, register):
    device, _token = register(kind=DeviceKind.WATER_LEVEL)
    body = {
        "id": f"urn:ngsi-ld:WaterObserved:{device.device_id}",
        "type": "WaterObserved",
        "dateObserved": {"type": "Property", "value": timezone.now().isoformat()},
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:{device.device_id}"},
        "waterLevel": {"type": "Property", "value": 2.35, "unitCode": "MTR"},
    }
    outcome = send(publisher, listener, device.device_id, body)
    assert outcome.refusal is None and outcome.receipt.stored == 1
    stored = Observation.objects.get(device=device)
    assert (stored.property, stored.value) == ("waterLevel", 2.35)
    # The same message again (a QoS 1 redelivery): nothing new.
    assert send(publisher, listener, device.device_id, body).receipt.replay


def test_a_bad_payload_is_refused_and_counted(listener, publisher, register):
    device, _token = register()
    body = {"type": "AirQualityObserved", "refDevice": device.device_id, "pm25": "cao"}
    outcome = send(publisher, listener, device.device_id, body)
    assert outcome.refusal.code == "no_time"
    not_json = f"{listener.prefix}/AirQualityObserved/{device.device_id}"
    publisher.publish(not_json, b"\xff not json", qos=1).wait_for_publish(DEADLINE)
    assert listener.process(timeout=DEADLINE).refusal.code == "not_json"
    assert Device.objects.get(pk=device.pk).refused_count == 2
    assert not Observation.objects.filter(device=device).exists()


def test_a_device_cannot_write_as_another(listener, publisher, register):
    device, _token = register()
    other, _other_token = register()
    body = {"type": "AirQualityObserved", "refDevice": other.device_id, "pm25": 10,
            "dateObserved": timezone.now().isoformat()}  # fmt: skip
    outcome = send(publisher, listener, device.device_id, body)
    assert outcome.refusal.code == "wrong_device"
    unknown = send(publisher, listener, "not-registered", {**body, "refDevice": "not-registered"})
    assert unknown.refusal.code == "unknown_device"
    assert not Observation.objects.filter(device__in=[device, other]).exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_embedded_broker_carries_readings_and_stops(register):
    from tinhso.sensors.broker import start_embedded_broker

    port = free_port()
    broker = start_embedded_broker(port)
    try:
        local = mqtt.Broker("127.0.0.1", port)
        listener = mqtt.Listener(local, prefix="tinhso/sensors")
        listener.start()
        device, _token = register(kind=DeviceKind.NOISE)
        sender = mqtt.client(local)
        sender.connect(local.host, local.port)
        sender.loop_start()
        body = {"type": "NoiseLevelObserved", "refDevice": device.device_id, "LAeq": 64.5,
                "dateObserved": timezone.now().isoformat()}  # fmt: skip
        mqtt.publish(sender, "tinhso/sensors", device.device_id, body).wait_for_publish(DEADLINE)
        outcome = listener.process(timeout=DEADLINE)
        sender.disconnect()
        sender.loop_stop()
        listener.stop()
        assert outcome is not None and outcome.receipt.stored == 1
        assert Observation.objects.get(device=device).value == 64.5
    finally:
        broker.stop()
    assert not broker.thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_simulator_publishes_readings_the_listener_stores(listener):
    import threading

    from tinhso.sensors.simulator import BROKEN, run

    out = io.StringIO()
    stop = threading.Event()
    # Two rounds of every demo station (but the broken one), as fast as the broker takes them.
    sent = run(BROKER, listener.prefix, speed=1e9, step=600, hours=600 / 3600, stop=stop, out=out)
    assert sent == 2 * Device.objects.filter(is_demo=True).exclude(device_id__in=BROKEN).count()
    outcomes = [listener.process(timeout=DEADLINE) for _ in range(sent)]
    assert all(o is not None and o.refusal is None for o in outcomes), [
        o.refusal.message for o in outcomes if o and o.refusal
    ]
    kinds = {o.receipt.reading.entity_type for o in outcomes}
    assert kinds == {"AirQualityObserved", "WeatherObserved", "WaterObserved",
                     "TrafficFlowObserved", "NoiseLevelObserved"}  # fmt: skip
