"""Background work of the warehouse."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.actors import Actor


@task()
def publish_code_tables() -> str:
    """Keep the shared code tables (units, agencies) in step with the platform."""
    from tinhso.warehouse.codetables import publish

    changed = publish(Actor.system("code tables"))
    return ", ".join(changed) or "unchanged"


@task()
def pull_sources() -> str:
    """Pull the datasets whose URL is due (each on its own update frequency)."""
    from tinhso.warehouse.pulls import pull_due

    done = pull_due()
    return "; ".join(f"{slug}: {status}" for slug, status in done.items()) or "nothing due"


@task()
def run_ingest_job(job_id: int) -> str:
    """Read a file uploaded through the web into a new version."""
    from tinhso.warehouse.actions import run_job
    from tinhso.warehouse.models import IngestJob, JobStatus

    job = IngestJob.objects.select_related("dataset", "created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return f"already {job.status}"
    job = run_job(job)
    return f"{job.dataset.slug} v{job.version.number}: {job.version.status}"


@task()
def build_serving_copy(version_id: int) -> str:
    """The DuckDB copy the rows API reads for a big version."""
    from tinhso.warehouse import serving
    from tinhso.warehouse.models import DatasetVersion

    version = DatasetVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "gone"
    path = serving.build(version)
    return str(path) if path else "small: served from Parquet"
