"""Rows DuckDB's CSV reader refused, as Frictionless errors in the user's language.
Any such row rejects the version, each one listed (row, column, message)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.warehouse.errors import IngestError, both

REJECT_TYPES = {
    "CAST": "type-error",
    "MISSING COLUMNS": "missing-cell",
    "TOO MANY COLUMNS": "extra-cell",
    "INVALID ENCODING": "encoding-error",
}
_CAST = re.compile(r"string [\"'](.*)[\"'] to [\"']?(\w+)", re.DOTALL)


def reject(line: int, index, column, kind: str, csv_line: str, detail: str) -> dict:
    """A row DuckDB's CSV reader refused, as a Frictionless error in Vietnamese and
    English."""
    error: dict = {"type": REJECT_TYPES.get(kind, "source-error"), "rowNumber": line}
    if column and kind == "CAST":
        error["fieldName"], error["fieldNumber"] = column, index  # DuckDB counts from 1 here
    cast = _CAST.search(detail or "")
    if error["type"] == "type-error" and cast:
        error["cell"] = cast.group(1)
        error.update(
            both(
                lambda: (
                    _(
                        "“%(cell)s” in %(name)s does not fit the column's type (%(type)s) that the "
                        "rest of the file has; correct the cell, or make the column text in the "
                        "schema."
                    )
                    % {"cell": cast.group(1), "name": column, "type": cast.group(2)}
                )
            )
        )
    elif error["type"] == "missing-cell":
        error.update(both(lambda: _("The row has fewer cells than the header.")))
    elif error["type"] == "extra-cell":
        error.update(both(lambda: _("The row has more cells than the header.")))
    elif error["type"] == "encoding-error":
        error.update(
            both(lambda: _("The row holds bytes that are not text in the file's encoding."))
        )
    else:
        error.update(
            both(lambda: _("The row could not be read (%(detail)s).") % {"detail": detail})
        )
    return error


# How much of a refused file is scanned for unclosed quotes (the refusal path only).
QUOTE_SCAN_BYTES = 256 * 1024 * 1024


# A quoted cell may hold line breaks; one that spans more lines than this is taken for an
# opening quote that was never closed.
CELL_LINES = 50


def unclosed_quotes(path: Path, limit: int = 20) -> list[int]:
    """Lines (from 1) where a double quote opens a cell that is never closed — what makes
    a CSV reader run the following cells, or lines, together. A line with an odd number of
    quotes opens a cell; the next such line within CELL_LINES closes it (a cell holding a
    line break); an opening left without one is reported."""
    found: list[int] = []
    opened: int | None = None
    read = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            read += len(line)
            if opened is not None and number - opened > CELL_LINES:
                found.append(opened)
                opened = None
            if line.count(b'"') % 2:
                opened = number if opened is None else None
            if len(found) >= limit or read > QUOTE_SCAN_BYTES:
                break
    if opened is not None and len(found) < limit:
        found.append(opened)
    return found


def check(con: duckdb.DuckDBPyConnection, refuse: Callable[..., IngestError], source: Path) -> None:
    """Raise with the rows DuckDB's CSV reader could not read, if any; an unclosed quote
    that caused them is named first, as such."""
    # DuckDB lists a row with several extra cells once per cell; the row is one error.
    distinct = (
        "SELECT line, error_type, any_value(column_idx) AS column_idx, "
        "any_value(column_name) AS column_name, any_value(csv_line) AS csv_line, "
        "any_value(error_message) AS error_message FROM reject_errors "
        "GROUP BY line, error_type, CASE WHEN error_type = 'CAST' THEN column_idx END"
    )
    rejects = con.execute(
        "SELECT line, column_idx, column_name, error_type, csv_line, error_message "  # noqa: S608
        f"FROM ({distinct}) ORDER BY line, column_idx LIMIT 1000"
    ).fetchall()
    if not rejects:
        return
    total, lines = con.execute(
        f"SELECT count(*), count(DISTINCT line) FROM ({distinct})"  # noqa: S608
    ).fetchone()
    errors = [reject(*row) for row in rejects]
    quotes = [
        {
            "type": "source-error",
            "rowNumber": line,
            **both(
                lambda line=line: (
                    _(
                        'A quote (") opens a cell on line %(line)s and is never closed: the '
                        "cells after it run together. Close the quote, or remove it."
                    )
                    % {"line": line}
                )
            ),
        }
        for line in unclosed_quotes(source)
    ]
    if quotes:
        raise refuse(
            lambda: (
                _("%(n)s unclosed quotes make the file unreadable; nothing was stored.")
                % {"n": len(quotes)}
            ),
            quotes + errors,
            total + len(quotes),
        )
    raise refuse(
        lambda: (
            _("%(n)s rows could not be read (%(errors)s errors); nothing was stored.")
            % {"n": lines, "errors": total}
        ),
        errors,
        total,
    )
