"""The demo stations and their week of history; the read interface the operations centre
uses (latest values, series, VN_AQI now and per day, stations gone quiet)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from tinhso.sensors import actions, demo, readings
from tinhso.sensors.models import Device, DeviceKind, Observation, Rollup

pytestmark = pytest.mark.django_db


def test_the_demo_step_placed_a_dozen_stations_in_the_province_with_a_week_of_data(system):
    # The session's `tinhso demo` ran the step already; running it again adds nothing.
    stations = Device.objects.filter(is_demo=True)
    assert stations.count() == len(demo.STATIONS) == 12
    assert {s.kind for s in stations} == set(DeviceKind.values)
    assert all(s.commune is not None and s.commune.province.code == "80" for s in stations)
    before = Observation.objects.count()
    out = io.StringIO()
    from tinhso.units.models import Province

    demo.build(system, Province.objects.get(code="80"), out.write)
    assert Observation.objects.count() == before
    first = Observation.objects.filter(device__device_id="demo-aq-01").earliest("observed_at")
    assert timezone.now() - first.observed_at >= dt.timedelta(days=demo.DAYS)
    assert Rollup.objects.filter(device__device_id="demo-aq-01", period="day").count() >= 7


def test_the_smog_episode_and_the_flood_are_in_the_history():
    days = [timezone.localdate() - dt.timedelta(days=d) for d in range(7, 0, -1)]
    daily = [readings.aqi_day("demo-aq-01", day) for day in days]
    assert max(a.value for a in daily if a) > 150  # a "Xấu" day
    assert min(a.value for a in daily if a) <= 100
    levels = readings.series(
        "demo-wl-01", "waterLevel", timezone.now() - dt.timedelta(days=7), timezone.now(), "hour"
    )
    assert max(p.maximum for p in levels) - min(p.minimum for p in levels) > 1.5


def test_latest_and_aqi_now_name_station_band_colour_and_pollutant():
    latest = {item.station.device_id: item for item in readings.latest(DeviceKind.AIR_QUALITY)}
    assert {"pm25", "pm10", "o3", "no2", "so2", "co"} <= set(latest["demo-aq-01"].values)
    now = readings.aqi_now()
    assert set(now) >= {"demo-aq-01", "demo-aq-05"}
    one = now["demo-aq-01"]
    assert one.colour.startswith("#") and one.pollutant in {"pm25", "pm10", "o3", "no2"}
    assert one.station.commune_name


def test_a_station_is_offline_after_three_missed_intervals(register):
    device, _token = register(expected_interval=600)
    assert device.device_id in {s.device_id for s in readings.offline_devices()}  # never heard
    seen = timezone.now()
    Device.objects.filter(pk=device.pk).update(last_seen_at=seen)
    assert device.device_id not in {
        s.device_id for s in readings.offline_devices(now=seen + dt.timedelta(seconds=1800))
    }
    assert device.device_id in {
        s.device_id for s in readings.offline_devices(now=seen + dt.timedelta(seconds=1801))
    }


def test_series_reads_raw_rows_or_roll_ups(station):
    device, _token = station
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    for minutes in (0, 30):
        body = {"type": "AirQualityObserved", "refDevice": device.device_id, "pm10": minutes,
                "dateObserved": (start + dt.timedelta(minutes=minutes)).isoformat()}  # fmt: skip
        actions.receive(body, device=device)
    end = timezone.now()
    assert [p.mean for p in readings.series(device, "pm10", start, end, "raw")] == [0, 30]
    assert readings.series(device, "pm10", start, end, "hour") == []  # not rolled up yet
    with pytest.raises(ValueError):
        readings.series(device, "pm10", start, end, "week")
