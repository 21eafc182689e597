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
    """Delete raw readings past the retention, once rolled up."""
    from tinhso.sensors.actions import purge_raw

    return f"{purge_raw()} rows deleted"
