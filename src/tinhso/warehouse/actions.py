"""Every write to the warehouse: creating a dataset, adding a version (accepted or
rejected). Each is audited."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.warehouse import checksums, drift, ingest
from tinhso.warehouse.changes import diff
from tinhso.warehouse.errors import IngestError
from tinhso.warehouse.models import (
    Dataset,
    DatasetVersion,
    IngestJob,
    JobStatus,
    VersionStatus,
)

logger = logging.getLogger(__name__)


def warehouse_dir() -> Path:
    return Path(settings.DATA_DIR) / "warehouse"


def _state(dataset: Dataset) -> dict:
    """The audited state of a dataset: its fields and whom and where it covers."""
    return {
        **snapshot(dataset),
        "communes": sorted(dataset.communes.values_list("code", flat=True)),
        "shared_with": sorted(dataset.shared_with.values_list("code", flat=True)),
    }


@transaction.atomic
def create_dataset(
    actor: Actor, *, slug: str, title: str, owner, communes=(), shared_with=(), **fields
) -> Dataset:
    """A new, empty dataset owned by `owner` (an agency). Its identifier is checked here,
    whatever the door: it names the dataset's folder, its pages and its table in SQL."""
    Dataset._meta.get_field("slug").clean(slug, None)  # ValidationError: not a slug
    dataset = Dataset.objects.create(slug=slug, title=title, owner=owner, **fields)
    dataset.communes.set(communes)
    dataset.shared_with.set(shared_with)
    record(actor, "warehouse.create_dataset", dataset, after=_state(dataset))
    return dataset


def add_version(
    actor: Actor,
    dataset: Dataset,
    path: Path,
    *,
    source_name: str = "",
    append: bool = False,
    sheet: str | None = None,
    progress: ingest.Progress | None = None,
    serve_now: bool = False,
    accept_schema_change: bool = False,
    encoding: str | None = None,
) -> DatasetVersion:
    """Read `path` into a new version of `dataset`. Accepted: its Parquet file is in place
    before the version row exists, so a reader never sees a half-written one. Rejected:
    the version keeps the report, and the current version stays live. A version that
    removes or retypes a column of the current one is rejected unless the steward
    `accept_schema_change`s (drift.py); appended rows must have the same columns."""
    source_name = source_name or Path(path).name
    with ingest.workspace() as folder:
        folder = Path(folder)
        try:
            result = ingest.to_parquet(
                Path(path),
                folder,
                sheet=sheet,
                schema=dataset.table_schema or None,
                progress=progress,
                encoding=encoding,
            )
        except IngestError as exc:
            return _rejected(actor, dataset, source_name, exc)
        parquet, rows, schema = result.parquet, result.rows, result.schema
        current = dataset.current
        try:
            if current is not None:
                _check_drift(current, schema, append=append, accepted=accept_schema_change)
            if append and current is not None:
                parquet, rows = ingest.append(current.path, parquet, folder)
                schema = ingest.with_types_of(parquet, schema)
                _check_keys(parquet, schema)
        except IngestError as exc:
            exc.sha256, exc.encoding = result.sha256, result.encoding
            return _rejected(actor, dataset, source_name, exc)
        number = _next_number(dataset)
        target = warehouse_dir() / dataset.slug / f"v{number}-{result.sha256[:12]}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(parquet, target)
        try:
            version = _store(
                actor,
                dataset,
                status=VersionStatus.ACCEPTED,
                number=number,
                file=str(target.relative_to(settings.DATA_DIR)),
                source_name=source_name,
                source_sha256=result.sha256,
                encoding=result.encoding,
                rows=rows,
                schema=schema,
                report={
                    "valid": True,
                    "stats": {"errors": 0, "rows": rows, "fields": len(schema["fields"])},
                    "errors": [],
                    "warnings": result.notes,
                    "appended": append and current is not None,
                    "diff": None,
                    "diff_pending": current is not None,
                },
            )
        except Exception:
            target.unlink(missing_ok=True)  # no file without its version
            raise
    if current is not None:
        _count_changes(version, current)
    _serve(version, now=serve_now)
    return version


def _count_changes(version: DatasetVersion, previous: DatasetVersion) -> None:
    """The rows added and removed since `previous`, kept in the version's report. Counted
    once the version is live (at 10,000,000 rows a side it takes seconds, and nothing
    waits on it); until then the report says "being counted". The version's own page
    counts afresh, with sample rows, whatever is kept here."""
    try:
        changes = diff(previous.path, version.path)
    except (duckdb.Error, OSError):  # the version stays as it is, without its count
        logger.exception("counting the changes of %s", version)
        changes = None
    report = {**version.report, "diff": changes}
    report.pop("diff_pending", None)
    DatasetVersion.objects.filter(pk=version.pk).update(report=report)
    version.report = report


PART = re.compile(r"^[a-z_]+=[0-9A-Za-z_-]{1,40}$")


def add_part(
    actor: Actor, dataset: Dataset, part: str, parquet: Path, *, source_name: str = ""
) -> DatasetVersion:
    """Keep a Parquet file written by the platform itself as one part of `dataset`
    (`part` is a Hive partition, "month=2026-10"): an accepted version that replaces the
    part's previous one, while the other parts stay. The table the sandbox reads is every
    part's newest version (Dataset.live_versions). The file is moved, not read into a new
    one: it is already Parquet, and its checksum is the version's. Handing the same file
    again changes nothing and returns the part's version."""
    if not PART.match(part):
        raise ValueError(f"not a part name: {part!r}")
    digest = checksums.sha256(parquet)
    same = (
        dataset.versions.filter(status=VersionStatus.ACCEPTED, part=part, source_sha256=digest)
        .order_by("-number")
        .first()
    )
    if same is not None and same.path.exists():
        parquet.unlink(missing_ok=True)
        return same
    rows, schema = _described(parquet)
    number = _next_number(dataset)
    target = warehouse_dir() / dataset.slug / part / f"v{number}-{digest[:12]}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(parquet, target)
    try:
        return _store(
            actor,
            dataset,
            status=VersionStatus.ACCEPTED,
            number=number,
            part=part,
            file=str(target.relative_to(settings.DATA_DIR)),
            source_name=source_name or part,
            source_sha256=digest,
            rows=rows,
            schema=schema,
            report={
                "valid": True,
                "stats": {"errors": 0, "rows": rows, "fields": len(schema["fields"])},
                "errors": [],
                "warnings": [],
                "part": part,
            },
        )
    except Exception:
        target.unlink(missing_ok=True)  # no file without its version
        raise


def _described(parquet: Path) -> tuple[int, dict]:
    """Rows and Table Schema of a Parquet file, read from its footer."""
    import duckdb

    from tinhso.warehouse.duck import sql_string
    from tinhso.warehouse.schema import table_type

    con = duckdb.connect()
    try:
        source = f"read_parquet({sql_string(parquet)})"
        rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]  # noqa: S608
        described = con.execute(f"DESCRIBE FROM {source}").fetchall()  # noqa: S608
    finally:
        con.close()
    fields = [{"name": n, "type": table_type(kind), "storage": kind} for n, kind, *_r in described]
    return rows, {"fields": fields, "missingValues": [""]}


def _rejected(actor: Actor, dataset: Dataset, source_name: str, exc: IngestError):
    """A rejected version: the file's checksum and encoding, and the report of why."""
    return _store(
        actor,
        dataset,
        status=VersionStatus.REJECTED,
        source_name=source_name,
        source_sha256=exc.sha256,
        encoding=exc.encoding,
        report=exc.report(),
    )


def _check_drift(current: DatasetVersion, schema: dict, *, append: bool, accepted: bool) -> None:
    """Refuse a new shape the steward has not confirmed (IngestError with the report)."""
    if append:
        errors = drift.append_mismatch(current.schema, schema)
        if errors:
            raise IngestError(
                lambda: _(
                    "Rows can be added only with the current version's columns; nothing was stored."
                ),
                errors=errors,
                total=len(errors),
            )
    if not accepted:
        errors = drift.changes(current.schema, schema, current.number)
        if errors:
            raise IngestError(
                lambda: (
                    _(
                        "%(n)s columns differ from version %(v)s; nothing was stored. If the new "
                        "shape is right, upload again and confirm the schema change."
                    )
                    % {"n": len(errors), "v": current.number}
                ),
                errors=errors,
                total=len(errors),
            )


def _check_keys(parquet: Path, schema: dict) -> None:
    """A primary key stays unique over the whole table when rows are added."""
    key = schema.get("primaryKey") or []
    if not key:
        return
    errors, total = drift.repeated_keys(parquet, key)
    if errors:
        raise IngestError(
            lambda: (
                _("%(n)s key values would repeat once the rows are added; nothing was stored.")
                % {"n": total}
            ),
            errors=errors,
            total=total,
        )


def _serve(version: DatasetVersion, *, now: bool) -> None:
    """Big versions get a serving copy for the rows API (serving.py): built here when
    `now`, else by the task worker once the version is committed."""
    from tinhso.warehouse import serving

    if version.rows < serving.SERVING_ROWS:
        return
    if now:
        serving.build(version)
    else:
        from tinhso.warehouse.tasks import build_serving_copy

        transaction.on_commit(lambda: build_serving_copy.enqueue(version.pk))


METADATA = (
    "title",
    "description",
    "access",
    "importance",
    "licence",
    "themes",
    "tags",
    "frequency",
    "spatial",
    "temporal_start",
    "temporal_end",
    "contact_name",
    "contact_email",
    "source_url",
)


@transaction.atomic
def update_metadata(actor: Actor, dataset: Dataset, *, communes=None, shared_with=None, **fields):
    """Change a dataset's description (DCAT metadata, access, coverage), audited."""
    unknown = set(fields) - set(METADATA)
    if unknown:
        raise ValueError(f"not metadata: {sorted(unknown)}")
    before = _state(dataset)
    for name, value in fields.items():
        setattr(dataset, name, value)
    dataset.full_clean(exclude=["owner", "slug"])
    dataset.save()
    if communes is not None:
        dataset.communes.set(communes)
    if shared_with is not None:
        dataset.shared_with.set(shared_with)
    record(actor, "warehouse.update_metadata", dataset, before=before, after=_state(dataset))
    return dataset


@transaction.atomic
def set_schema(actor: Actor, dataset: Dataset, table_schema: dict | None) -> Dataset:
    """The steward's Table Schema (checked by `schema.clean`); None goes back to inferring.
    It applies to the next version uploaded."""
    from tinhso.warehouse.schema import clean

    before = dataset.table_schema
    dataset.table_schema = clean(table_schema) if table_schema else {}
    dataset.save(update_fields=["table_schema", "updated_at"])
    record(
        actor,
        "warehouse.set_schema",
        dataset,
        before={"table_schema": before},
        after={"table_schema": dataset.table_schema},
    )
    return dataset


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
    dataset.__dict__.pop("current", None)  # the cached current version may have changed
    record(
        actor,
        "warehouse.add_version",
        version,
        after={"status": version.status, "rows": version.rows, "sha256": version.source_sha256},
    )
    emit("warehouse.version_added", actor=actor, dataset_id=dataset.pk, version_id=version.pk)
    return version


def staging_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


@transaction.atomic
def stage_upload(
    actor: Actor,
    dataset: Dataset,
    upload,
    *,
    append: bool = False,
    sheet: str = "",
    accept_schema_change: bool = False,
    encoding: str = "",
) -> IngestJob:
    """Keep a file uploaded through the web and queue its reading by the task worker."""
    import uuid

    from tinhso.warehouse.tasks import run_ingest_job
    from tinhso.warehouse.uploads import safe_name, store

    name = safe_name(upload.name or "upload")
    folder = staging_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = store(upload, folder / name)
    job = IngestJob.objects.create(
        dataset=dataset,
        staged=str(target.relative_to(settings.DATA_DIR)),
        source_name=name,
        size=target.stat().st_size,
        append=append,
        sheet=sheet,
        accept_schema_change=accept_schema_change,
        encoding=encoding,
        created_by=actor.user,
    )
    record(actor, "warehouse.stage_upload", job, after=snapshot(job))
    transaction.on_commit(lambda: run_ingest_job.enqueue(job.pk))
    return job


def run_job(job: IngestJob) -> IngestJob:
    """Read a staged upload into a version, reporting progress on the job."""
    import time

    from django.utils import timezone

    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    last = [0.0]

    def progress(percent: float) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or percent >= 100:
            last[0] = now
            IngestJob.objects.filter(pk=job.pk).update(progress=round(percent, 1))

    actor = Actor.for_user(job.created_by) if job.created_by else Actor.system("web upload")
    staged = Path(settings.DATA_DIR) / job.staged
    try:
        version = add_version(
            actor,
            job.dataset,
            staged,
            source_name=job.source_name,
            append=job.append,
            sheet=job.sheet or None,
            progress=progress,
            accept_schema_change=job.accept_schema_change,
            encoding=job.encoding or None,
        )
    except Exception as exc:
        IngestJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    finally:
        shutil.rmtree(staged.parent, ignore_errors=True)
    IngestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, version=version, progress=100, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
