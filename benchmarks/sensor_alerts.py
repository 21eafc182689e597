"""Evaluating the sensor alert rules with a month of readings from many stations.

    python benchmarks/sensor_alerts.py [--database sqlite|postgres] [--stations 40]
                                       [--days 14] [--every 5] [--repeat 7]

Builds a throw-away installation (demo province, its twelve stations and their week of
hourly readings) in a temporary data folder (and, for PostgreSQL, a fresh database on
127.0.0.1:5432), times `alerts.evaluate` of the demo's three sensor rules (PM2.5 above
80 µg/m³ for 60 minutes, water level +0.5 m within 60 minutes, stations gone quiet) at
the demo's size — the baseline, measured in the same run —, then adds `--stations`
air-quality and as many water-level stations reading every `--every` minutes for
`--days` days (one property each: PM2.5, water level) and times the same call again.
Each figure is the median of `--repeat` runs after one warm-up, with the number of SQL
queries beside it; the query plan of the readings' query is printed once.

Goal: one evaluation of the three rules < 1 s (it runs every five minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup(database: str) -> dict[str, str]:
    os.environ.pop("DATABASE_URL", None)
    env = throwaway.installation("sensoralerts", database)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)
    return env


def grow(stations: int, days: int, every: int) -> int:
    """Register the stations and bulk-insert their readings; returns the rows added."""
    from django.utils import timezone

    from tinhso.agencies.models import Agency
    from tinhso.core.actors import Actor
    from tinhso.sensors import actions
    from tinhso.sensors.models import Device, Observation
    from tinhso.units import province

    actor = Actor.system("benchmark")
    owner = Agency.objects.get(code="SNNMT")
    communes = list(province.home().communes.filter(lat__isnull=False).order_by("code"))
    now = timezone.now().replace(second=0, microsecond=0)
    rng = random.Random(7)
    added = 0
    for i in range(stations):
        for kind, prop, base, spread in (
            ("air_quality", "pm25", 30.0, 10.0),
            ("water_level", "waterLevel", 1.3, 0.1),
        ):
            commune = communes[(i * 7) % len(communes)]
            draft = actions.DeviceDraft(
                device_id=f"bench-{kind[:2]}-{i:04d}",
                kind=kind,
                name=f"Trạm {kind} {i}",
                lat=commune.lat,
                lon=commune.lon,
                owner=owner,
                expected_interval=every * 60,
            )
            device = actions.register_device(actor, draft)[0]
            steps = days * 24 * 60 // every
            rows = [
                Observation(
                    device=device,
                    observed_at=now - dt.timedelta(minutes=every * k),
                    property=prop,
                    value=round(base + rng.gauss(0, spread), 2),
                )
                for k in range(steps)
            ]
            actions.store_backfill(rows)
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
            added += len(rows)
    return added


def timed(repeat: int) -> tuple[float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tinhso.ioc import alerts
    from tinhso.ioc.models import AlertRule

    rules = list(AlertRule.objects.filter(kind__startswith="sensor_"))
    alerts.evaluate(rules=rules)  # warm-up (opens what it finds; later runs refresh)
    runs = []
    queries = 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            alerts.evaluate(now=timezone.now(), rules=rules)
            runs.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    return statistics.median(runs), queries


def plan() -> str:
    from django.utils import timezone

    from tinhso.sensors.models import Device, Observation

    ids = list(Device.objects.filter(kind="air_quality").values_list("pk", flat=True))
    now = timezone.now()
    query = Observation.objects.filter(
        device_id__in=ids, property="pm25", observed_at__gte=now - dt.timedelta(minutes=75)
    ).order_by("device_id", "observed_at")
    return query.explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--stations", type=int, default=40)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--every", type=int, default=5, help="minutes between readings")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    env = setup(args.database)
    try:
        from tinhso.sensors.models import Observation

        base, base_queries = timed(args.repeat)
        rows_before = Observation.objects.count()
        started = time.perf_counter()
        added = grow(args.stations, args.days, args.every)
        loading = time.perf_counter() - started
        grown, grown_queries = timed(args.repeat)
        print(f"database: {args.database}")
        print(f"demo size: {rows_before:,} readings, 12 stations")
        print(f"  evaluate 3 sensor rules: {base * 1000:8.1f} ms, {base_queries} queries")
        print(
            f"grown: +{added:,} readings from {2 * args.stations} stations every "
            f"{args.every} min for {args.days} days (loaded in {loading:.0f} s)"
        )
        print(f"  evaluate 3 sensor rules: {grown * 1000:8.1f} ms, {grown_queries} queries")
        print("plan of the readings' query (PM2.5, last 75 minutes):")
        print("  " + plan().replace("\n", "\n  "))
    finally:
        throwaway.remove(env)


if __name__ == "__main__":
    main()
