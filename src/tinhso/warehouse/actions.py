"""Every write to the warehouse: creating a dataset, adding a version (accepted or
rejected). Each is audited."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.warehouse import ingest
from tinhso.warehouse.models import Dataset, DatasetVersion, VersionStatus


def warehouse_dir() -> Path:
    return Path(settings.DATA_DIR) / "warehouse"


@transaction.atomic
def create_dataset(actor: Actor, *, slug: str, title: str, owner, **fields) -> Dataset:
    """A new, empty dataset owned by `owner` (an agency)."""
    dataset = Dataset.objects.create(slug=slug, title=title, owner=owner, **fields)
    record(actor, "warehouse.create_dataset", dataset, after=snapshot(dataset))
    return dataset


def add_version(
    actor: Actor,
    dataset: Dataset,
    path: Path,
    *,
    source_name: str = "",
    append: bool = False,
    sheet: str | None = None,
) -> DatasetVersion:
    """Read `path` into a new version of `dataset`. Accepted: its Parquet file is in place
    before the version row exists, so a reader never sees a half-written one. Rejected:
    the version keeps the report, and the current version stays live."""
    source_name = source_name or Path(path).name
    with ingest.workspace() as folder:
        folder = Path(folder)
        try:
            result = ingest.to_parquet(Path(path), folder, sheet=sheet)
        except ingest.IngestError as exc:
            return _store(
                actor,
                dataset,
                status=VersionStatus.REJECTED,
                source_name=source_name,
                source_sha256=exc.sha256,
                encoding=exc.encoding,
                report=exc.report(),
            )
        parquet, rows = result.parquet, result.rows
        current = dataset.current
        if append and current is not None:
            parquet, rows = ingest.append(Path(settings.DATA_DIR) / current.file, parquet, folder)
        number = _next_number(dataset)
        target = warehouse_dir() / dataset.slug / f"v{number}-{result.sha256[:12]}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(parquet, target)
        try:
            return _store(
                actor,
                dataset,
                status=VersionStatus.ACCEPTED,
                number=number,
                file=str(target.relative_to(settings.DATA_DIR)),
                source_name=source_name,
                source_sha256=result.sha256,
                encoding=result.encoding,
                rows=rows,
                schema=result.schema,
                report={"valid": True, "errors": [], "appended": append and current is not None},
            )
        except Exception:
            target.unlink(missing_ok=True)  # no file without its version
            raise


def _next_number(dataset: Dataset) -> int:
    return (dataset.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def _store(actor: Actor, dataset: Dataset, *, number: int | None = None, **fields):
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=number or _next_number(dataset),
        uploaded_by=actor.label[:200],
        uploaded_by_user=actor.user,
        **fields,
    )
    record(
        actor,
        "warehouse.add_version",
        version,
        after={"status": version.status, "rows": version.rows, "sha256": version.source_sha256},
    )
    emit("warehouse.version_added", actor=actor, dataset_id=dataset.pk, version_id=version.pk)
    return version
