"""The sensors as a source of the operations centre: the daily VN_AQI of the demo's
air-quality stations as an indicator (each place's worst station), with its provenance, and
the air quality now on the leader's overview."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.agencies.models import User
from tinhso.ioc import sources
from tinhso.ioc.computation import compute
from tinhso.ioc.models import Indicator, IndicatorValue
from tinhso.sensors import readings

pytestmark = pytest.mark.django_db


def test_the_daily_aqi_is_each_places_worst_station():
    indicator = Indicator.objects.get(code="aqi-tram")
    assert compute(indicator).error == ""
    latest = IndicatorValue.objects.filter(indicator=indicator, commune=None).latest("period_start")
    day = timezone.localtime(latest.period_start).date()
    by_station = {
        s.device_id: readings.aqi_day(s.device_id, day) for s in readings.stations("air_quality")
    }
    values = [index.value for index in by_station.values() if index is not None]
    assert values and latest.value == max(values)
    by_commune = IndicatorValue.objects.filter(
        indicator=indicator, period_start=latest.period_start, commune__isnull=False
    )
    assert by_commune.count() >= 2
    assert max(v.value for v in by_commune) == latest.value
    assert latest.provenance["kind"] == "sensors"
    assert latest.provenance["stations"]


def test_a_sensors_source_needs_a_known_measure():
    with pytest.raises(sources.SourceError):
        sources.validate("sensors", {"measure": "pm25-by-moonlight"})
    sources.validate("sensors", {"measure": "aqi"})


def test_the_overview_shows_the_air_quality_now():
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(User.objects.get(username="demo.leader"))
    page = client.get("/ioc/").content.decode()
    assert "Chất lượng không khí hiện tại" in page
    now = readings.aqi_now()  # the demo's week of readings ends as the tests begin
    worst = max(now.values(), key=lambda s: s.value)
    assert f">{worst.value}</span>" in page
