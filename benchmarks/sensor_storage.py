"""Sensor storage: archiving a closed month to Parquet, and removing it once archived.

    python benchmarks/sensor_storage.py [--database postgres|sqlite] [--rows 1000000]

Builds a throw-away installation (demo province and stations), stores `--rows` readings
in one past month, then measures the functions the product calls:

- `sensors.actions.archive_month` (rows read from the database in batches into DuckDB,
  written as zstd Parquet), beside the baseline of reading the same rows through the same
  query without writing anything;
- `sensors.actions.purge_raw` removing that month (on PostgreSQL: dropping its
  partition), beside the baseline of a DELETE of a month of the same size, measured on a
  copy of the rows in another month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    env = throwaway.installation("sensors", args.database)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
    sys.path.insert(0, str(ROOT / "src"))
    try:
        run(args)
    finally:
        throwaway.remove(env)


def fill(devices, month: dt.date, rows: int) -> None:
    from tinhso.sensors import actions, months
    from tinhso.sensors.models import Observation

    start, end = months.bounds(month)
    per_device = rows // len(devices)
    step = (end - start) / per_device
    batch = []
    for device in devices:
        for i in range(per_device):
            batch.append(
                Observation(
                    device=device, observed_at=start + i * step, property="pm25", value=i % 500
                )
            )
            if len(batch) == 20_000:
                actions.store_backfill(batch)
                batch = []
    actions.store_backfill(batch)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tinhso.core.actors import Actor
    from tinhso.ioc.archive import archive_closed_months
    from tinhso.sensors import actions, archive, months, partitions
    from tinhso.sensors.models import Device, Observation
    from tinhso.sensors.rollups import roll_up

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    devices = list(Device.objects.all())
    now = timezone.now()
    target, other = months.shift(months.of(now), -6), months.shift(months.of(now), -5)
    partitions.ensure(timezone.make_aware(dt.datetime(target.year, target.month, 2)))
    started = time.perf_counter()
    fill(devices, target, args.rows)
    fill(devices, other, args.rows)
    rows = archive.state(target).rows
    print(f"{args.database}: {rows:,} readings in {target:%Y-%m} (and as many in {other:%Y-%m}),")
    print(f"  stored in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    fetched = sum(len(b) for b in archive._batches(target))
    read = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "month.parquet"
        started = time.perf_counter()
        written = actions.archive_month(target, path)
        wrote = time.perf_counter() - started
        size = path.stat().st_size
    assert fetched == written == rows
    print(f"  baseline, the same rows read only:   {read:6.2f} s ({rows / read:,.0f} rows/s)")
    print(
        f"  archive_month (read + Parquet):      {wrote:6.2f} s ({rows / wrote:,.0f} rows/s), "
        f"{size / 1e6:.1f} MB"
    )

    # The baseline first: the other month's rows (as many) removed with a plain DELETE.
    o_start, o_end = months.bounds(other)
    started = time.perf_counter()
    # No relation points at a reading: Django sends one DELETE … WHERE.
    Observation.objects.filter(observed_at__gte=o_start, observed_at__lt=o_end).delete()
    delete = time.perf_counter() - started
    print(f"  baseline, DELETE of a month:         {delete:6.2f} s")

    roll_up()
    archive_closed_months(Actor.system("benchmark"), now=now)
    started = time.perf_counter()
    purged = actions.purge_raw(now=now + dt.timedelta(days=400))
    removed = time.perf_counter() - started
    assert purged.months == [target], purged.months
    how = "partition dropped" if purged.partitions else "DELETE"
    print(f"  purge_raw ({how}):{removed:{22 - len(how)}.2f} s for {purged.rows:,} rows")
    print(f"  rows left: {Observation.objects.count():,}")


if __name__ == "__main__":
    main()
