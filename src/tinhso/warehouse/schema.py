"""Frictionless Table Schemas for warehouse tables: inferred from what DuckDB read,
edited by the data steward, and checked against every new version in DuckDB, set-wise
(one query per check, never a Python loop over rows).

Errors follow the Frictionless report's shape — `type`, `rowNumber`, `fieldName`,
`fieldNumber`, `cell`, `message` — so the report reads like one from `frictionless
validate`, and is shown as a table on the dataset's page.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Table Schema type → the DuckDB type a column is stored as.
STORAGE = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
    "year": "INTEGER",
    "geojson": "VARCHAR",
    "any": "VARCHAR",
}
TYPES = list(STORAGE)
TYPE_LABELS = {
    "string": gettext_lazy("text"),
    "integer": gettext_lazy("whole number"),
    "number": gettext_lazy("number"),
    "boolean": gettext_lazy("yes/no"),
    "date": gettext_lazy("date"),
    "datetime": gettext_lazy("date and time"),
    "time": gettext_lazy("time"),
    "year": gettext_lazy("year"),
    "geojson": gettext_lazy("geometry (GeoJSON)"),
    "any": gettext_lazy("any"),
}
CONSTRAINTS = ("required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern")
# The bound constraints as SQL conditions a cell breaks (numbers checked by `clean`).
BOUNDS = {
    "minimum": "{typed} < {limit}",
    "maximum": "{typed} > {limit}",
    "minLength": "length({text}) < {limit}",
    "maxLength": "length({text}) > {limit}",
}
MAX_ERRORS = 1000
# Proving a column unique costs a full hash aggregation (1.5 s at 10 million rows, a third
# of reading the file): above this size the key is left for the steward to declare.
KEY_INFERENCE_ROWS = 1_000_000
# Names that usually hold a row's identifier: mã, id, code, số hiệu …
_KEY_NAME = re.compile(r"^(ma|mã|id|code|so_hieu|số hiệu)([ _].*)?$", re.IGNORECASE)


def table_type(duckdb_type: str) -> str:
    """The Table Schema type of a DuckDB column type."""
    kind = duckdb_type.upper()
    if kind in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
        return "integer"
    if kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL"):
        return "number"
    if kind == "BOOLEAN":
        return "boolean"
    if kind == "DATE":
        return "date"
    if kind.startswith("TIMESTAMP"):
        return "datetime"
    if kind == "TIME":
        return "time"
    if kind == "VARCHAR":
        return "string"
    return "any"


def quoted(name: str) -> str:
    """A column name as an SQL identifier (names come from the file or the schema)."""
    return '"' + name.replace('"', '""') + '"'


def field_types(schema: dict | list) -> dict[str, str]:
    """{column: DuckDB storage type} of a stored version's schema (either shape)."""
    fields = as_table_schema(schema).get("fields", [])
    return {f["name"]: f.get("storage") or STORAGE[f["type"]] for f in fields}


def as_table_schema(schema: dict | list) -> dict[str, Any]:
    """A version's schema as a Table Schema (versions stored before them kept
    [{name, type}] with DuckDB types)."""
    if isinstance(schema, list):
        return {
            "fields": [
                {"name": c["name"], "type": table_type(c["type"]), "storage": c["type"]}
                for c in schema
            ]
        }
    return schema


def documented(schema: dict | list, dictionary: dict | None) -> list[dict[str, Any]]:
    """A version's fields with the titles and descriptions of the steward's data
    dictionary, which names the columns even before a version is checked against it."""
    described = {f["name"]: f for f in (dictionary or {}).get("fields", [])}
    return [
        {
            **f,
            **{
                k: v
                for k, v in described.get(f["name"], {}).items()
                if k in ("title", "description")
            },
        }
        for f in as_table_schema(schema)["fields"]
    ]


def infer(con: duckdb.DuckDBPyConnection, table: str, rows: int) -> dict[str, Any]:
    """A Table Schema for `table`: types from DuckDB's reading, `required` where no cell is
    empty, and a primary key when the first identifier-like column is unique (tables up to
    KEY_INFERENCE_ROWS rows)."""
    described = con.execute(f"DESCRIBE {table}").fetchall()
    names = [row[0] for row in described]
    counts = con.execute(
        "SELECT " + ", ".join(f"count({quoted(n)})" for n in names) + f" FROM {table}"  # noqa: S608
    ).fetchone()
    fields = []
    for (name, kind, *_rest), filled in zip(described, counts, strict=True):
        field: dict[str, Any] = {"name": name, "type": table_type(kind), "storage": kind}
        if filled == rows:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    key = next((f for f in fields if _KEY_NAME.match(f["name"]) and f.get("constraints")), None)
    if key is not None and rows <= KEY_INFERENCE_ROWS:
        distinct = con.execute(
            f"SELECT count(DISTINCT {quoted(key['name'])}) FROM {table}"  # noqa: S608
        ).fetchone()[0]
        if distinct == rows:
            key["constraints"]["unique"] = True
            schema["primaryKey"] = [key["name"]]
    return schema


def clean(schema: dict[str, Any]) -> dict[str, Any]:
    """A steward's schema checked and normalised, or ValueError with the reason."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise ValueError(_("A schema lists its fields."))
    out = []
    seen = set()
    for field in fields:
        name = str(field.get("name") or "").strip()
        if not name or name in seen:
            raise ValueError(
                _("Every field needs a name of its own (“%(name)s”).") % {"name": name}
            )
        seen.add(name)
        kind = field.get("type") or "string"
        if kind not in STORAGE:
            raise ValueError(
                _("Field “%(name)s”: unknown type “%(type)s”.") % {"name": name, "type": kind}
            )
        item: dict[str, Any] = {"name": name, "type": kind}
        for key in ("title", "description", "format"):
            if field.get(key):
                item[key] = str(field[key])[:500]
        constraints = {}
        for key, value in (field.get("constraints") or {}).items():
            if key not in CONSTRAINTS or value is None or value is False or value == "":
                continue
            if key in ("required", "unique"):
                constraints[key] = bool(value)
            elif key == "pattern":
                try:
                    re.compile(str(value))
                except re.error as exc:
                    raise ValueError(
                        _("Field “%(name)s”: the pattern is not a regular expression (%(e)s).")
                        % {"name": name, "e": exc}
                    ) from exc
                constraints[key] = str(value)
            else:
                try:
                    number = float(value) if key in ("minimum", "maximum") else int(value)
                    constraints[key] = int(number) if float(number).is_integer() else number
                except (TypeError, ValueError) as exc:
                    raise ValueError(
                        _("Field “%(name)s”: %(key)s must be a number.")
                        % {"name": name, "key": key}
                    ) from exc
        if constraints:
            item["constraints"] = constraints
        out.append(item)
    result: dict[str, Any] = {"fields": out, "missingValues": [""]}
    key = [k for k in schema.get("primaryKey") or [] if k in seen]
    if key:
        result["primaryKey"] = key
    return result


def _error(kind: str, message: str, row=None, field=None, number=None, cell=None) -> dict:
    error: dict[str, Any] = {"type": kind, "message": message}
    if row is not None:
        error["rowNumber"] = row
    if field is not None:
        error["fieldName"] = field
        error["fieldNumber"] = number
    if cell is not None:
        error["cell"] = cell
    return error


def validate(
    con: duckdb.DuckDBPyConnection, table: str, schema: dict[str, Any], first_row: int = 2
) -> tuple[list[dict], int]:
    """Check `table` (read as it came) against `schema`. Returns (errors, how many in all);
    at most MAX_ERRORS are listed. `first_row` is the file row of the table's first row
    (2 after a CSV header)."""
    present = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    errors: list[dict] = []
    total = 0
    wanted = [f["name"] for f in schema["fields"]]
    for number, name in enumerate(wanted, start=1):
        if name not in present:
            total += 1
            errors.append(
                _error(
                    "missing-label",
                    _("The file has no column “%(name)s” that the schema asks for.")
                    % {"name": name},
                    field=name,
                    number=number,
                )
            )
    for number, name in enumerate(present, start=1):
        if name not in wanted:
            total += 1
            errors.append(
                _error(
                    "extra-label",
                    _("Column “%(name)s” is not in the schema: add it to the schema or remove it.")
                    % {"name": name},
                    field=name,
                    number=number,
                )
            )
    if errors:
        return errors, total  # cell checks make no sense on the wrong columns
    checks: list[tuple[str, str, str, int]] = []  # (kind, condition, field, number)
    for number, field in enumerate(schema["fields"], start=1):
        name, col = field["name"], quoted(field["name"])
        storage = STORAGE[field["type"]]
        typed = f"TRY_CAST({col} AS {storage})"
        text = f"CAST({col} AS VARCHAR)"
        present_cell = f"{col} IS NOT NULL AND {text} <> ''"
        if field["type"] not in ("string", "any", "geojson"):
            checks.append(("type-error", f"{present_cell} AND {typed} IS NULL", name, number))
        constraints = field.get("constraints") or {}
        if constraints.get("required"):
            checks.append(("constraint-error:required", f"NOT ({present_cell})", name, number))
        for key, condition in BOUNDS.items():
            if key in constraints:
                bound = condition.format(typed=typed, text=text, limit=constraints[key])
                checks.append((f"constraint-error:{key}", bound, name, number))
        if "pattern" in constraints:
            pattern = "'" + constraints["pattern"].replace("'", "''") + "'"
            checks.append(
                (
                    "constraint-error:pattern",
                    f"{present_cell} AND NOT regexp_full_match({text}, {pattern})",
                    name,
                    number,
                )
            )
    for kind, condition, name, number in checks:
        found = con.execute(
            f"SELECT rowid, CAST({quoted(name)} AS VARCHAR), count(*) OVER () "  # noqa: S608
            f"FROM {table} WHERE {condition} ORDER BY rowid LIMIT {MAX_ERRORS}"
        ).fetchall()
        if not found:
            continue
        total += found[0][2]
        kind, _sep, constraint = kind.partition(":")
        for rowid, cell, _count in found[: MAX_ERRORS - len(errors)]:
            errors.append(
                _error(
                    kind,
                    _cell_message(kind, constraint, name, cell, schema["fields"][number - 1]),
                    row=rowid + first_row,
                    field=name,
                    number=number,
                    cell=cell,
                )
            )
    columns = (
        schema.get("primaryKey")
        or [f["name"] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")][:1]
    )
    if columns:
        cols = ", ".join(quoted(c) for c in columns)
        found = con.execute(
            f"SELECT rowid, concat_ws(', ', {cols}), count(*) OVER () FROM ("  # noqa: S608
            f"SELECT rowid, {cols}, row_number() OVER (PARTITION BY {cols} ORDER BY rowid) AS n "
            f"FROM {table}) WHERE n > 1 ORDER BY rowid LIMIT {MAX_ERRORS}"
        ).fetchall()
        if found:
            total += found[0][2]
            kind = "primary-key" if schema.get("primaryKey") else "unique-error"
            for rowid, cell, _count in found[: MAX_ERRORS - len(errors)]:
                errors.append(
                    _error(
                        kind,
                        _("“%(value)s” of %(columns)s appears on an earlier row too.")
                        % {"value": cell, "columns": ", ".join(columns)},
                        row=rowid + first_row,
                        field=columns[0],
                        number=wanted.index(columns[0]) + 1,
                        cell=cell,
                    )
                )
    errors.sort(key=lambda e: (e.get("rowNumber") or 0, e.get("fieldNumber") or 0))
    return errors, total


def _cell_message(kind: str, constraint: str, name: str, cell, field: dict) -> str:
    if kind == "type-error":
        return _("“%(cell)s” in %(name)s is not a %(type)s.") % {
            "cell": cell,
            "name": name,
            "type": TYPE_LABELS[field["type"]],
        }
    limit = (field.get("constraints") or {}).get(constraint)
    messages = {
        "required": _("%(name)s is required but empty."),
        "minimum": _("%(cell)s in %(name)s is below the minimum %(limit)s."),
        "maximum": _("%(cell)s in %(name)s is above the maximum %(limit)s."),
        "minLength": _("“%(cell)s” in %(name)s is shorter than %(limit)s characters."),
        "maxLength": _("“%(cell)s” in %(name)s is longer than %(limit)s characters."),
        "pattern": _("“%(cell)s” in %(name)s does not match the pattern %(limit)s."),
    }
    return messages[constraint] % {"cell": cell, "name": name, "limit": limit}


def select_typed(schema: dict[str, Any]) -> str:
    """The SELECT list that stores a validated table with the schema's types."""
    return ", ".join(
        f"CAST({quoted(f['name'])} AS {STORAGE[f['type']]}) AS {quoted(f['name'])}"
        for f in schema["fields"]
    )


def with_storage(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each field's DuckDB storage type written in (for readers)."""
    return {
        **schema,
        "fields": [{**f, "storage": STORAGE[f["type"]]} for f in schema["fields"]],
    }
