"""Closed months of sensor readings, archived to the warehouse (docs/decisions/0012).

The sensors app writes a month's raw readings as Parquet and the warehouse keeps the file
as one part ("month=2026-10") of the open dataset `quan-trac-cam-bien`, whose table in the
SQL sandbox is every month's file read together. The two apps do not know each other, so
the hand-over happens here, one floor up: write (sensors), keep (warehouse), note what was
kept (sensors, which deletes raw rows only for months noted whole).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tinhso.core.actors import Actor
from tinhso.sensors import actions as sensor_actions
from tinhso.sensors import readings
from tinhso.warehouse import actions as warehouse_actions
from tinhso.warehouse.access import readable_datasets

SLUG = "quan-trac-cam-bien"
TITLE = "Quan trắc cảm biến: số đo gốc theo tháng"
DESCRIPTION = (
    "Mọi số đo gốc của các trạm cảm biến (không khí, mực nước, mưa, giao thông, tiếng ồn), "
    "mỗi tháng một phần sau khi tháng khép lại: mã trạm, loại trạm, mã xã, đại lượng, giá "
    "trị, thời điểm đo (UTC). Cột month là tháng (giờ Việt Nam) của phần chứa dòng đó."
)


@dataclass(frozen=True)
class Archived:
    month: dt.date
    rows: int
    version: int


def _dataset(actor: Actor):
    from tinhso.agencies.models import Agency
    from tinhso.warehouse.models import Access, Frequency, Importance, Spatial

    dataset = readable_datasets(actor).filter(slug=SLUG).first()
    if dataset is not None:
        return dataset
    code, demo = readings.keeper()
    owner = Agency.objects.filter(code=code).first() if code else None
    if owner is None:
        return None
    return warehouse_actions.create_dataset(
        actor,
        slug=SLUG,
        title=TITLE + (" (dữ liệu mẫu)" if demo else ""),
        owner=owner,
        access=Access.OPEN,
        importance=Importance.IMPORTANT,
        description=DESCRIPTION,
        themes=["ENVI", "TRAN"],
        tags=["cảm biến", "quan trắc", "IoT"],
        frequency=Frequency.MONTHLY,
        spatial=Spatial.PROVINCE,
        contact_name=owner.name,
        is_demo=demo,
    )


def archive_closed_months(actor: Actor, now: dt.datetime | None = None) -> list[Archived]:
    """Archive every closed month that no archive holds whole; returns what was written.
    Running it again writes nothing; a month that gained late readings gets a new version
    of its part, which replaces the old one in the table."""
    due = readings.months_to_archive(now)
    if not due:
        return []
    dataset = _dataset(actor)
    if dataset is None:
        return []
    done = []
    for month in due:
        with tempfile.TemporaryDirectory(prefix="tinhso-sensors-", dir=settings.DATA_DIR) as tmp:
            path = Path(tmp) / f"{month:%Y-%m}.parquet"
            rows = sensor_actions.archive_month(month, path)
            version = warehouse_actions.add_part(
                actor,
                dataset,
                f"month={month:%Y-%m}",
                path,
                source_name=f"sensors {month:%Y-%m}",
            )
        sensor_actions.record_archive(
            actor,
            month,
            rows=rows,
            sha256=version.source_sha256,
            location=f"{SLUG} v{version.number}",
        )
        done.append(Archived(month, rows, version.number))
    return done
