"""What changed between a version and the accepted version before it."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.core.access import NotFound
from tinhso.core.actors import Actor
from tinhso.warehouse import access, rows
from tinhso.warehouse import schema as tableschema
from tinhso.warehouse.duck import sql_string
from tinhso.warehouse.models import VersionStatus


def between(actor: Actor, slug: str, number: int, *, sample: int = 50) -> dict:
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
    duplicates counted), the columns added and removed, and up to `sample` rows of each."""
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
        for key, first, second in (("added", new, previous), ("removed", previous, new)):
            query = (
                f"SELECT {common} FROM read_parquet({sql_string(first)}) EXCEPT ALL "  # noqa: S608
                f"SELECT {common} FROM read_parquet({sql_string(second)})"
            )
            result[key] = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]  # noqa: S608
            if sample:
                result[key + "_rows"] = con.execute(f"{query} LIMIT {int(sample)}").fetchall()
        return result
    finally:
        con.close()
