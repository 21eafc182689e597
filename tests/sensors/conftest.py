"""A registered device and its token, for the sensors tests."""

from __future__ import annotations

import uuid

import pytest

from tinhso.agencies.models import Agency
from tinhso.sensors import actions
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
