"""Turning an uploaded file into a Parquet file, or into a report of why not.

`readers` makes the file readable by DuckDB (encodings, XLSX sheets, geometry); DuckDB
streams it straight into a Parquet file, its memory capped, the checksum taken beside it.
Rows the CSV reader cannot read reject the version (`rejects`). Only a file that must be
checked against a steward's Table Schema (`schema`) or gain columns (`enrich`: the 2025
communes, WGS 84 from VN-2000) is loaded into a table first and written back.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.warehouse import checksums, enrich, geo, readers, rejects, validation
from tinhso.warehouse import schema as tableschema
from tinhso.warehouse.duck import sql_string
from tinhso.warehouse.errors import IngestError

MEMORY_LIMIT = "1GB"  # DuckDB spills to the workspace beyond this
PARQUET = "(FORMAT parquet, COMPRESSION zstd)"


@dataclass
class Ingested:
    parquet: Path
    rows: int
    schema: dict
    encoding: str
    sha256: str
    notes: list[str] = field(default_factory=list)


Progress = Callable[[float], None]


@contextmanager
def _watching(con: duckdb.DuckDBPyConnection, progress: Progress | None, low: float, high: float):
    """Report the running statement's progress, as DuckDB measures it, scaled into
    [low, high] percent, from a thread that polls the connection."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def poll():
        last = -1.0
        while not stop.wait(0.25):
            done = con.query_progress()
            if done >= 0 and done != last:
                last = done
                progress(low + (high - low) * min(done, 100.0) / 100.0)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        progress(high)


def to_parquet(
    path: Path,
    folder: Path,
    *,
    sheet: str | None = None,
    schema: dict | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> Ingested:
    """Read `path` (by its extension) into `folder`/data.parquet, or raise IngestError.
    With a steward's `schema`, cells are read as text and checked against it; without,
    the types DuckDB infers become the version's schema."""
    checksum = checksums.Checksum(path)
    try:
        source = readers.readable(path, folder, sheet=sheet, encoding=encoding)
    except IngestError as exc:
        exc.sha256 = checksum.result()
        raise

    def refuse(message, errors=(), total: int = 0) -> IngestError:
        return IngestError(message, checksum.result(), source.encoding, list(errors), total)

    target = folder / "data.parquet"
    con = _connection(folder)
    try:
        with _watching(con, progress, 0, 90):
            con.execute(
                f"COPY (SELECT * FROM {source.reader(folder, as_text=bool(schema))}) "  # noqa: S608
                f"TO {sql_string(target)} {PARQUET}",
                [str(source.path)],
            )
        if source.kind == "csv":
            rejects.check(con, refuse, source.path)
        rewrite = bool(schema) or enrich.wanted(_names(con, target))
        rows = _open(con, target, as_table=rewrite)
        if rows == 0:
            raise refuse(lambda: _("The file has no data rows."))
        if schema:
            _conform(con, schema, refuse, first_row=2 if source.kind == "csv" else 1)
        notes = list(source.notes)
        if rewrite:
            notes += enrich.old_units(con, "incoming") + enrich.vn2000(con, "incoming")
            with _watching(con, progress, 90, 100):
                con.execute(f"COPY incoming TO {sql_string(target)} {PARQUET}")
        schema = _final_schema(con, rows, schema)
    except duckdb.Error as exc:
        target.unlink(missing_ok=True)
        raise refuse(
            lambda exc=exc: _("The file could not be read as a table: %(reason)s") % {"reason": exc}
        ) from exc
    except IngestError:
        target.unlink(missing_ok=True)  # nothing of a rejected file is kept
        raise
    finally:
        con.close()
    # A text file's encoding; for other files, their own format (not the CSV or NDJSON
    # they were turned into for DuckDB).
    encoding = source.encoding or path.suffix.lstrip(".").lower() or source.kind
    return Ingested(target, rows, schema, encoding, checksum.result(), notes)


def _connection(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with its memory capped, spilling into `folder`; progress is
    measured for the watcher, never printed on the terminal."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {sql_string(folder / 'spill')}")
    return con


def _names(con: duckdb.DuckDBPyConnection, parquet: Path) -> list[str]:
    """The column names of a Parquet file, from its footer."""
    described = con.execute(f"DESCRIBE FROM read_parquet({sql_string(parquet)})").fetchall()  # noqa: S608
    return [row[0] for row in described]


def _open(con: duckdb.DuckDBPyConnection, target: Path, *, as_table: bool) -> int:
    """`incoming`: the written file as a view, or, when it will be checked by row number or
    gain columns, as a table (spilling if big) written back at the end. Returns its rows."""
    kind = "TABLE" if as_table else "VIEW"
    con.execute(f"CREATE {kind} incoming AS FROM read_parquet({sql_string(target)})")  # noqa: S608
    return con.execute("SELECT count(*) FROM incoming").fetchone()[0]


def _conform(con: duckdb.DuckDBPyConnection, schema: dict, refuse, *, first_row: int) -> None:
    """Check the text cells of `incoming` against the steward's schema, then type them."""
    errors, total = validation.validate(con, "incoming", schema, first_row=first_row)
    if errors:
        raise refuse(
            lambda: (
                _("%(n)s errors against the dataset's schema; nothing was stored.") % {"n": total}
            ),
            errors,
            total,
        )
    con.execute(
        "CREATE OR REPLACE TABLE incoming AS "  # noqa: S608
        f"SELECT {tableschema.select_typed(schema)} FROM incoming ORDER BY rowid"
    )


def _final_schema(con, rows: int, schema: dict | None) -> dict:
    """The steward's schema with any added columns, or the inferred one."""
    if not schema:
        schema = tableschema.infer(con, "incoming", rows)
    else:
        schema = tableschema.with_storage(schema)
        known = {f["name"] for f in schema["fields"]}
        for name, kind, *_rest in con.execute("DESCRIBE incoming").fetchall():
            if name not in known:
                schema["fields"].append(
                    {"name": name, "type": tableschema.table_type(kind), "storage": kind}
                )
    for field_ in schema["fields"]:
        if field_["name"] == geo.GEOMETRY and field_["type"] == "string":
            field_["type"] = "geojson"
    return schema


def append(previous: Path, new: Path, folder: Path) -> tuple[Path, int]:
    """The rows of both files (columns matched by name) in `folder`/appended.parquet."""
    target = folder / "appended.parquet"
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_parquet({sql_string(previous)}) UNION ALL BY NAME "  # noqa: S608
            f"SELECT * FROM read_parquet({sql_string(new)})) TO {sql_string(target)} {PARQUET}"
        )
        rows = con.execute(
            f"SELECT count(*) FROM read_parquet({sql_string(target)})"  # noqa: S608
        ).fetchone()[0]
    finally:
        con.close()
    return target, rows


def with_types_of(parquet: Path, schema: dict) -> dict:
    """`schema` with each field's type and storage read from the file (after rows were
    appended, so the stored schema and the data file agree)."""
    con = duckdb.connect()
    try:
        described = dict(
            (row[0], row[1])
            for row in con.execute(
                f"DESCRIBE FROM read_parquet({sql_string(parquet)})"  # noqa: S608
            ).fetchall()
        )
    finally:
        con.close()
    fields = []
    for field_ in schema["fields"]:
        kind = described.get(field_["name"])
        if kind is not None and field_.get("storage") != kind:
            field_ = {**field_, "storage": kind, "type": tableschema.table_type(kind)}
        fields.append(field_)
    return {**schema, "fields": fields}


def workspace() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="tinhso-ingest-")
