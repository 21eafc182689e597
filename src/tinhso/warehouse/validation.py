"""Checking a version against the steward's Table Schema, in DuckDB, set-wise: one query
per check, never a Python loop over rows.

Four steps: the columns (labels) match the schema's fields; each cell fits its field's
type and constraints; the primary key (or the first unique field) holds no repeats; the
errors are sorted by row. Errors follow the Frictionless report's shape — `type`,
`rowNumber`, `fieldName`, `fieldNumber`, `cell`, `message` — so the report reads like one
from `frictionless validate`. At most MAX_ERRORS are listed; the total counts them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from tinhso.warehouse.errors import both
from tinhso.warehouse.schema import BOUNDS, STORAGE, TYPE_LABELS, quoted

MAX_ERRORS = 1000


@dataclass(frozen=True)
class Check:
    """One condition a cell of a field breaks: the error's type (and constraint)."""

    kind: str
    constraint: str
    condition: str
    field: dict[str, Any]
    number: int  # the field's position, from 1


class Found:
    """The errors listed so far and how many there are in all."""

    def __init__(self, first_row: int):
        self.errors: list[dict] = []
        self.total = 0
        self.first_row = first_row

    def add(self, kind: str, make, *, row=None, field=None, number=None, cell=None):
        """One error; `make` builds its message (called in Vietnamese and in English)."""
        error: dict[str, Any] = {"type": kind, **both(make)}
        if row is not None:
            error["rowNumber"] = row + self.first_row
        if field is not None:
            error["fieldName"], error["fieldNumber"] = field, number
        if cell is not None:
            error["cell"] = cell
        self.errors.append(error)

    @property
    def room(self) -> int:
        return MAX_ERRORS - len(self.errors)


def validate(
    con: duckdb.DuckDBPyConnection, table: str, schema: dict[str, Any], first_row: int = 2
) -> tuple[list[dict], int]:
    """Check `table` (read as it came) against `schema`. Returns (errors, how many in all).
    `first_row` is the file row of the table's first row (2 after a CSV header)."""
    found = Found(first_row)
    _labels(con, table, schema, found)
    if found.errors:
        return found.errors, found.total  # cell checks make no sense on the wrong columns
    for check in cell_checks(schema):
        _run(con, table, check, found)
    _repeats(con, table, schema, found)
    found.errors.sort(key=lambda e: (e.get("rowNumber") or 0, e.get("fieldNumber") or 0))
    return found.errors, found.total


def _labels(con: duckdb.DuckDBPyConnection, table: str, schema: dict, found: Found) -> None:
    """Columns the schema asks for and the file lacks, and columns it has in excess."""
    present = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    wanted = [f["name"] for f in schema["fields"]]
    for number, name in enumerate(wanted, start=1):
        if name not in present:
            found.total += 1
            found.add(
                "missing-label",
                lambda name=name: (
                    _("The file has no column “%(name)s” that the schema asks for.")
                    % {"name": name}
                ),
                field=name,
                number=number,
            )
    for number, name in enumerate(present, start=1):
        if name not in wanted:
            found.total += 1
            found.add(
                "extra-label",
                lambda name=name: (
                    _("Column “%(name)s” is not in the schema: add it to the schema or remove it.")
                    % {"name": name}
                ),
                field=name,
                number=number,
            )


def cell_checks(schema: dict[str, Any]) -> list[Check]:
    """Every condition a cell may break: its type, then each constraint."""
    checks: list[Check] = []
    for number, field in enumerate(schema["fields"], start=1):
        col = quoted(field["name"])
        typed = f"TRY_CAST({col} AS {STORAGE[field['type']]})"
        text = f"CAST({col} AS VARCHAR)"
        filled = f"{col} IS NOT NULL AND {text} <> ''"
        constraints = field.get("constraints") or {}
        found: list[tuple[str, str, str]] = []  # (kind, condition, constraint)
        if field["type"] not in ("string", "any", "geojson"):
            found.append(("type-error", f"{filled} AND {typed} IS NULL", ""))
        if constraints.get("required"):
            found.append(("constraint-error", f"NOT ({filled})", "required"))
        for key, condition in BOUNDS.items():
            if key in constraints:
                bound = condition.format(typed=typed, text=text, limit=constraints[key])
                found.append(("constraint-error", bound, key))
        if "pattern" in constraints:
            pattern = "'" + constraints["pattern"].replace("'", "''") + "'"
            matches = f"{filled} AND NOT regexp_full_match({text}, {pattern})"
            found.append(("constraint-error", matches, "pattern"))
        checks += [Check(kind, key, cond, field, number) for kind, cond, key in found]
    return checks


def _run(con: duckdb.DuckDBPyConnection, table: str, check: Check, found: Found) -> None:
    name = check.field["name"]
    rows = con.execute(
        f"SELECT rowid, CAST({quoted(name)} AS VARCHAR), count(*) OVER () "  # noqa: S608
        f"FROM {table} WHERE {check.condition} ORDER BY rowid LIMIT {MAX_ERRORS}"
    ).fetchall()
    if not rows:
        return
    found.total += rows[0][2]
    for rowid, cell, _count in rows[: found.room]:
        found.add(
            check.kind,
            lambda cell=cell: _cell_message(check, cell),
            row=rowid,
            field=name,
            number=check.number,
            cell=cell,
        )


def _repeats(con: duckdb.DuckDBPyConnection, table: str, schema: dict, found: Found) -> None:
    """Rows whose primary key (or first unique field) repeats an earlier row's."""
    fields = schema["fields"]
    columns = (
        schema.get("primaryKey")
        or [f["name"] for f in fields if (f.get("constraints") or {}).get("unique")][:1]
    )
    if not columns:
        return
    cols = ", ".join(quoted(c) for c in columns)
    rows = con.execute(
        f"SELECT rowid, concat_ws(', ', {cols}), count(*) OVER () FROM ("  # noqa: S608
        f"SELECT rowid, {cols}, row_number() OVER (PARTITION BY {cols} ORDER BY rowid) AS n "
        f"FROM {table}) WHERE n > 1 ORDER BY rowid LIMIT {MAX_ERRORS}"
    ).fetchall()
    if not rows:
        return
    found.total += rows[0][2]
    kind = "primary-key" if schema.get("primaryKey") else "unique-error"
    number = [f["name"] for f in fields].index(columns[0]) + 1
    for rowid, cell, _count in rows[: found.room]:
        found.add(
            kind,
            lambda cell=cell: (
                _("“%(value)s” of %(columns)s appears on an earlier row too.")
                % {"value": cell, "columns": ", ".join(columns)}
            ),
            row=rowid,
            field=columns[0],
            number=number,
            cell=cell,
        )


def _cell_message(check: Check, cell) -> str:
    field = check.field
    name = field["name"]
    if check.kind == "type-error":
        return _("“%(cell)s” in %(name)s is not a %(type)s.") % {
            "cell": cell,
            "name": name,
            "type": TYPE_LABELS[field["type"]],
        }
    limit = (field.get("constraints") or {}).get(check.constraint)
    messages = {
        "required": _("%(name)s is required but empty."),
        "minimum": _("%(cell)s in %(name)s is below the minimum %(limit)s."),
        "maximum": _("%(cell)s in %(name)s is above the maximum %(limit)s."),
        "minLength": _("“%(cell)s” in %(name)s is shorter than %(limit)s characters."),
        "maxLength": _("“%(cell)s” in %(name)s is longer than %(limit)s characters."),
        "pattern": _("“%(cell)s” in %(name)s does not match the pattern %(limit)s."),
    }
    return messages[check.constraint] % {"cell": cell, "name": name, "limit": limit}
