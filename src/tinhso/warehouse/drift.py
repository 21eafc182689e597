"""What a new version changes in the table's shape, checked before it goes live.

A column that disappears (or is renamed: one gone, one new) or changes its type since the
previous accepted version breaks whoever reads the dataset — a chart, an agency's
system, a join on a code. Such a version is rejected with a report of each change unless
the steward confirms the new shape. Rows added to the current version (append) must have
the same columns, and a key declared unique stays proven unique over the whole table.
Errors follow the Frictionless report's shape like the rest of the validation report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.warehouse.duck import sql_string
from tinhso.warehouse.errors import both
from tinhso.warehouse.schema import TYPE_LABELS, as_table_schema, quoted

MAX_LISTED = 1000
# A column of whole numbers that now holds decimals still reads as a number.
_WIDENING = {("integer", "number")}


def _fields(schema: dict | list) -> dict[str, dict]:
    return {f["name"]: f for f in as_table_schema(schema).get("fields", [])}


def _label(kind: str) -> str:
    return str(TYPE_LABELS.get(kind, kind))


def changes(previous: dict | list, new: dict | list, number: int) -> list[dict]:
    """Each column removed or changed in type since version `number`."""
    old, now = _fields(previous), _fields(new)
    added = [name for name in now if name not in old]
    errors = []
    for position, (name, field) in enumerate(old.items(), start=1):
        if name not in now:

            def missing(name: str = name) -> str:
                message = _("Column “%(name)s” of version %(n)s is missing.") % {
                    "name": name,
                    "n": number,
                }
                if added:
                    message += " " + _("Renamed? New columns: %(added)s.") % {
                        "added": ", ".join(added)
                    }
                return message

            errors.append(_error(name, position, missing))
        elif (field["type"], now[name]["type"]) not in _WIDENING and field["type"] != now[name][
            "type"
        ]:
            errors.append(
                _error(
                    name,
                    position,
                    lambda name=name, field=field: (
                        _(
                            "Column “%(name)s” held %(old)s in version %(n)s and holds %(new)s "
                            "now: a cell written differently (in words, with units) changes the "
                            "whole column."
                        )
                        % {
                            "name": name,
                            "old": _label(field["type"]),
                            "new": _label(now[name]["type"]),
                            "n": number,
                        }
                    ),
                )
            )
    return errors


def append_mismatch(previous: dict | list, new: dict | list) -> list[dict]:
    """Rows added to the current version must come with exactly its columns."""
    old, now = _fields(previous), _fields(new)
    errors = []
    for position, name in enumerate(now, start=1):
        if name not in old:
            errors.append(
                _error(
                    name,
                    position,
                    _(
                        "Column “%(name)s” is not in the current version: rows can be added "
                        "only with the same columns."
                    )
                    % {"name": name},
                )
            )
    for position, name in enumerate(old, start=1):
        if name not in now:
            errors.append(
                _error(
                    name,
                    position,
                    lambda name=name: (
                        _("The file lacks column “%(name)s” that the current version has.")
                        % {"name": name}
                    ),
                )
            )
    return errors


def repeated_keys(parquet: Path, key: list[str]) -> tuple[list[dict], int]:
    """Values of the primary key that occur more than once in the whole table."""
    cols = ", ".join(quoted(c) for c in key)
    con = duckdb.connect()
    try:
        found = con.execute(
            f"SELECT concat_ws(', ', {cols}), count(*) OVER () FROM read_parquet("  # noqa: S608
            f"{sql_string(parquet)}) GROUP BY {cols} HAVING count(*) > 1 LIMIT {MAX_LISTED}"
        ).fetchall()
    finally:
        con.close()
    errors = [
        {
            "type": "primary-key",
            "fieldName": key[0],
            "cell": value,
            **both(
                lambda value=value: (
                    _("“%(value)s” of %(columns)s would appear more than once.")
                    % {"value": value, "columns": ", ".join(key)}
                )
            ),
        }
        for value, _total in found
    ]
    return errors, (found[0][1] if found else 0)


def _error(name: str, position: int, make: Callable[[], str]) -> dict:
    return {"type": "schema-change", "fieldName": name, "fieldNumber": position, **both(make)}
