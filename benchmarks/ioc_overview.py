"""The leader's overview with millions of reports and tens of millions of sensor readings.

    python benchmarks/ioc_overview.py [--database sqlite|postgres] [--reports 5000000]
                                      [--observations 50000000] [--days 730] [--repeat 7]

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432), times the operations centre's pages for
the leader at the demo's size (the baseline, measured in the same run), then adds:

- `--reports` feedback reports spread over two years (about 3 % still open), written by
  the database's bulk path (SQLite: one prepared INSERT run over batches of rows in a
  transaction each; PostgreSQL: COPY);
- `--observations` sensor readings for the demo's twelve stations, every property of each
  station at a fixed step over the last `--days` days (730 by default: about one reading a
  minute per station, what a province keeping two years of raw readings would hold,
  TINHSO_SENSOR_RETENTION_DAYS=730), generated inside the database (SQLite: a recursive
  CTE; PostgreSQL: generate_series) in batches of one transaction each;

then folds them into the hourly and daily roll-ups (by default the same buckets the
product's `sensors.rollups.roll_up` writes, made by two INSERT … SELECT; `--rollup
product` runs the product's task itself, which takes hours at 50 million readings),
recomputes the indicator catalogue over the two years (`ioc.computation.compute_all`
with a span, as two years of scheduled runs would have left it), and times the same pages
again.

"Server time" is the time Django takes to answer the request in process (without the
network): the median of `--repeat` runs after one warm-up, with the number of SQL queries
beside it. The machine's load average is printed beside the figures.

Goal: every page < 300 ms with 5,000,000 reports and 50,000,000 readings.
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
from intake import TEXTS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PAGES = [
    ("overview", "/ioc/"),
    ("overview, live part", "/ioc/live/"),
    ("sector: environment", "/ioc/sector/environment/"),
    ("sector: feedback 1022", "/ioc/sector/feedback/"),
]
LEADER = "demo.leader"


def setup(database: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(throwaway.installation("ioc", database))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with open(os.devnull, "w") as sink:
        call_command("demo", stdout=sink)


def cleanup() -> None:
    from django.db import connections

    connections.close_all()
    throwaway.remove(dict(os.environ))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# --- reports ---------------------------------------------------------------------------


def _report_rows(count: int, seed: int = 7):
    """Batches of report rows (column name → value), two years back from now."""
    from django.conf import settings
    from django.utils import timezone

    from tinhso.agencies.models import Agency, AgencyKind
    from tinhso.feedback.models import Field, Report, Routing, Status
    from tinhso.units.models import Commune

    rng = random.Random(seed)
    fields = list(Field.objects.filter(is_active=True))
    communes = list(Commune.objects.filter(province__code=settings.TINHSO_PROVINCE))
    committees = {
        a.commune_id: a.pk for a in Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE)
    }
    first_id = (Report.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = timezone.now()
    span = dt.timedelta(days=730).total_seconds()
    open_statuses = (Status.ASSIGNED, Status.IN_PROGRESS, Status.RECEIVED)
    channels = ("web", "hotline", "open311", "zalo")
    # Oldest first, as a province's reports arrive: each index grows at its end.
    ages = sorted((span * (rng.random() ** 1.15) for _ in range(count)), reverse=True)
    batch = []
    for i, age in enumerate(ages):
        field = rng.choice(fields)
        commune = rng.choice(communes)
        agency = field.agency_id if field.routing == Routing.AGENCY else committees.get(commune.pk)
        received = now - dt.timedelta(seconds=age)
        deadline = received + dt.timedelta(days=rng.choice((1, 4, 7)))
        answered = received + dt.timedelta(hours=rng.uniform(2, 24 * 10))
        open_ = answered > now or (age < 20 * 86400 and rng.random() < 0.5)
        batch.append(
            {
                "code": f"PA-{received.year}-{first_id + i:07d}",
                "text": rng.choice(TEXTS),
                "field_id": field.pk,
                "field_confirmed": True,
                "channel": rng.choice(channels),
                "status": rng.choice(open_statuses) if open_ else Status.CLOSED,
                "resolution": "" if open_ else "fixed",
                "commune_id": commune.pk,
                "lat": commune.lat,
                "lon": commune.lon,
                "agency_id": agency,
                "received_at": received,
                "updated_at": received if open_ else answered,
                "deadline": deadline,
                "answered_at": None if open_ else answered,
                "closed_at": None if open_ else answered,
                "answer": "" if open_ else "Đã xử lý xong.",
                "rating": None if open_ else rng.choice((None, None, 3, 4, 5)),
                "citizen_key": f"k{first_id + i}",
                "is_demo": True,
            }
        )
        if len(batch) == 10_000:
            yield batch
            batch = []
    if batch:
        yield batch


def generate_reports(count: int) -> None:
    """Insert `count` reports through the database's bulk path, with a progress bar."""
    from django.db import connection, transaction
    from rich.progress import Progress

    from tinhso.feedback.models import Report

    columns = [
        f
        for f in Report._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    names = [f.column for f in columns]
    # Columns the generator leaves alone take the field's default, prepared once.
    defaults = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in columns}
    dates = {f.column for f in columns if f.get_internal_type() == "DateTimeField"}
    table = Report._meta.db_table
    sqlite = connection.vendor == "sqlite"

    template = [defaults[n] for n in names]
    where = {n: i for i, n in enumerate(names)}

    def as_row(row: dict) -> list:
        out = template.copy()
        for name, value in row.items():
            if sqlite and value is not None and name in dates:
                value = str(value.astimezone(dt.UTC).replace(tzinfo=None))  # as Django does
            out[where[name]] = value
        return out

    with Progress() as progress:
        task = progress.add_task("reports", total=count)
        for batch in _report_rows(count):
            rows = [as_row(row) for row in batch]
            with transaction.atomic(), connection.cursor() as cursor:
                if sqlite:
                    marks = ", ".join("?" * len(names))
                    cursor.connection.executemany(
                        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",  # noqa: S608
                        rows,
                    )
                else:
                    copy_sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
                    with cursor.cursor.copy(copy_sql) as copy:
                        for row in rows:
                            copy.write_row(row)
            progress.advance(task, len(rows))


# --- sensor readings -------------------------------------------------------------------


def generate_observations(count: int, days: int) -> int:
    """About `count` readings of the demo's stations over the last `days` days, every
    property of each station at one step; made inside the database, one transaction per
    batch. Returns the number of rows written."""
    from django.db import connection, transaction
    from django.db.models import Avg
    from django.utils import timezone
    from rich.progress import Progress

    from tinhso.sensors.models import Device, Observation

    pairs = list(
        Observation.objects.values_list("device_id", "property").annotate(base=Avg("value"))
    )
    if not pairs or count <= 0:
        return 0
    now = timezone.now().replace(microsecond=0)
    start = int((now - dt.timedelta(days=days)).timestamp())
    times = max(1, count // len(pairs))
    step = max(1, (days * 86400) // times)
    table = Observation._meta.db_table
    stamp = now if connection.vendor == "postgresql" else str(now.replace(tzinfo=None))
    before = Observation.objects.count()
    # The demo's own readings are on the hour: generated ones never are.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-512000")
            cursor.execute("DROP TABLE IF EXISTS temp.bench_pairs")
            cursor.execute("CREATE TEMP TABLE bench_pairs (device_id, property, base)")
            cursor.executemany("INSERT INTO temp.bench_pairs VALUES (%s, %s, %s)", pairs)
            # The table's name is the model's own; the rest is bound.
            sql = (
                "WITH RECURSIVE t(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM t WHERE i + 1 < %s) "  # noqa: S608
                f"INSERT INTO {table} (device_id, observed_at, property, value, received_at) "
                "SELECT p.device_id, strftime('%%Y-%%m-%%d %%H:%%M:%%S', %s + t.i * %s, "
                "'unixepoch'), p.property, "
                "round(p.base * (0.6 + 0.8 * ((random() & 1048575) / 1048576.0)), 2), %s "
                "FROM t CROSS JOIN temp.bench_pairs p WHERE (%s + t.i * %s) %% 3600 <> 0 "
                "ON CONFLICT DO NOTHING"
            )
        else:
            # Ids, property names of letters and numbers, and averages: safe as literals.
            assert all(str(p).isalnum() for _d, p, _b in pairs)
            values = ", ".join(f"({int(d)}, '{p}', {float(b)!r})" for d, p, b in pairs)
            sql = (
                f"INSERT INTO {table} (device_id, observed_at, property, value, received_at) "  # noqa: S608
                "SELECT p.device_id, to_timestamp(%s + i * %s), p.property, "
                "round((p.base * (0.6 + 0.8 * random()))::numeric, 2), %s "
                f"FROM generate_series(%s, %s - 1) AS i CROSS JOIN (VALUES {values}) "
                "AS p(device_id, property, base) WHERE (%s + i * %s) %% 3600 <> 0 "
                "ON CONFLICT DO NOTHING"
            )
    chunk = max(1, 500_000 // len(pairs))
    with Progress() as progress:
        task = progress.add_task("readings", total=times * len(pairs))
        for lo in range(0, times, chunk):
            hi = min(times, lo + chunk)
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute(sql, [lo, hi, start, step, stamp, start, step])
                else:
                    cursor.execute(sql, [start, step, stamp, lo, hi, start, step])
            progress.advance(task, (hi - lo) * len(pairs))
    Device.objects.filter(is_active=True).update(last_seen_at=now)
    return Observation.objects.count() - before


def roll_up_in_sql() -> int:
    """The hourly and daily roll-ups of every reading, as `sensors.rollups.roll_up` makes
    them (min, max, mean, count per device, property and hour or local day), in two
    INSERT … SELECT statements; then the roll-up's cursor is set to now, as after a run."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tinhso.sensors.models import Observation, Rollup, RollupCursor

    source, target = Observation._meta.db_table, Rollup._meta.db_table
    if connection.vendor == "sqlite":
        # Asia/Ho_Chi_Minh is UTC+7 all year: its hours are UTC hours, its days start at
        # 17:00 UTC the day before. Times are stored as UTC text.
        buckets = {
            "hour": "strftime('%Y-%m-%d %H:00:00', observed_at)",
            "day": "strftime('%Y-%m-%d %H:%M:%S', date(observed_at, '+7 hours'), '-7 hours')",
        }
    else:
        buckets = {
            "hour": "date_trunc('hour', observed_at)",
            "day": "date_trunc('day', observed_at AT TIME ZONE 'Asia/Ho_Chi_Minh') "
            "AT TIME ZONE 'Asia/Ho_Chi_Minh'",
        }
    with transaction.atomic(), connection.cursor() as cursor:
        for period, bucket in buckets.items():
            cursor.execute(
                f"INSERT INTO {target} (device_id, property, period, start, minimum, maximum, "  # noqa: S608
                f"mean, count) SELECT device_id, property, '{period}', {bucket}, min(value), "
                f"max(value), avg(value), count(*) FROM {source} WHERE true "
                f"GROUP BY device_id, property, {bucket} "
                "ON CONFLICT (device_id, property, period, start) DO UPDATE SET "
                "minimum = excluded.minimum, maximum = excluded.maximum, mean = excluded.mean, "
                "count = excluded.count"
            )
        RollupCursor.objects.update_or_create(pk=1, defaults={"read_until": timezone.now()})
    return Rollup.objects.count()


def analyze() -> None:
    """As the database would be after its routine maintenance (autovacuum on PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- pages -----------------------------------------------------------------------------


def measure(repeat: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tinhso.agencies.models import User

    client = Client()
    client.force_login(User.objects.get(username=LEADER))
    out = {}
    for name, path in PAGES:
        assert client.get(path).status_code == 200  # warm-up
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.status_code)
        out[name] = (statistics.median(times) * 1000, len(queries))
    return out


def slowest_queries(path: str, shown: int = 5) -> list[tuple[float, str]]:
    """The page's slowest SQL statements (for the record when a page is over its goal)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tinhso.agencies.models import User

    client = Client()
    client.force_login(User.objects.get(username=LEADER))
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timed = sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries), reverse=True)
    return timed[:shown]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--reports", type=int, default=5_000_000)
    parser.add_argument("--observations", type=int, default=50_000_000)
    parser.add_argument("--days", type=int, default=730, help="span of the readings")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--history-days",
        type=int,
        default=730,
        help="how far back the indicator catalogue is computed before the pages are timed",
    )
    parser.add_argument(
        "--rollup",
        choices=("sql", "product"),
        default="sql",
        help="fold the readings by the product's roll-up (hours at 50M readings) or the "
        "same buckets in SQL",
    )
    parser.add_argument("--explain", action="store_true", help="print the slowest queries")
    args = parser.parse_args()
    setup(args.database)
    try:
        run(args)
    finally:
        cleanup()


def run(args) -> None:
    from django.conf import settings
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    from tinhso.feedback.models import Report
    from tinhso.ioc.computation import compute_all
    from tinhso.ioc.models import IndicatorValue
    from tinhso.sensors.models import Observation, Rollup
    from tinhso.sensors.rollups import roll_up

    print(f"{args.database}: {load()}")
    baseline = measure(args.repeat)
    demo_reports, demo_readings = Report.objects.count(), Observation.objects.count()

    t0 = time.perf_counter()
    generate_reports(args.reports)
    print(f"inserted {args.reports:,} reports in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    written = generate_observations(args.observations, args.days)
    print(f"inserted {written:,} readings in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    if args.rollup == "product":
        buckets, how = roll_up(), "the product's roll-up, one run"
    else:
        buckets, how = roll_up_in_sql(), "the same roll-ups in two INSERT … SELECT"
    print(f"roll-ups ({how}): {buckets:,} buckets in {time.perf_counter() - t0:.0f} s")
    analyze()
    t0 = time.perf_counter()
    now = timezone.now()
    outcomes = compute_all(now, since=now - dt.timedelta(days=args.history_days))
    stored = sum(o.stored for o in outcomes)
    errors = [f"{o.indicator}: {o.error}" for o in outcomes if o.error]
    print(
        f"indicator catalogue over {args.history_days} days: {stored:,} values in "
        f"{time.perf_counter() - t0:.0f} s" + (f"; errors: {errors}" if errors else "")
    )
    analyze()
    reports, readings = Report.objects.count(), Observation.objects.count()
    rollups, values = Rollup.objects.count(), IndicatorValue.objects.count()
    print(
        f"now {reports:,} reports, {readings:,} readings, {rollups:,} roll-ups, {values:,} values"
    )
    loaded = measure(args.repeat)
    print(f"{args.database}: {load()}")
    head_base = f"demo ({demo_reports:,} r, {demo_readings:,} o)"
    head_big = f"{reports:,} r, {readings:,} o"
    print(f"\n{'page (leader)':24} {head_base:>28} {head_big:>30} {'ratio':>7}  goal < 300 ms")
    over = []
    for name, (ms, queries) in loaded.items():
        base_ms, base_q = baseline[name]
        verdict = "ok" if ms < 300 else "OVER"
        if ms >= 300:
            over.append(name)
        print(
            f"{name:24} {base_ms:19.1f} ms {base_q:3d} q {ms:21.1f} ms {queries:3d} q "
            f"{ms / base_ms:6.1f}×  {verdict}"
        )
    if args.explain or over:
        for name, path in PAGES:
            if args.explain or name in over:
                print(f"\nslowest queries of {path}:")
                for ms, sql in slowest_queries(path):
                    print(f"  {ms:8.1f} ms  {sql[:300]}")


if __name__ == "__main__":
    main()
