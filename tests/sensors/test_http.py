"""Readings over HTTP: stored (201), replayed (200), refused with the reason (400, counted),
and nothing without the device's token (401). Reads are open; contacts are not."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tinhso.sensors.models import Device, Observation
from tinhso.sensors.rollups import roll_up

pytestmark = pytest.mark.django_db
URL = "/api/sensors/observations"


def post(client, body, token=None, header="Authorization"):
    headers = {}
    if token:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if header == "Authorization" else {
            "HTTP_X_DEVICE_TOKEN": token}  # fmt: skip
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **headers)


def normalised(device, when, **values):
    stamp = {"@type": "DateTime", "@value": when.isoformat()}
    return {
        "id": f"urn:ngsi-ld:AirQualityObserved:{device.device_id}-{when:%H%M}",
        "type": "AirQualityObserved",
        "dateObserved": {"type": "Property", "value": stamp},
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:{device.device_id}"},
        **{k: {"type": "Property", "value": v, "unitCode": "GQ"} for k, v in values.items()},
    }


def test_a_reading_is_stored_then_a_replay_changes_nothing(client, station):
    device, token = station
    when = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    first = post(client, normalised(device, when, pm25=35.2, pm10=51.0), token)
    assert first.status_code == 201, first.content
    assert first.json()["stored"] == 2 and first.json()["values"] == {"pm25": 35.2, "pm10": 51.0}
    again = post(client, normalised(device, when, pm25=35.2, pm10=51.0), token, "X-Device-Token")
    assert again.status_code == 200 and again.json()["replay"] is True
    assert Observation.objects.filter(device=device).count() == 2


def test_key_values_form_is_accepted(client, station):
    device, token = station
    body = {
        "id": "urn:ngsi-ld:AirQualityObserved:x",
        "type": "AirQualityObserved",
        "dateObserved": timezone.now().isoformat(),
        "refDevice": device.device_id,
        "no2": 40,
    }
    assert post(client, body, token).status_code == 201


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"type": "ParkingSpot"}, "unknown_type"),
        ({"type": "AirQualityObserved", "pm25": 1}, "no_time"),
        ("{not json", "not_json"),
    ],
)
def test_a_refusal_says_why_and_is_counted(client, station, body, code):
    device, token = station
    if isinstance(body, dict):
        body["refDevice"] = device.device_id
    answer = post(client, body, token)
    assert answer.status_code == 400
    assert answer.json()["code"] == code and answer.json()["detail"]
    assert Device.objects.get(pk=device.pk).refused_count == 1


def test_the_reason_names_the_attribute(client, station):
    device, token = station
    body = {"type": "AirQualityObserved", "refDevice": device.device_id, "pm25": "nhiều",
            "dateObserved": timezone.now().isoformat()}  # fmt: skip
    answer = post(client, body, token)
    assert answer.status_code == 400 and "pm25" in answer.json()["detail"]


def test_another_devices_payload_is_refused(client, station, register):
    device, token = station
    other, _other_token = register()
    body = normalised(other, timezone.now(), pm25=3)
    answer = post(client, body, token)
    assert answer.status_code == 400 and answer.json()["code"] == "wrong_device"
    assert not Observation.objects.filter(device=other).exists()


@pytest.mark.parametrize("token", [None, "tsd_wrong", "tsk_a-user-token"])
def test_without_the_devices_token_nothing_is_stored(client, station, token):
    device, _token = station
    answer = post(client, normalised(device, timezone.now(), pm25=3), token)
    assert answer.status_code == 401
    assert not Observation.objects.filter(device=device).exists()


def test_an_inactive_devices_token_no_longer_works(client, station):
    device, token = station
    Device.objects.filter(pk=device.pk).update(is_active=False)
    assert post(client, normalised(device, timezone.now(), pm25=3), token).status_code == 401


def test_stations_series_and_aqi_are_open_but_the_contact_is_not(client, register, token_for):
    device, token = register(contact="0276 3 822 111", device_id="open-aq-1")
    now = timezone.now().replace(microsecond=0)
    for hours in range(12):
        post(client, normalised(device, now - dt.timedelta(hours=hours), pm25=30.0), token)
    roll_up()
    stations = client.get("/api/sensors/devices?kind=air_quality").json()
    mine = next(s for s in stations if s["device_id"] == "open-aq-1")
    assert mine["values"] == {"pm25": 30.0} and mine["online"] is True
    assert "contact" not in mine and "token" not in json.dumps(stations)
    assert client.get("/api/sensors/devices/open-aq-1").json()["contact"] is None
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token_for('demo.admin')}"}
    assert (
        client.get("/api/sensors/devices/open-aq-1", **admin).json()["contact"] == "0276 3 822 111"
    )
    series = client.get("/api/sensors/devices/open-aq-1/series?property=pm25&period=hour").json()
    assert len(series) >= 11 and all(p["mean"] == 30.0 for p in series)
    # A constant 30 µg/m³: NowCast 30 → 50 + 50/25 × 5 = 60, "Trung bình", set by PM2.5.
    aqi = next(a for a in client.get("/api/sensors/aqi").json() if a["device_id"] == "open-aq-1")
    assert (aqi["aqi"], aqi["level"], aqi["pollutant"]) == (60, "moderate", "pm25")
    assert client.get("/api/sensors/devices/nobody").status_code == 404


def test_devices_are_registered_by_the_owners_steward_and_the_token_is_shown_once(
    client, token_for
):
    body = {"device_id": "api-noise-1", "kind": "noise", "name": "Máy đo tiếng ồn chợ",
            "lat": 10.535, "lon": 106.413, "owner": "SKHCN"}  # fmt: skip
    steward = {"HTTP_AUTHORIZATION": f"Bearer {token_for('demo.steward')}"}
    made = client.post("/api/sensors/devices", body, content_type="application/json", **steward)
    assert made.status_code == 201 and made.json()["token"].startswith("tsd_")
    assert made.json()["commune_name"]
    again = client.post("/api/sensors/devices", body, content_type="application/json", **steward)
    assert again.status_code == 409
    body |= {"device_id": "api-noise-2", "owner": "SXD"}
    other = client.post("/api/sensors/devices", body, content_type="application/json", **steward)
    assert other.status_code == 403


def test_the_open_reads_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # Whatever the number of stations and readings: devices, the latest times, their values.
    with django_assert_max_num_queries(6):
        assert client.get("/api/sensors/devices").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/sensors/aqi").status_code == 200
