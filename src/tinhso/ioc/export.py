"""The indicators' values as a dataset of the warehouse, so that they can be queried with
the rest (SQL, the rows API, downloads) and published like any other dataset.

One dataset (`chi-tieu-giam-sat-dieu-hanh`, owned by the People's Committee office,
shared between agencies until a steward opens it), one row per value: the indicator's
code, names, sector, unit, period, the period's start (local date), the commune (empty for
the province), the value and its status. A new version is added only when the values
changed: the file is written in a fixed order and compared by its SHA-256.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from pathlib import Path

from django.utils import timezone

from tinhso.core.actors import Actor

SLUG = "chi-tieu-giam-sat-dieu-hanh"
TITLE = "Giá trị các chỉ tiêu giám sát, điều hành"
DESCRIPTION = (
    "Giá trị của các chỉ tiêu theo dõi tại Trung tâm giám sát, điều hành: theo kỳ, theo xã, "
    "phường và toàn tỉnh, kèm đơn vị, ngưỡng đánh giá. Cập nhật tự động khi giá trị thay đổi."
)
HEADER = [
    "ma_chi_tieu",
    "ten_chi_tieu",
    "ten_tieng_anh",
    "linh_vuc",
    "don_vi",
    "ky",
    "ngay_bat_dau_ky",
    "ma_xa",
    "ten_xa",
    "gia_tri",
    "danh_gia",
]
ACTOR = Actor.system("operations centre")


def _rows():
    from tinhso.ioc.models import IndicatorValue

    values = (
        IndicatorValue.objects.select_related("indicator", "commune")
        .order_by("indicator__code", "period_start", "commune__code")
        .iterator(chunk_size=5000)
    )
    for v in values:
        indicator = v.indicator
        yield [
            indicator.code,
            indicator.name_vi,
            indicator.name_en,
            indicator.sector,
            indicator.unit,
            indicator.period,
            timezone.localtime(v.period_start).date().isoformat(),
            v.commune.code if v.commune else "",
            v.commune.name if v.commune else "",
            repr(float(v.value)),
            indicator.status(v.value),
        ]


def write_csv(path: Path) -> str:
    """Every value to `path`; returns the file's SHA-256."""
    digest = hashlib.sha256()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in _rows():
            writer.writerow(row)
    with path.open("rb") as done:
        for chunk in iter(lambda: done.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dataset(actor: Actor):
    from tinhso.agencies.models import Agency, AgencyKind
    from tinhso.ioc.models import Indicator
    from tinhso.warehouse import actions as warehouse
    from tinhso.warehouse.models import Access, Dataset, Frequency

    found = Dataset.objects.filter(slug=SLUG).first()
    if found is not None:
        return found
    owner = (
        Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE_OFFICE).order_by("pk").first()
        or Agency.objects.order_by("pk").first()
    )
    return warehouse.create_dataset(
        actor,
        slug=SLUG,
        title=TITLE,
        description=DESCRIPTION,
        owner=owner,
        access=Access.SHARED,
        frequency=Frequency.DAILY,
        themes=["GOVE"],
        tags=["chỉ tiêu", "giám sát điều hành", "IOC"],
        is_demo=Indicator.objects.filter(is_demo=True).exists(),
    )


def to_warehouse(actor: Actor = ACTOR) -> str:
    """Add a version of the values' dataset when they changed; says what happened."""
    from tinhso.warehouse import actions as warehouse
    from tinhso.warehouse.models import VersionStatus

    dataset = _dataset(actor)
    with tempfile.TemporaryDirectory(prefix="tinhso-ioc-export-") as folder:
        path = Path(folder) / f"{SLUG}.csv"
        digest = write_csv(path)
        current = dataset.current
        if current is not None and current.source_sha256 == digest:
            return f"unchanged since version {current.number}"
        version = warehouse.add_version(actor, dataset, path, source_name=path.name)
    if version.status != VersionStatus.ACCEPTED:
        return f"version {version.number} rejected: {version.report.get('message', '')}"
    return f"version {version.number}: {version.rows} values"
