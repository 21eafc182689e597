"""Readings stored whole and once; refusals counted; hourly and daily roll-ups kept
incrementally; raw rows purged after the retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.sensors import actions
from tinhso.sensors.models import Device, Observation, Rollup
from tinhso.sensors.payloads import Refusal
from tinhso.sensors.rollups import roll_up

pytestmark = pytest.mark.django_db


def payload(device, when, **values):
    return {"type": "AirQualityObserved", "refDevice": device.device_id,
            "dateObserved": when.isoformat(), **values}  # fmt: skip


def test_registering_finds_the_commune_keeps_only_a_hash_and_is_audited(register):
    device, raw = register(lat=10.535, lon=106.413)
    assert raw.startswith("tsd_") and raw not in device.token_hash
    assert device.commune is not None and device.commune.province.code == "80"
    assert actions.device_for_token(raw) == device
    entry = AuditEntry.objects.get(action="sensors.register_device", object_id=str(device.pk))
    assert raw not in str(entry.after) and "token_hash" in entry.after


def test_a_reading_is_stored_once(station):
    device, _raw = station
    when = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    first = actions.receive(
        payload(device, when, pm25=30.5, pm10=44), topic_device=device.device_id
    )
    again = actions.receive(
        payload(device, when, pm25=30.5, pm10=44), topic_device=device.device_id
    )
    assert (first.stored, again.stored, again.replay) == (2, 0, True)
    assert Observation.objects.filter(device=device).count() == 2
    assert Device.objects.get(pk=device.pk).last_seen_at is not None


def test_refusals_are_counted_on_the_device(station):
    device, _raw = station
    with pytest.raises(Refusal):
        actions.receive(payload(device, timezone.now(), pm25="cao"), topic_device=device.device_id)
    with pytest.raises(Refusal) as wrong:
        actions.receive({"type": "WaterObserved", "refDevice": device.device_id,
                         "dateObserved": timezone.now().isoformat(), "waterLevel": 1.2},
                        topic_device=device.device_id)  # fmt: skip
    assert wrong.value.code == "wrong_type"
    device.refresh_from_db()
    assert device.refused_count == 2 and device.last_refusal
    assert not Observation.objects.filter(device=device).exists()


def test_a_payload_for_another_device_or_an_unknown_one_is_refused(station):
    device, _raw = station
    with pytest.raises(Refusal) as other:
        actions.receive(payload(device, timezone.now(), pm25=1), topic_device="someone-else")
    assert other.value.code == "wrong_device"
    ghost = Device(device_id="ghost-42")
    with pytest.raises(Refusal) as unknown:
        actions.receive(payload(ghost, timezone.now(), pm25=1))
    assert unknown.value.code == "unknown_device"


def test_roll_ups_are_incremental_and_recomputed_per_bucket(station):
    device, _raw = station
    hour = timezone.localtime(timezone.now() - dt.timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0
    )
    for minute, value in ((0, 10.0), (20, 20.0), (40, 30.0)):
        actions.receive(payload(device, hour + dt.timedelta(minutes=minute), pm25=value))
    roll_up()
    hourly = Rollup.objects.get(device=device, property="pm25", period="hour")
    assert (hourly.start, hourly.minimum, hourly.maximum, hourly.count) == (hour, 10, 30, 3)
    assert hourly.mean == pytest.approx(20.0)
    # A late reading in the same hour: the next run recomputes that hour and its day.
    actions.receive(payload(device, hour + dt.timedelta(minutes=50), pm25=60.0))
    roll_up()
    hourly.refresh_from_db()
    assert (hourly.maximum, hourly.count, hourly.mean) == (60, 4, pytest.approx(30.0))
    daily = Rollup.objects.get(device=device, property="pm25", period="day")
    assert daily.count == 4 and daily.start == hour.replace(hour=0)
    assert roll_up() >= 0  # nothing new: harmless


def test_raw_rows_past_the_retention_are_purged_once_rolled_up_and_archived(station, settings):
    from tinhso.core.actors import Actor
    from tinhso.ioc.archive import archive_closed_months

    device, _raw = station
    settings.TINHSO_SENSOR_RETENTION_DAYS = 2
    when = timezone.now() - dt.timedelta(days=1)
    actions.receive(payload(device, when, pm25=12.0))
    later = timezone.now() + dt.timedelta(days=70)  # its month is over, and the next one
    mine = Observation.objects.filter(device=device)
    actions.purge_raw(now=later)
    assert mine.count() == 1  # not rolled up nor archived yet: kept
    roll_up()
    actions.purge_raw(now=later)
    assert mine.count() == 1  # rolled up, not archived: kept
    archive_closed_months(Actor.system("tests"), now=later)
    actions.purge_raw(now=later)
    assert mine.count() == 0
    assert Rollup.objects.filter(device=device, period="hour").exists()
