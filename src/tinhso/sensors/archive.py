"""Closed months of raw readings, written as Parquet with DuckDB.

A month is closed `TINHSO_SENSOR_ARCHIVE_GRACE_DAYS` after it ends (late readings still
count until then). Its rows — with the device's id, type and commune code, observed_at and
received_at in UTC (timestamps without a zone) — are read from the database in batches
into DuckDB and written as one zstd Parquet file sorted by device, property and time.
Where the file goes is not this app's business: the operations centre hands it to the
warehouse (`ioc/archive.py`), which keeps it as one part of a dataset, and tells
`actions.record_archive` what became of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from tinhso.sensors import months
from tinhso.sensors.models import ArchivedMonth, Device, Observation

BATCH = 50_000
_TABLES = """
CREATE TABLE devices (pk BIGINT, device_id VARCHAR, device_kind VARCHAR, commune_code VARCHAR);
CREATE TABLE readings (
    device BIGINT, property VARCHAR, value DOUBLE, observed_us BIGINT, received_us BIGINT
);
"""


@dataclass(frozen=True)
class MonthState:
    """What the database holds of one month: rows, and when the last of them arrived."""

    month: dt.date
    rows: int
    last_received: dt.datetime | None


def state(month: dt.date) -> MonthState:
    start, end = months.bounds(month)
    found = Observation.objects.filter(observed_at__gte=start, observed_at__lt=end).aggregate(
        rows=Count("id"), last=Max("received_at")
    )
    return MonthState(month, found["rows"], found["last"])


def closed(month: dt.date, now: dt.datetime) -> bool:
    _start, end = months.bounds(month)
    return now >= end + dt.timedelta(days=settings.TINHSO_SENSOR_ARCHIVE_GRACE_DAYS)


def raw_months(now: dt.datetime) -> list[MonthState]:
    """Every closed month with raw readings, with what the database holds. Two scans: the
    oldest reading, then every month's count in one query (ranges, not a per-row month
    function, which SQLite would run in Python)."""
    last = months.shift(months.of(now), -1)
    while not closed(last, now):
        last = months.shift(last, -1)
    _start, end = months.bounds(last)
    before = Observation.objects.filter(observed_at__lt=end)
    oldest = before.aggregate(first=Min("observed_at"))["first"]
    if oldest is None:
        return []
    spans = {m: months.bounds(m) for m in months.between(months.of(oldest), last)}
    found = before.aggregate(
        **{
            f"{kind}{i}": agg(field, filter=Q(observed_at__gte=a, observed_at__lt=b))
            for i, (a, b) in enumerate(spans.values())
            for kind, agg, field in (("n", Count, "id"), ("r", Max, "received_at"))
        }
    )
    return [
        MonthState(month, found[f"n{i}"], found[f"r{i}"])
        for i, month in enumerate(spans)
        if found[f"n{i}"]
    ]


@dataclass(frozen=True)
class Kept:
    """One month as storage sees it: raw rows in the database, and its archive if any."""

    month: dt.date
    rows: int
    archived_rows: int | None
    location: str
    closed: bool


def kept(now: dt.datetime | None = None) -> list[Kept]:
    """Every month with raw rows or an archive, oldest first (`tinhso sensors storage`)."""
    now = now or timezone.now()
    archived = {a.month: a for a in ArchivedMonth.objects.all()}
    oldest = Observation.objects.aggregate(first=Min("observed_at"))["first"]
    raw = months.between(months.of(oldest), months.of(now)) if oldest else []
    found = []
    for month in sorted(set(raw) | set(archived)):
        note = archived.get(month)
        found.append(
            Kept(
                month,
                state(month).rows,
                note.rows if note else None,
                note.location if note else "",
                closed(month, now),
            )
        )
    return found


def to_archive(now: dt.datetime | None = None) -> list[MonthState]:
    """Closed months with raw rows that no archive holds whole: never archived, or
    archived before late readings came (the archive is then written again)."""
    now = now or timezone.now()
    archived = dict(ArchivedMonth.objects.values_list("month", "rows"))
    return [s for s in raw_months(now) if s.rows and archived.get(s.month) != s.rows]


def _batches(month: dt.date):
    """The month's rows in batches, without the device's columns (joined in DuckDB)."""
    start, end = months.bounds(month)
    rows = (
        Observation.objects.filter(observed_at__gte=start, observed_at__lt=end)
        .order_by()
        .values_list("device_id", "property", "value", "observed_at", "received_at")
    )
    batch: list[tuple] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _micros(values) -> np.ndarray:
    # Microseconds since 1970 (UTC); exact, since 2**53 µs is 285 years.
    return np.fromiter((round(v.timestamp() * 1_000_000) for v in values), np.int64, len(values))


def _literal(path: Path) -> str:
    """A path of ours as an SQL string (DuckDB's COPY takes no parameter for it)."""
    return "'" + str(path).replace("'", "''") + "'"


# Times are kept as UTC timestamps without a zone: a TIMESTAMPTZ would be converted with
# the reading process's time zone (the platform's is Asia/Ho_Chi_Minh) by DuckDB without
# its ICU extension, on writing and on reading alike.
_COPY = """
COPY (
    SELECT d.device_id, d.device_kind, d.commune_code, r.property, r.value,
           make_timestamp(r.observed_us) AS observed_at,
           make_timestamp(r.received_us) AS received_at
    FROM readings r JOIN devices d ON d.pk = r.device
    ORDER BY d.device_id, r.property, r.observed_us
) TO {target} (FORMAT parquet, COMPRESSION zstd)
"""


def write_month(month: dt.date, target: Path) -> int:
    """Write the month's raw readings to `target` (Parquet); returns the number of rows."""
    con = duckdb.connect(config={"memory_limit": settings.TINHSO_SQL_MEMORY})
    try:
        con.execute(f"SET temp_directory = {_literal(target.parent / 'spill')}")
        con.execute(_TABLES)
        devices = list(Device.objects.values_list("pk", "device_id", "kind", "commune__code"))
        if devices:
            con.executemany("INSERT INTO devices VALUES (?, ?, ?, ?)", devices)
        for batch in _batches(month):
            columns = list(zip(*batch, strict=True))
            chunk = {  # noqa: F841 - read by DuckDB by name
                "device": np.array(columns[0], dtype=np.int64),
                "property": np.array(columns[1], dtype=object),
                "value": np.array(columns[2], dtype=np.float64),
                "observed_us": _micros(columns[3]),
                "received_us": _micros(columns[4]),
            }
            con.execute("INSERT INTO readings SELECT * FROM chunk")
        con.execute(_COPY.format(target=_literal(target)))
        return con.execute("SELECT count(*) FROM readings").fetchone()[0]
    finally:
        con.close()
