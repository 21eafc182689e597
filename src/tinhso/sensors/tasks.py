"""Background work of the sensors app."""

from __future__ import annotations

from django_tasks import task


@task()
def roll_up_observations() -> str:
    """Fold newly received readings into the hourly and daily roll-ups."""
    from tinhso.sensors.rollups import roll_up

    return f"{roll_up()} buckets"


@task()
def purge_observations() -> str:
    """Remove the raw readings of months past the retention, once archived and rolled up."""
    from tinhso.sensors.actions import purge_raw

    purged = purge_raw()
    return f"{len(purged.months)} months, {purged.rows} rows removed"


@task()
def create_partitions() -> str:
    """On PostgreSQL: this month's observation partition and the next two, and those of
    any month whose rows sit in the DEFAULT partition."""
    from tinhso.sensors.partitions import ensure

    return f"{len(ensure())} partitions created"
