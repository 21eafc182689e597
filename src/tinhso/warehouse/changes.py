"""What changed between a version and the accepted version before it."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.core.access import NotFound
from tinhso.core.actors import Actor
from tinhso.warehouse import access
from tinhso.warehouse import schema as tableschema
from tinhso.warehouse.duck import sql_string
from tinhso.warehouse.models import VersionStatus


def between(actor: Actor, slug: str, number: int, *, sample: int = 50) -> dict:
    from tinhso.warehouse import rows  # the SQL parser it brings is not needed for `diff`

    dataset = access.dataset_for_reader(actor, slug)
    accepted = dataset.versions.filter(status=VersionStatus.ACCEPTED)
    version = accepted.filter(number=number).first()
    if version is None:
        raise NotFound(_("No accepted version %(n)s of this dataset.") % {"n": number})
    previous = accepted.filter(number__lt=number).order_by("-number").first()
    if previous is None:
        return {
            "number": number,
            "previous": None,
            "added": version.rows,
            "removed": 0,
            "columns": [],
            "columns_added": [],
            "columns_removed": [],
        }
    found = diff(previous.path, version.path, sample=sample)
    rows.audit_read(actor, dataset, {"_diff": number})
    return {"number": number, "previous": previous.number, **found}


def diff(previous: Path, new: Path, *, sample: int = 0) -> dict:
    """Rows added and removed between two versions (compared on the columns both have,
    duplicates counted), the columns added and removed, and up to `sample` rows of each.

    The counts come from one pass over each file: every row's 64-bit hash over the common
    columns, counted per hash on each side, the surplus of each side summed — a quarter
    of the time of two `EXCEPT ALL`s over whole rows at 10,000,000 rows
    (docs/performance.md). Two different rows with the same hash would be counted as the
    same row: at 10,000,000 rows a side, a chance of about one in 100,000 of being one row
    off. The sample rows, asked for on the version's page, are found by `EXCEPT ALL`."""
    con = duckdb.connect()
    try:
        old_cols, new_cols = (
            [r[0] for r in con.execute(f"DESCRIBE FROM read_parquet({sql_string(p)})").fetchall()]
            for p in (previous, new)
        )
        common = ", ".join(tableschema.quoted(c) for c in new_cols if c in old_cols)
        result: dict = {
            "columns_added": [c for c in new_cols if c not in old_cols],
            "columns_removed": [c for c in old_cols if c not in new_cols],
            "columns": [c for c in new_cols if c in old_cols],
        }
        if not common:
            return {**result, "added": None, "removed": None}
        counted = "SELECT hash({common}) AS h, count(*) AS n FROM read_parquet({path}) GROUP BY 1"
        # Only names from the files' own schemas and quoted paths go into the text.
        added, removed = con.execute(
            f"WITH o AS ({counted.format(common=common, path=sql_string(previous))}), "  # noqa: S608
            f"w AS ({counted.format(common=common, path=sql_string(new))}) "
            "SELECT coalesce(sum(greatest(coalesce(w.n, 0) - coalesce(o.n, 0), 0)), 0), "
            "coalesce(sum(greatest(coalesce(o.n, 0) - coalesce(w.n, 0), 0)), 0) "
            "FROM o FULL OUTER JOIN w USING (h)"
        ).fetchone()
        result["added"], result["removed"] = int(added), int(removed)
        if sample:
            for key, first, second in (("added", new, previous), ("removed", previous, new)):
                query = (
                    f"SELECT {common} FROM read_parquet({sql_string(first)}) EXCEPT ALL "  # noqa: S608
                    f"SELECT {common} FROM read_parquet({sql_string(second)})"
                )
                result[key + "_rows"] = (
                    con.execute(f"{query} LIMIT {int(sample)}").fetchall() if result[key] else []
                )
        return result
    finally:
        con.close()
