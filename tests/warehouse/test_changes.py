"""The difference between two versions counted in one pass of row hashes gives what two
`EXCEPT ALL`s over whole rows give: rows added and removed, duplicates counted, on the
columns both versions have."""

import duckdb
import pytest

from tinhso.warehouse.changes import diff


def write(path, sql: str) -> None:
    duckdb.sql(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")


def except_all(first, second, columns: str) -> int:
    query = (
        f"SELECT {columns} FROM read_parquet('{first}') EXCEPT ALL "
        f"SELECT {columns} FROM read_parquet('{second}')"
    )
    return duckdb.sql(f"SELECT count(*) FROM ({query})").fetchall()[0][0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_are_those_of_except_all(tmp_path, seed):
    old, new = tmp_path / "old.parquet", tmp_path / "new.parquet"
    # Small value ranges, so that many rows repeat: duplicates must be counted as such.
    write(old, f"SELECT (hash(i, {seed}) % 50)::INT AS a, (hash(i, {seed} + 9) % 3)::INT AS b, "
               "'x' AS gone FROM range(5000) t(i)")  # fmt: skip
    write(new, f"SELECT (hash(i, {seed} + 1) % 50)::INT AS a, (hash(i, {seed} + 9) % 3)::INT AS b, "
               "NULL::VARCHAR AS note FROM range(4000) t(i)")  # fmt: skip
    found = diff(old, new, sample=5)
    assert found["added"] == except_all(new, old, "a, b") > 0
    assert found["removed"] == except_all(old, new, "a, b") > 0
    assert (found["columns_added"], found["columns_removed"]) == (["note"], ["gone"])
    assert len(found["added_rows"]) == 5 and len(found["removed_rows"]) == 5


def test_a_row_kept_once_of_two_is_one_removed_and_the_same_file_changes_nothing(tmp_path):
    old, new = tmp_path / "old.parquet", tmp_path / "new.parquet"
    write(old, "SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, NULL)) t(k, v)")
    write(new, "SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) t(k, v)")
    found = diff(old, new, sample=10)
    assert (found["added"], found["removed"]) == (1, 1)
    assert found["added_rows"] == [(3, "c")] and found["removed_rows"] == [(1, "a")]
    same = diff(old, old, sample=10)
    assert (same["added"], same["removed"], same["added_rows"]) == (0, 0, [])
