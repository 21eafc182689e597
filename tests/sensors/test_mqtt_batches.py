"""Batched MQTT intake: a batch of messages is read, checked and stored in one
transaction; bad payloads are refused with their reasons and counted on their devices;
a replayed batch stores nothing new; a deactivated device is refused once the listener's
device cache notices. End to end through the real Mosquitto at 127.0.0.1:1883 and the
embedded broker, and directly through `actions.receive_many`."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
import uuid

import pytest
from django.utils import timezone

from tinhso.sensors import actions, mqtt
from tinhso.sensors.models import Device, DeviceKind, Observation

pytestmark = [pytest.mark.django_db]
DEADLINE = 20.0  # seconds to wait for the broker to deliver, not a measurement


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module", params=["mosquitto", "embedded"])
def broker(request):
    if request.param == "embedded":
        from tinhso.sensors.broker import start_embedded_broker

        port = free_port()
        running = start_embedded_broker(port)
        yield mqtt.Broker("127.0.0.1", port)
        running.stop()
        return
    yield request.getfixturevalue("mosquitto")


@pytest.fixture
def listener(broker):
    made = mqtt.Listener(broker, prefix=f"test-{uuid.uuid4().hex[:12]}/sensors", batch_wait=0.2)
    made.start()
    yield made
    made.stop()


@pytest.fixture
def publisher(broker):
    client = mqtt.client(broker)
    client.connect(broker.host, broker.port)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def reading(device_id: str, at: dt.datetime, **values) -> dict:
    return {
        "type": "AirQualityObserved",
        "refDevice": f"urn:ngsi-ld:Device:{device_id}",
        "dateObserved": at.isoformat(),
        **(values or {"pm25": 12.5, "pm10": 30.0}),
    }


def collect(listener: mqtt.Listener, count: int) -> list[mqtt.Outcome]:
    """Store batches until `count` messages have been handled."""
    outcomes: list[mqtt.Outcome] = []
    deadline = time.monotonic() + DEADLINE
    while len(outcomes) < count and time.monotonic() < deadline:
        outcomes += listener.process_batch(timeout=1.0)
    return outcomes


@pytest.mark.mqtt
def test_a_mixed_batch_stores_the_valid_and_refuses_the_bad(listener, publisher, register):
    sender, _token = register()
    noise, _token = register(kind=DeviceKind.NOISE)
    now = timezone.now()
    good = [reading(sender.device_id, now - dt.timedelta(minutes=m)) for m in range(3)]
    no_time = {"type": "AirQualityObserved", "refDevice": sender.device_id, "pm25": 3}
    messages = [(sender.device_id, "AirQualityObserved", body) for body in good] + [
        (sender.device_id, "AirQualityObserved", no_time),
        # another device's payload on this device's topic
        (sender.device_id, "AirQualityObserved", reading(noise.device_id, now)),
        # not JSON, on the noise meter's topic
        (noise.device_id, "NoiseLevelObserved", b"\xff{"),
        # a noise meter sending air quality
        (noise.device_id, "AirQualityObserved", reading(noise.device_id, now)),
        # nobody registered this one
        ("not-registered", "AirQualityObserved", reading("not-registered", now)),
    ]
    for device_id, entity_type, body in messages:
        name = mqtt.topic(listener.prefix, entity_type, device_id)
        raw = body if isinstance(body, bytes) else json.dumps(body)
        publisher.publish(name, raw, qos=1).wait_for_publish(DEADLINE)

    outcomes = collect(listener, len(messages))

    assert len(outcomes) == len(messages), "the broker delivered too little"
    stored = [o.receipt.stored for o in outcomes if o.receipt is not None]
    refused = sorted(o.refusal.code for o in outcomes if o.refusal is not None)
    assert stored == [2, 2, 2]
    assert refused == ["no_time", "not_json", "unknown_device", "wrong_device", "wrong_type"]
    assert Observation.objects.filter(device=sender).count() == 6
    assert not Observation.objects.filter(device=noise).exists()
    sender.refresh_from_db()
    noise.refresh_from_db()
    assert (sender.refused_count, noise.refused_count) == (2, 2)
    assert sender.last_seen_at is not None and noise.last_seen_at is None
    assert noise.last_refusal and noise.last_refused_at is not None


def deliveries(device: Device, times: list[dt.datetime]) -> list[actions.Delivery]:
    return [actions.Delivery(device.device_id, reading(device.device_id, at)) for at in times]


def test_a_replayed_batch_stores_nothing_new(register):
    device, _token = register()
    now = timezone.now()
    times = [now - dt.timedelta(seconds=s) for s in range(5)]
    cache = actions.DeviceCache(ttl=60)
    # The first reading twice in the same batch (a QoS 1 redelivery): stored once.
    first = actions.receive_many(deliveries(device, [times[0], *times]), cache)
    assert [r.stored for r in first] == [2, 0, 2, 2, 2, 2]

    again = actions.receive_many(deliveries(device, times), cache)

    assert all(isinstance(r, actions.Receipt) and r.replay for r in again)
    assert Observation.objects.filter(device=device).count() == 10
    # A reading with one value already stored and one new stores the new one only.
    grown = reading(device.device_id, times[0], pm25=99.0, pm10=30.0, no2=4.0)
    (receipt,) = actions.receive_many([actions.Delivery(device.device_id, grown)], cache)
    assert receipt.stored == 1
    kept = Observation.objects.get(device=device, observed_at=times[0], property="pm25")
    assert kept.value == 12.5


def test_a_deactivated_device_is_refused_once_the_cache_notices(register):
    device, _token = register()
    clock = [1000.0]
    cache = actions.DeviceCache(ttl=5, clock=lambda: clock[0])
    now = timezone.now()
    (stored,) = actions.receive_many(deliveries(device, [now]), cache)
    assert stored.stored == 2
    Device.objects.filter(pk=device.pk).update(is_active=False)  # in the admin

    clock[0] += 4.9  # within the cache's trust: still stored
    (late,) = actions.receive_many(deliveries(device, [now - dt.timedelta(seconds=1)]), cache)
    clock[0] += 0.2  # the entry expires: looked up again
    (refused,) = actions.receive_many(deliveries(device, [now - dt.timedelta(seconds=2)]), cache)

    assert isinstance(late, actions.Receipt) and late.stored == 2
    assert isinstance(refused, actions.Refusal) and refused.code == "unknown_device"
    assert Observation.objects.filter(device=device).count() == 4


def test_one_lookup_per_batch_for_the_devices_not_seen_lately(
    register, django_assert_max_num_queries
):
    devices = [register()[0] for _ in range(5)]
    now = timezone.now()
    batch = [
        d for device in devices for d in deliveries(device, [now, now - dt.timedelta(seconds=1)])
    ]
    cache = actions.DeviceCache(ttl=60)
    # One lookup, the transaction's INSERT and one UPDATE of last_seen_at (+ savepoints).
    with django_assert_max_num_queries(5):
        receipts = actions.receive_many(batch, cache)
    assert sum(r.stored for r in receipts) == 20
    with django_assert_max_num_queries(4):  # the devices are cached now
        actions.receive_many(
            [d for device in devices for d in deliveries(device, [now - dt.timedelta(seconds=2)])],
            cache,
        )
