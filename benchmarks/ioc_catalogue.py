"""Recomputing the whole indicator catalogue over a year of data, beside the same SQL run
once by DuckDB (the limit).

    python benchmarks/ioc_catalogue.py [--database sqlite|postgres] [--dossiers 1500000]
                                       [--stations 20] [--repeat 3]

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432), then gives the datasets the catalogue's
SQL indicators read a year of rows at a province's volume, each as a new version through
the warehouse's own ingest (CSV → Parquet):

- "ho-so-thu-tuc-hanh-chinh": `--dossiers` administrative dossiers received over the last
  365 days (a province of about a hundred communes handles one to two million a year);
- "quan-trac-khong-khi": hourly rows of `--stations` air-quality stations over the last
  365 days.

Then it times `ioc.computation.compute_all` for the whole catalogue over the year (the
product's path: every indicator's source, the SQL ones through the warehouse's sandbox,
and the values stored with their provenance), first when the values are new and again
when they are already stored (the scheduled recomputation), each indicator timed on its
own; and beside it the SQL indicators' statements run once, directly, by DuckDB over the
same Parquet files, with no sandbox and nothing stored: the limit. The machine's load
average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup(database: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("catalogue", database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)


def cleanup() -> None:
    from django.db import connections

    connections.close_all()
    throwaway.remove(dict(os.environ))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


DOSSIERS = """
COPY (
  SELECT 'HS' || lpad(CAST(i AS VARCHAR), 8, '0') AS ma_ho_so,
         'Thủ tục ' || CAST(i % 40 AS VARCHAR) AS thu_tuc,
         'Lĩnh vực ' || CAST(i % 12 AS VARCHAR) AS linh_vuc,
         'UBND xã ' || CAST(i % 96 AS VARCHAR) AS co_quan_giai_quyet,
         communes[1 + CAST(floor(random() * len(communes)) AS INTEGER)] AS ma_xa,
         CASE WHEN random() < 0.55 THEN 'Trực tuyến'
              WHEN random() < 0.8 THEN 'Trực tiếp' ELSE 'Bưu chính' END AS kenh_nop,
         received AS ngay_nhan,
         received + 7 AS ngay_hen_tra,
         CASE WHEN received + 9 <= current_date THEN received + CAST(random() * 9 AS INTEGER)
         END AS ngay_tra,
         CASE WHEN received + 9 > current_date THEN NULL
              WHEN random() < 0.93 THEN 'true' ELSE 'false' END AS dung_han
  FROM (
    SELECT i, current_date - CAST(floor(random() * 365) AS INTEGER) AS received,
           $communes AS communes
    FROM range($count) t(i)
  )
) TO '{path}' (HEADER, DELIMITER ',')
"""

AIR = """
COPY (
  SELECT 'Trạm quan trắc ' || code AS tram, code AS ma_xa,
         strftime(moment, '%Y-%m-%d %H:%M:%S') AS thoi_gian,
         round(pm25, 1) AS pm25, round(pm25 * 1.7, 1) AS pm10,
         round(8 + random() * 32, 1) AS no2, round(20 + random() * 70, 1) AS o3,
         greatest(5, round(pm25 * 2.2 + random() * 10 - 5)) AS aqi
  FROM (
    SELECT code, moment,
           greatest(3.0, 18 + 12 * random()
             + CASE WHEN hour(moment) IN (6, 7, 8, 17, 18, 19) THEN 12 ELSE 0 END) AS pm25
    FROM unnest($codes) s(code),
         range(CAST(current_date - 365 AS TIMESTAMP), CAST(current_date AS TIMESTAMP),
               INTERVAL 1 HOUR) t(moment)
  )
) TO '{path}' (HEADER, DELIMITER ',')
"""


def scale_datasets(dossiers: int, stations: int, folder: Path) -> dict[str, int]:
    """New versions of the two datasets with a year of rows; returns their row counts."""
    import duckdb
    from django.conf import settings

    from tinhso.core.actors import Actor
    from tinhso.units.models import Commune
    from tinhso.warehouse import actions
    from tinhso.warehouse.models import Dataset

    codes = list(
        Commune.objects.filter(province__code=settings.TINHSO_PROVINCE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    con = duckdb.connect()
    made = {}
    for slug, sql, params in (
        ("ho-so-thu-tuc-hanh-chinh", DOSSIERS, {"communes": codes, "count": dossiers}),
        ("quan-trac-khong-khi", AIR, {"codes": codes[:stations]}),
    ):
        path = folder / f"{slug}.csv"
        con.execute(sql.format(path=path), params)
        t0 = time.perf_counter()
        dataset = Dataset.objects.get(slug=slug)
        version = actions.add_version(Actor.system("benchmark"), dataset, path)
        made[slug] = version.rows
        print(f"  {slug}: {version.rows:,} rows ingested in {time.perf_counter() - t0:.1f} s")
    return made


def product(now: dt.datetime, since: dt.datetime) -> dict[str, tuple[str, float, int, str]]:
    """Each indicator computed as `compute_all` computes it: code → (kind, ms, stored,
    error)."""
    from tinhso.ioc.computation import compute
    from tinhso.ioc.models import Indicator
    from tinhso.ioc.sources import SOURCES

    out = {}
    for indicator in Indicator.objects.order_by("order", "code"):
        if indicator.source_kind not in SOURCES:
            continue
        t0 = time.perf_counter()
        outcome = compute(indicator, now, since=since)
        ms = (time.perf_counter() - t0) * 1000
        out[indicator.code] = (indicator.source_kind, ms, outcome.stored, outcome.error)
    return out


def limit(repeat: int) -> dict[str, tuple[float, int]]:
    """Each SQL indicator's statement run by DuckDB over the same Parquet files, nothing
    else: code → (ms, rows), the median of `repeat` runs."""
    import duckdb
    from django.conf import settings

    from tinhso.ioc.models import Indicator
    from tinhso.warehouse.models import Dataset

    con = duckdb.connect(config={"threads": settings.TINHSO_SQL_THREADS})
    for dataset in Dataset.objects.all():
        if dataset.current is not None and dataset.current.file:
            path = str(dataset.current.path).replace("'", "''")
            view = f"CREATE VIEW \"{dataset.slug}\" AS SELECT * FROM read_parquet('{path}')"  # noqa: S608
            con.execute(view)  # a slug and the warehouse's own file
    out = {}
    for indicator in Indicator.objects.filter(source_kind="sql").order_by("order", "code"):
        sql = indicator.source_config["sql"]
        times, rows = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = con.execute(sql).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        out[indicator.code] = (statistics.median(times), len(rows))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--dossiers", type=int, default=1_500_000)
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup(args.database)
    try:
        run(args)
    finally:
        cleanup()


def run(args) -> None:
    from django.utils import timezone

    print(f"{args.database}: {load()}")
    with tempfile.TemporaryDirectory() as folder:
        scale_datasets(args.dossiers, args.stations, Path(folder))
    now = timezone.now()
    since = now - dt.timedelta(days=365)
    runs = []
    for label in ("values new", "values stored"):
        t0 = time.perf_counter()
        timed = product(now, since)
        total = time.perf_counter() - t0
        runs.append((label, total, timed))
    edge = limit(args.repeat)
    print(f"{args.database}: {load()}")

    first, second = runs[0][2], runs[1][2]
    print(
        f"\n{'indicator':22} {'kind':9} {'new':>10} {'stored':>10} {'values':>7} "
        f"{'DuckDB alone':>13} {'rows':>6} {'ratio':>7}"
    )
    for code, (kind, ms_new, stored, error) in first.items():
        ms_again = second[code][1]
        line = f"{code:22} {kind:9} {ms_new:7.0f} ms {ms_again:7.0f} ms {stored:7,}"
        if code in edge:
            ms, rows = edge[code]
            line += f" {ms:10.1f} ms {rows:6,} {ms_again / ms:6.1f}×"
        if error:
            line += f"  error: {error}"
        print(line)
    sql_codes = list(edge)
    for label, total, timed in runs:
        by_kind: dict[str, float] = {}
        for kind, ms, _stored, _error in timed.values():
            by_kind[kind] = by_kind.get(kind, 0.0) + ms
        kinds = ", ".join(f"{k} {v / 1000:.2f} s" for k, v in sorted(by_kind.items()))
        print(f"\ncompute_all, {label}: {total:.2f} s in all ({kinds})")
    duck = sum(ms for ms, _rows in edge.values())
    sql_new = sum(first[c][1] for c in sql_codes)
    sql_again = sum(second[c][1] for c in sql_codes)
    print(
        f"SQL indicators: product {sql_new / 1000:.2f} s (values new), "
        f"{sql_again / 1000:.2f} s (stored); the same {len(sql_codes)} statements "
        f"in DuckDB alone {duck / 1000:.2f} s: {sql_again / duck:.1f}× the limit"
    )


if __name__ == "__main__":
    main()
