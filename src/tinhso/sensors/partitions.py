"""Monthly partitions of the observations table on PostgreSQL (migration 0002 made the
table PARTITION BY RANGE (observed_at)); nothing here runs on SQLite.

Each local month has its own partition, named `sensors_observation_pYYYY_MM`, and rows of
a month without one land in the DEFAULT partition. A daily task creates this month's
partition and the next two ahead; it also creates the partition of any month whose rows
sit in DEFAULT (a device with a wrong clock, a backfill) and moves those rows into it —
PostgreSQL refuses a new partition while DEFAULT holds rows of its range, so DEFAULT is
detached for the move and attached again, in one transaction. Retention drops a whole
partition instead of deleting its rows (`actions.purge_raw`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tinhso.sensors import months

TABLE = "sensors_observation"
DEFAULT = f"{TABLE}_default"
AHEAD = 2  # months created ahead of the current one
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")


def name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def partitioned() -> bool:
    """True when the observations table is partitioned (PostgreSQL after migration 0002)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


@dataclass(frozen=True)
class Partition:
    name: str
    month: dt.date | None  # None for DEFAULT


def existing() -> list[Partition]:
    """The partitions attached to the observations table, DEFAULT last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for relname in names:
        match = _NAME.match(relname)
        if match:
            found.append(Partition(relname, dt.date(int(match[1]), int(match[2]), 1)))
    return found + [Partition(n, None) for n in names if n == DEFAULT]


def _default_months() -> list[dt.date]:
    """The local months of the rows sitting in DEFAULT."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', observed_at AT TIME ZONE %s)::date "  # noqa: S608
            f"FROM {DEFAULT}",
            [timezone.get_current_timezone_name()],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _create(month: dt.date, *, move: bool) -> None:
    start, end = months.bounds(month)
    create = f'CREATE TABLE "{name(month)}" PARTITION OF "{TABLE}" FOR VALUES FROM (%s) TO (%s)'
    with transaction.atomic(), connection.cursor() as cursor:
        if not move:
            cursor.execute(create, [start, end])
            return
        cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{DEFAULT}"')
        cursor.execute(create, [start, end])
        cursor.execute(
            f'WITH moved AS (DELETE FROM "{DEFAULT}" WHERE observed_at >= %s AND observed_at < %s '  # noqa: S608
            f'RETURNING *) INSERT INTO "{TABLE}" SELECT * FROM moved',
            [start, end],
        )
        cursor.execute(f'ALTER TABLE "{TABLE}" ATTACH PARTITION "{DEFAULT}" DEFAULT')


def ensure(now: dt.datetime | None = None, *, ahead: int = AHEAD) -> list[str]:
    """Create the partitions of this month and `ahead` months after it, and of every
    month with rows in DEFAULT (moving them). Returns the partitions created; running it
    again creates nothing."""
    if not partitioned():
        return []
    current = months.of(now or timezone.now())
    have = {p.month for p in existing() if p.month is not None}
    stranded = set(_default_months())
    wanted = set(months.between(current, months.shift(current, ahead))) | stranded
    created = []
    for month in sorted(wanted - have):
        _create(month, move=month in stranded)
        created.append(name(month))
    return created


def drop(month: dt.date) -> None:
    """Drop the month's partition, rows and all (the caller checked they are archived)."""
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django's DEFERRABLE INITIALLY DEFERRED); a
        # table with checks still pending in this transaction cannot be dropped, so run
        # them now, then go back to Django's default.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP TABLE "{name(month)}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
