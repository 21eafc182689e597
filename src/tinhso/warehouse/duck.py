"""Small pieces every DuckDB caller in the warehouse shares."""

from __future__ import annotations

from pathlib import Path


def sql_string(path: Path | str) -> str:
    """A file path as an SQL string literal. DuckDB's COPY and table functions take no
    parameters for file names; the paths are the platform's own, never a caller's."""
    return "'" + str(path).replace("'", "''") + "'"
