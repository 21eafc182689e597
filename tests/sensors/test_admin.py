"""A device's token typed in the admin is stored as its hash and never shown or logged."""

from __future__ import annotations

import pytest

from tinhso.agencies.models import Agency
from tinhso.core.models import AuditEntry
from tinhso.sensors import actions
from tinhso.sensors.models import Device

pytestmark = pytest.mark.django_db
TOKEN = "tsd_" + "k" * 40


def test_a_token_typed_in_the_admin_is_hashed_and_never_shown(admin_client):
    form = {
        "device_id": "admin-wl-1",
        "kind": "water_level",
        "name": "Trạm mực nước cầu",
        "lat": "10.535",
        "lon": "106.413",
        "owner": Agency.objects.get(code="SNNMT").pk,
        "expected_interval": "900",
        "is_active": "on",
        "token_hash": TOKEN,
        "refused_count": "0",
    }
    answer = admin_client.post("/admin/sensors/device/add/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    device = Device.objects.get(device_id="admin-wl-1")
    assert device.token_hash == actions.token_digest(TOKEN) and device.commune is not None
    assert actions.device_for_token(TOKEN) == device
    page = admin_client.get(f"/admin/sensors/device/{device.pk}/change/").content.decode()
    assert TOKEN not in page and device.token_hash not in page
    entry = AuditEntry.objects.get(action="admin.add", object_id=str(device.pk))
    assert TOKEN not in str(entry.after) and device.token_hash not in str(entry.after)
    form["token_hash"] = "short"
    refused = admin_client.post(f"/admin/sensors/device/{device.pk}/change/", form)
    assert refused.status_code == 200 and "tsd_" in refused.content.decode()
