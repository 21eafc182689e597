"""A dataset kept in parts: each version one Hive part, the sandbox's table every part's
newest version; the same file twice changes nothing; access applies to every part."""

from __future__ import annotations

import duckdb
import pytest

from tinhso.agencies.models import Agency
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.warehouse import actions, sandbox
from tinhso.warehouse.models import Access

pytestmark = pytest.mark.django_db


def parquet(folder, name: str, values: list[float]):
    path = folder / name
    rows = ", ".join(f"({v})" for v in values)
    duckdb.connect().execute(
        f"COPY (SELECT * FROM (VALUES {rows}) AS t(value)) TO '{path}' (FORMAT parquet)"  # noqa: S608
    )
    return path


@pytest.fixture
def parted(system):
    return actions.create_dataset(
        system, slug="phan-thu", title="Bảng theo tháng", owner=Agency.objects.get(code="SXD"),
        access=Access.OPEN,
    )  # fmt: skip


def test_parts_read_as_one_table_and_a_part_written_again_replaces_its_old_version(
    parted, system, tmp_path
):
    first = actions.add_part(system, parted, "month=2026-01", parquet(tmp_path, "a", [1, 2]))
    actions.add_part(system, parted, "month=2026-02", parquet(tmp_path, "b", [10]))
    assert first.path.parent.name == "month=2026-01" and first.rows == 2
    sql = 'SELECT month, sum(value), count(*) FROM "phan-thu" GROUP BY 1 ORDER BY 1'
    assert sandbox.run(Actor.citizen(), sql).rows == [("2026-01", 3, 2), ("2026-02", 10, 1)]

    same = actions.add_part(system, parted, "month=2026-01", parquet(tmp_path, "c", [1, 2]))
    assert same.pk == first.pk
    actions.add_part(system, parted, "month=2026-01", parquet(tmp_path, "d", [1, 2, 4]))
    assert sandbox.run(Actor.citizen(), sql).rows == [("2026-01", 7, 3), ("2026-02", 10, 1)]
    assert [v.number for v in parted.versions.all()] == [3, 2, 1]
    assert AuditEntry.objects.filter(action="warehouse.add_version").count() >= 3


def test_every_part_of_a_private_dataset_stays_private(parted, system, tmp_path):
    actions.update_metadata(system, parted, access=Access.PRIVATE)
    actions.add_part(system, parted, "month=2026-01", parquet(tmp_path, "a", [1]))
    with pytest.raises(sandbox.QueryRefused):
        sandbox.run(Actor.citizen(), 'SELECT * FROM "phan-thu"')
    assert sandbox.run(system, 'SELECT count(*) FROM "phan-thu"').rows == [(1,)]


def test_a_part_name_must_be_a_hive_partition(parted, system, tmp_path):
    with pytest.raises(ValueError):
        actions.add_part(system, parted, "../../etc", parquet(tmp_path, "a", [1]))
