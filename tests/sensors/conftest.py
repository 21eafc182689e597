"""A registered device and its token, for the sensors tests."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from tinhso.agencies.models import Agency
from tinhso.sensors import actions, mqtt
from tinhso.sensors.models import DeviceKind


@pytest.fixture
def register(system):
    """Register a device of a kind at a point in Tây Ninh; returns (device, raw token)."""

    def make(kind=DeviceKind.AIR_QUALITY, lat=10.535, lon=106.413, **fields):
        draft = actions.DeviceDraft(
            device_id=fields.pop("device_id", f"test-{uuid.uuid4().hex[:10]}"),
            kind=kind,
            name=fields.pop("name", "Trạm thử"),
            lat=lat,
            lon=lon,
            owner=fields.pop("owner", None) or Agency.objects.get(code="SNNMT"),
            **fields,
        )
        return actions.register_device(system, draft)

    return make


@pytest.fixture
def station(register):
    return register()


@pytest.fixture(scope="session")
def mosquitto() -> mqtt.Broker:
    """The machine's Mosquitto at 127.0.0.1:1883. A fresh machine (the README's `make
    test`) may have none: the test is skipped; CI has one and says so
    (TINHSO_TEST_MQTT=required), and there a missing broker is a failure, not a skip."""
    broker = mqtt.Broker("127.0.0.1", 1883)
    try:
        socket.create_connection((broker.host, broker.port), timeout=2).close()
    except OSError:
        if os.environ.get("TINHSO_TEST_MQTT") == "required":
            pytest.fail("no MQTT broker at 127.0.0.1:1883, and .ci/run requires one")
        pytest.skip("no MQTT broker at 127.0.0.1:1883")
    return broker
