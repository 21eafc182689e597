"""Storage of raw readings at scale: monthly partitions on PostgreSQL, closed months
archived to the warehouse as Parquet (queryable through the SQL sandbox), retention by
whole archived months."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.ioc.archive import SLUG, archive_closed_months
from tinhso.sensors import actions, months, partitions
from tinhso.sensors.models import ArchivedMonth, DeviceKind, Observation, Rollup
from tinhso.sensors.readings import months_to_archive
from tinhso.sensors.rollups import roll_up
from tinhso.warehouse import sandbox
from tinhso.warehouse.models import Dataset

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="monthly partitions exist only on PostgreSQL; SQLite keeps one table",
)
ZONE = timezone.get_current_timezone()


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args), ZONE)


def readings(device, month: dt.date, hours: int, prop: str = "pm25", base: float = 10.0):
    """One value an hour from the month's first local midnight, plus one in its last
    minute (so the month's edge is covered)."""
    start, end = months.bounds(month)
    rows = [
        Observation(device=device, observed_at=start + dt.timedelta(hours=h), property=prop,
                    value=base + h / 4)
        for h in range(hours)
    ] + [Observation(device=device, observed_at=end - dt.timedelta(minutes=1), property=prop,
                     value=base)]  # fmt: skip
    actions.store_backfill(rows)
    return rows


def partition_of(**lookups) -> set[str]:
    rows = Observation.objects.filter(**lookups).values_list("pk", flat=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM sensors_observation WHERE id = ANY(%s)",
            [list(rows)],
        )
        return {row[0] for row in cursor.fetchall()}


@on_postgres
def test_the_table_is_partitioned_by_month_and_rows_go_to_their_month(station):
    device, _raw = station
    assert partitions.partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'sensors_observation'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, observed_at)"
    now = timezone.now()
    partitions.ensure(now)
    names = {p.name for p in partitions.existing()}
    this = months.of(now)
    ahead = months.shift(this, 2)
    assert {partitions.name(this), partitions.name(ahead), partitions.DEFAULT} <= names

    actions.store_backfill([Observation(device=device, observed_at=now, property="pm25", value=1)])
    assert partition_of(device=device, observed_at=now) == {partitions.name(this)}


@on_postgres
def test_rows_outside_every_partition_wait_in_default_and_move_out_when_it_is_made(station):
    device, _raw = station
    far = dt.date(2030, 3, 1)
    readings(device, far, hours=5)
    assert partition_of(device=device) == {partitions.DEFAULT}

    created = partitions.ensure(local(2030, 3, 10))
    made = {"sensors_observation_p2030_03", "sensors_observation_p2030_04",
            "sensors_observation_p2030_05"}  # fmt: skip
    assert made <= set(created)  # and any month other rows left in DEFAULT
    assert partition_of(device=device) == {"sensors_observation_p2030_03"}
    assert Observation.objects.filter(device=device).count() == 6
    assert partitions.ensure(local(2030, 3, 10)) == []  # again: nothing to create


def test_creating_partitions_ahead_is_idempotent_and_harmless_on_sqlite():
    partitions.ensure()
    assert partitions.ensure() == []


def _sums_in_the_database(device_ids, month):
    start, end = months.bounds(month)
    return {
        (row["device__device_id"], row["property"]): (row["n"], pytest.approx(row["total"]))
        for row in Observation.objects.filter(
            device__in=device_ids, observed_at__gte=start, observed_at__lt=end
        )
        .values("device__device_id", "property")
        .annotate(n=Count("id"), total=Sum("value"))
    }


def test_a_closed_month_is_archived_to_parquet_and_queried_through_the_sandbox(register):
    water, _ = register(kind=DeviceKind.WATER_LEVEL)
    air, _ = register(lat=0.0, lon=0.0)  # outside the province: no commune
    june = dt.date(2026, 6, 1)
    readings(water, june, hours=30, prop="waterLevel", base=1.0)
    readings(air, june, hours=12)
    readings(air, dt.date(2026, 7, 1), hours=3)  # July is still open on 3 July
    assert june not in months_to_archive(local(2026, 7, 2, 23, 0))  # within the grace

    done = archive_closed_months(Actor.system("tests"), now=local(2026, 7, 3, 0, 0))
    assert [(a.month, a.rows) for a in done] == [(june, 31 + 13)]
    archived = ArchivedMonth.objects.get(month=june)
    dataset = Dataset.objects.get(slug=SLUG)
    version = next(v for v in dataset.live_versions() if v.part == "month=2026-06")
    assert version.rows == archived.rows == 44 and version.source_sha256 == archived.sha256
    assert dataset.access == "open"
    con = duckdb.connect()
    parquet = f"read_parquet('{version.path}')"
    assert con.execute(f"SELECT count(*) FROM {parquet}").fetchone()[0] == 44  # noqa: S608
    assert (
        con.execute(
            f"SELECT count(*) FROM {parquet} WHERE device_id = '{air.device_id}' "  # noqa: S608
            "AND commune_code IS NULL"
        ).fetchone()[0]
        == 13
    )
    first = con.execute(f"SELECT min(observed_at)::VARCHAR FROM {parquet}").fetchone()[0]  # noqa: S608
    assert first == "2026-05-31 17:00:00"  # local midnight of 1 June, in UTC
    con.close()

    anyone = Actor.citizen("203.0.113.9")
    sql = (
        f'SELECT month, device_id, property, count(*), sum(value) FROM "{SLUG}" '  # noqa: S608
        f"WHERE device_id IN ('{water.device_id}', '{air.device_id}') GROUP BY ALL"
    )
    answer = sandbox.run(anyone, sql)
    got = {(r[1], r[2]): (r[3], r[4]) for r in answer.rows if r[0] == "2026-06"}
    assert got == _sums_in_the_database([water, air], june)
    assert AuditEntry.objects.filter(action="sensors.archive_month", object_id=str(archived.pk))

    # Again: nothing written. A late reading: the month is written again, not added twice.
    assert archive_closed_months(Actor.system("tests"), now=local(2026, 7, 4)) == []
    actions.store_backfill([Observation(device=air, observed_at=local(2026, 6, 20, 8),
                                        property="pm25", value=1000.0)])  # fmt: skip
    again = archive_closed_months(Actor.system("tests"), now=local(2026, 7, 20))
    assert [(a.month, a.rows) for a in again] == [(june, 45)]
    answer = sandbox.run(anyone, sql)
    got = {(r[1], r[2]): (r[3], r[4]) for r in answer.rows if r[0] == "2026-06"}
    assert got == _sums_in_the_database([water, air], june)
    assert got[(air.device_id, "pm25")][0] == 14

    out = io.StringIO()
    call_command("sensors", "storage", stdout=out)
    june_line = next(line for line in out.getvalue().splitlines() if line.startswith("2026-06"))
    assert f"45 → {SLUG} v" in june_line and "archived" in june_line


def test_retention_removes_only_months_archived_whole_and_rolled_up(register, settings):
    settings.TINHSO_SENSOR_RETENTION_DAYS = 30
    device, _ = register()
    may, june, july = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)
    for month in (may, june, july):
        readings(device, month, hours=6)
    partitions.ensure(local(2026, 5, 2))  # PostgreSQL: May to July get their partitions
    mine = Observation.objects.filter(device=device)
    later = local(2026, 8, 15)  # cutoff 16 July: May and June are past it, July is not

    assert actions.purgeable(later) == []  # not archived yet
    archive_closed_months(Actor.system("tests"), now=local(2026, 7, 5))  # May and June
    assert actions.purgeable(later) == []  # archived, not yet rolled up
    roll_up()
    actions.store_backfill([Observation(device=device, observed_at=local(2026, 5, 9),
                                        property="pm25", value=3.0)])  # fmt: skip
    roll_up()  # May now holds a reading its archive lacks

    purged = actions.purge_raw(now=later)
    assert purged.months == [june]
    assert (
        mine.filter(observed_at__month=6).count(),
        mine.filter(observed_at__month=5).count(),
        mine.filter(observed_at__month=7).count(),
    ) == (0, 8, 7)
    assert Rollup.objects.filter(device=device, period="day", start__month=6).exists()
    if connection.vendor == "postgresql":
        assert purged.partitions == ["sensors_observation_p2026_06"]
        assert partitions.name(june) not in {p.name for p in partitions.existing()}
    else:
        assert purged.partitions == []
    assert AuditEntry.objects.filter(action="sensors.purge_raw").count() >= 1
