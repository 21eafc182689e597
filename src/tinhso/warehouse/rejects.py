"""Rows DuckDB's CSV reader refused, as Frictionless errors in the user's language.
Any such row rejects the version, each one listed (row, column, message)."""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb
from django.utils.translation import gettext as _

from tinhso.warehouse.errors import IngestError

REJECT_TYPES = {
    "CAST": "type-error",
    "MISSING COLUMNS": "missing-cell",
    "TOO MANY COLUMNS": "extra-cell",
    "INVALID ENCODING": "encoding-error",
}
_CAST = re.compile(r"string [\"'](.*)[\"'] to [\"']?(\w+)", re.DOTALL)


def reject(line: int, index, column, kind: str, csv_line: str, detail: str) -> dict:
    """A row DuckDB's CSV reader refused, as a Frictionless error in the user's language."""
    error = {"type": REJECT_TYPES.get(kind, "source-error"), "rowNumber": line}
    if column and kind == "CAST":
        error["fieldName"], error["fieldNumber"] = column, index  # DuckDB counts from 1 here
    cast = _CAST.search(detail or "")
    if error["type"] == "type-error" and cast:
        error["cell"] = cast.group(1)
        error["message"] = _(
            "“%(cell)s” in %(name)s does not fit the column's type (%(type)s) that the rest of "
            "the file has; correct the cell, or make the column text in the schema."
        ) % {"cell": cast.group(1), "name": column, "type": cast.group(2)}
    elif error["type"] == "missing-cell":
        error["message"] = _("The row has fewer cells than the header.")
    elif error["type"] == "extra-cell":
        error["message"] = _("The row has more cells than the header.")
    elif error["type"] == "encoding-error":
        error["message"] = _("The row holds bytes that are not text in the file's encoding.")
    else:
        error["message"] = _("The row could not be read (%(detail)s).") % {"detail": detail}
    return error


def check(con: duckdb.DuckDBPyConnection, refuse: Callable[..., IngestError]) -> None:
    """Raise with the rows DuckDB's CSV reader could not read, if any."""
    rejects = con.execute(
        "SELECT line, column_idx, column_name, error_type, csv_line, error_message "
        "FROM reject_errors ORDER BY line LIMIT 1000"
    ).fetchall()
    if not rejects:
        return
    total, lines = con.execute(
        "SELECT count(*), count(DISTINCT line) FROM reject_errors"
    ).fetchone()
    raise refuse(
        _("%(n)s rows could not be read; nothing was stored.") % {"n": lines},
        [reject(*row) for row in rejects],
        total,
    )
