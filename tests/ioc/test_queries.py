"""The leader's screens read a fixed number of SQL queries, whatever the size of the
province's data: the count is pinned at the demo's size, and stays the same once many
more reports, sensor readings and values by commune are added."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.agencies.models import User
from tinhso.feedback.models import Field, Report, Status
from tinhso.ioc.models import Indicator, IndicatorValue
from tinhso.sensors.models import Device, DeviceKind, Observation
from tinhso.sensors.rollups import roll_up
from tinhso.units.models import Commune

pytestmark = pytest.mark.django_db

# Page → SQL queries for the leader (session, user and roles included).
PINNED = {
    "/ioc/": 19,
    "/ioc/live/": 15,
    "/ioc/sector/environment/": 14,  # its map layers: the datasets with a place, in one
}


def queries(path: str) -> int:
    client = Client()
    client.force_login(User.objects.get(username="demo.leader"))
    client.get(path)  # the first view of a session may set things up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def add_reports(count: int) -> None:
    """Reports in every commune over the last weeks: open, overdue, answered, rated."""
    fields = list(Field.objects.filter(is_active=True))
    communes = list(Commune.objects.filter(province__code="80"))
    now = timezone.now()
    rows = []
    for i in range(count):
        received = now - dt.timedelta(hours=7 * i + 1)
        answered = received + dt.timedelta(hours=30) if i % 3 else None
        rows.append(
            Report(
                text=f"Phản ánh thử số {i}",
                field=fields[i % len(fields)],
                channel="web",
                status=Status.CLOSED if answered else Status.ASSIGNED,
                commune=communes[i % len(communes)],
                deadline=received + dt.timedelta(days=1),
                answered_at=answered,
                closed_at=answered,
                rating=4 if answered else None,
            )
        )
    Report.objects.bulk_create(rows)


def add_readings(hours: int) -> None:
    """Readings every ten minutes of the last `hours` hours from every air station, some
    already folded into the roll-ups and some not yet."""
    now = timezone.now()
    stations = list(Device.objects.filter(kind=DeviceKind.AIR_QUALITY, is_active=True))
    rows = [
        Observation(device=d, observed_at=now - dt.timedelta(minutes=m), property=p, value=v)
        for d in stations
        for m in range(7, hours * 60, 10)
        for p, v in (("pm25", 40.0 + m % 17), ("pm10", 70.0), ("o3", 30.0), ("no2", 20.0))
    ]
    Observation.objects.bulk_create(rows, ignore_conflicts=True)
    roll_up(now - dt.timedelta(minutes=90))


def add_values_by_commune(periods: int) -> None:
    """Values of the map's and the sector's indicators in every commune for more days."""
    communes = list(Commune.objects.filter(province__code="80"))
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    indicators = Indicator.objects.filter(sector="environment")
    IndicatorValue.objects.filter(indicator__in=indicators).delete()
    rows = []
    for indicator in indicators:
        for n in range(periods):
            day = today - dt.timedelta(days=n)
            rows.append(
                IndicatorValue(indicator=indicator, period_start=day, value=n, computed_at=day)
            )
            rows += [
                IndicatorValue(
                    indicator=indicator, period_start=day, commune=c, value=n, computed_at=day
                )
                for c in communes
            ]
    IndicatorValue.objects.bulk_create(rows)


def test_the_leaders_screens_read_a_pinned_number_of_queries():
    assert {path: queries(path) for path in PINNED} == PINNED


def test_more_data_does_not_mean_more_queries():
    before = {path: queries(path) for path in PINNED}
    reports, readings = Report.objects.count(), Observation.objects.count()
    add_reports(300)
    add_readings(hours=6)
    add_values_by_commune(periods=30)
    assert Report.objects.count() == reports + 300
    assert Observation.objects.count() > readings
    assert {path: queries(path) for path in PINNED} == before
    client = Client()
    client.force_login(User.objects.get(username="demo.leader"))
    page = client.get("/ioc/sector/environment/").content.decode()
    communes = Commune.objects.filter(province__code="80").values_list("code", flat=True)
    assert all(f"/ioc/commune/{code}/" in page for code in communes)
