"""`tinhso data ingest` returns once the version is accepted: the rows API's fast copy of
a big version is left to the task worker (the rows are read from Parquet meanwhile),
unless the steward asks for it with --serve-now."""

import io

import duckdb
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tinhso.warehouse import rows, serving
from tinhso.warehouse.models import Dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(tmp_path):
    path = tmp_path / "lon.csv"
    duckdb.sql(
        "COPY (SELECT i AS id, i % 7 AS nhom FROM range(120000) t(i)) "
        f"TO '{path}' (HEADER, DELIMITER ',')"
    )
    return path


def test_the_fast_copy_is_left_to_the_worker(big, system, django_capture_on_commit_callbacks):
    out = io.StringIO()
    # The command runs outside any transaction: the task is queued once the version is in.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("data", "ingest", str(big), "--dataset", "lon", "--agency", "SXD", stdout=out)
    version = Dataset.objects.get(slug="lon").current
    assert not serving.copy_path(version).exists()
    assert "--serve-now" in out.getvalue()
    queued = DBTaskResult.objects.filter(task_path__endswith="build_serving_copy")
    assert [r.args_kwargs["args"] for r in queued] == [[version.pk]]
    # Queryable at once, from the Parquet file.
    assert rows.page(system, "lon", {"nhom": "3", "_limit": "1", "_sort": "-id"}).rows == [
        (119997, 3)
    ]


def test_serve_now_builds_it_before_returning(big):
    out = io.StringIO()
    call_command(
        "data", "ingest", str(big), "--dataset", "lon", "--agency", "SXD", "--serve-now",
        stdout=out,
    )  # fmt: skip
    assert serving.copy_path(Dataset.objects.get(slug="lon").current).exists()
    assert "--serve-now" not in out.getvalue()
