"""Turning an uploaded file into a Parquet file, or into a report of why not.

CSV and TSV: the delimiter, header and column types are inferred by DuckDB; a file in a
legacy Vietnamese encoding (TCVN3, VNI, VISCII, Windows-1258) is first converted to UTF-8
through the text engine. XLSX: the chosen sheet (the first by default) is streamed row by
row into a CSV (whole-number cells as integers, dates as ISO dates), then read the same
way. JSON (an array of objects), NDJSON and Parquet are read by DuckDB directly.

Rows DuckDB cannot read are collected; any such row rejects the version, with each one
listed (row, column, message), as Frictionless reports do. CSV, JSON and Parquet are
streamed by DuckDB; an XLSX sheet is held in memory by calamine while it is converted.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.textengine import legacy
from tinhso.warehouse import enrich, geo
from tinhso.warehouse import schema as tableschema
from tinhso.warehouse.errors import IngestError

SAMPLE = 256 * 1024


@dataclass
class Ingested:
    parquet: Path
    rows: int
    schema: dict
    encoding: str
    sha256: str
    notes: list[str] = field(default_factory=list)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _encoding(path: Path) -> str:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE)
    encoding = legacy.sniff(sample, complete=len(sample) < SAMPLE)
    if encoding is None:
        raise IngestError(_("This is not a text file: save it as CSV (UTF-8) and try again."))
    return encoding


def _as_utf8(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy of a legacy-encoded file, converted line by line."""
    target = folder / "utf8.csv"
    if encoding == "utf-16":
        with (
            path.open(encoding="utf-16", newline="") as src,
            target.open("w", encoding="utf-8", newline="") as out,
        ):
            while chunk := src.read(1 << 20):
                out.write(chunk)
        return target
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as out:
        for line in src:
            out.write(legacy.decode_as(line, encoding))
    return target


FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
    ".parquet": "parquet",
    ".geojson": "geo",
    ".zip": "geo",
}


def file_format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            _(
                "Files of type “%(ext)s” are not read; send CSV, TSV, XLSX, JSON, NDJSON, "
                "GeoJSON, a zipped Shapefile or Parquet."
            )
            % {"ext": path.suffix or "?"}
        )
    if kind == "json" and path.suffix.lower() == ".json" and geo.is_geojson(path):
        return "geo"
    return kind


def _xlsx_to_csv(path: Path, sheet: str | None, folder: Path) -> Path:
    import csv
    import datetime as dt

    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own errors on bad files
        raise IngestError(
            _("This is not a readable XLSX workbook: %(reason)s") % {"reason": exc}
        ) from exc
    name = sheet or book.sheet_names[0]
    if name not in book.sheet_names:
        raise IngestError(
            _("The workbook has no sheet “%(sheet)s”. Its sheets: %(sheets)s.")
            % {"sheet": name, "sheets": ", ".join(book.sheet_names)}
        )

    def cell(value):
        if isinstance(value, float) and value.is_integer():
            return int(value)  # calamine reads every number as a float
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            return value.date().isoformat()
        if isinstance(value, dt.date | dt.datetime | dt.time):
            return value.isoformat()
        return value

    target = folder / "sheet.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in book.get_sheet_by_name(name).iter_rows():
            writer.writerow([cell(v) for v in row])
    return target


REJECT_TYPES = {
    "CAST": "type-error",
    "MISSING COLUMNS": "missing-cell",
    "TOO MANY COLUMNS": "extra-cell",
    "INVALID ENCODING": "encoding-error",
}
_CAST = re.compile(r"string [\"'](.*)[\"'] to [\"']?(\w+)", re.DOTALL)


def _reject(line: int, index, column, kind: str, csv_line: str, detail: str) -> dict:
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


# Codes (mã xã, mã trường, …) are identifiers, not quantities: kept as text even when every
# value is digits, so they keep their leading zeros and join with the code tables.
_CODE_NAME = re.compile(r"^(ma|mã)([ _].*)?$|(^|_)code$", re.IGNORECASE)
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "DOUBLE"}


def _code_columns(source: Path, folder: Path) -> str:
    """The read_csv option that reads code-named numeric columns as text, or "". The
    column types come from sniffing the file's first SAMPLE bytes (whole lines)."""
    with source.open("rb") as fh:
        head = fh.read(SAMPLE)
    sample = folder / "sample.csv"
    sample.write_bytes(head[: head.rfind(b"\n") + 1] if len(head) == SAMPLE else head)
    con = duckdb.connect()
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_csv(?)", [str(sample)]).fetchall()
    except duckdb.Error:
        return ""  # the real read reports what is wrong
    finally:
        con.close()
        sample.unlink(missing_ok=True)
    codes = [n for n, kind, *_rest in described if kind in _INTEGER_TYPES and _CODE_NAME.match(n)]
    if not codes:
        return ""
    pairs = ", ".join("'" + n.replace("'", "''") + "': 'VARCHAR'" for n in codes)
    return ", types = {" + pairs + "}"


class _Checksum(threading.Thread):
    """The SHA-256 of a file, taken beside the reading (hashlib lets go of the GIL)."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.value = path, ""

    def run(self) -> None:
        self.value = sha256(self.path)

    def result(self) -> str:
        self.join()
        return self.value


MEMORY_LIMIT = "1GB"  # DuckDB spills to the workspace beyond this


def to_parquet(
    path: Path,
    folder: Path,
    *,
    sheet: str | None = None,
    schema: dict | None = None,
    progress: Progress | None = None,
) -> Ingested:
    """Read `path` (by its extension) into `folder`/data.parquet, or raise IngestError.
    With a steward's `schema`, cells are read as text and checked against it; without,
    the types DuckDB infers become the version's schema.

    The file is streamed by DuckDB straight into a Parquet file (its memory capped, the
    checksum taken beside it); only a file that must be checked against a schema or gain
    columns is loaded into a table first."""
    checksum = _Checksum(path)
    checksum.start()
    encoding = ""
    notes: list[str] = []
    try:
        kind = file_format(path)
        if kind == "csv":
            encoding = _encoding(path)
            source = path if encoding == "utf-8" else _as_utf8(path, encoding, folder)
        elif kind == "xlsx":
            source, kind = _xlsx_to_csv(path, sheet, folder), "csv"
        elif kind == "geo":
            (source, notes), kind = geo.to_ndjson(path, folder), "json"
        else:
            source = path
    except IngestError as exc:
        exc.sha256, exc.encoding = checksum.result(), encoding
        raise
    if schema:
        options = ", all_varchar = true"
    elif kind == "csv":
        options = _code_columns(source, folder)
    else:
        options = ""
    reader = {
        "csv": f"read_csv(?, store_rejects = true, sample_size = 20480{options})",
        "json": "read_json_auto(?)",
        "parquet": "read_parquet(?)",
    }[kind]
    target = folder / "data.parquet"
    con = duckdb.connect()
    # Progress is measured for the watcher, never printed on the terminal.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {sql_string(folder / 'spill')}")

    def refuse(message: str, errors=(), total: int = 0) -> IngestError:
        return IngestError(message, checksum.result(), encoding, list(errors), total)

    try:
        with _watching(con, progress, 0, 90):
            con.execute(
                f"COPY (SELECT * FROM {reader}) TO {sql_string(target)} "  # noqa: S608
                "(FORMAT parquet, COMPRESSION zstd)",
                [str(source)],
            )
        if kind == "csv":
            _check_rejects(con, refuse)
        con.execute(f"CREATE VIEW incoming AS FROM read_parquet({sql_string(target)})")  # noqa: S608
        rows = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
        if rows == 0:
            raise refuse(_("The file has no data rows."))
        names = [row[0] for row in con.execute("DESCRIBE incoming").fetchall()]
        rewritten = bool(schema) or enrich.wanted(names)
        if rewritten:
            # Checks by row number and added columns work on a table (spilling if big),
            # written back over the file at the end.
            con.execute("DROP VIEW incoming")
            con.execute(f"CREATE TABLE incoming AS FROM read_parquet({sql_string(target)})")  # noqa: S608
        if schema:
            errors, total = tableschema.validate(
                con, "incoming", schema, first_row=2 if kind == "csv" else 1
            )
            if errors:
                raise refuse(
                    _("%(n)s errors against the dataset's schema; nothing was stored.")
                    % {"n": total},
                    errors,
                    total,
                )
            con.execute(
                "CREATE OR REPLACE TABLE incoming AS "  # noqa: S608
                f"SELECT {tableschema.select_typed(schema)} FROM incoming ORDER BY rowid"
            )
        if rewritten:
            notes += enrich.old_units(con, "incoming") + enrich.vn2000(con, "incoming")
            with _watching(con, progress, 90, 100):
                con.execute(
                    f"COPY incoming TO {sql_string(target)} (FORMAT parquet, COMPRESSION zstd)"
                )
        schema = _final_schema(con, rows, schema)
    except duckdb.Error as exc:
        target.unlink(missing_ok=True)
        raise refuse(
            _("The file could not be read as a table: %(reason)s") % {"reason": exc}
        ) from exc
    except IngestError:
        target.unlink(missing_ok=True)  # nothing of a rejected file is kept
        raise
    finally:
        con.close()
    return Ingested(target, rows, schema, encoding or kind, checksum.result(), notes)


def _check_rejects(con: duckdb.DuckDBPyConnection, refuse) -> None:
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
        [_reject(*row) for row in rejects],
        total,
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
            f"SELECT * FROM read_parquet({sql_string(new)})) TO {sql_string(target)} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        rows = con.execute(
            f"SELECT count(*) FROM read_parquet({sql_string(target)})"  # noqa: S608
        ).fetchone()[0]
    finally:
        con.close()
    return target, rows


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


def sql_string(path: Path | str) -> str:
    """A file path as an SQL string literal. DuckDB's COPY and table functions take no
    parameters for file names; the paths are the platform's own, never a caller's."""
    return "'" + str(path).replace("'", "''") + "'"


def workspace() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="tinhso-ingest-")
