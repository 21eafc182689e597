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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.textengine import legacy

SAMPLE = 256 * 1024


@dataclass
class Ingested:
    parquet: Path
    rows: int
    schema: list[dict]
    encoding: str
    sha256: str


@dataclass
class IngestError(Exception):
    message: str
    sha256: str = ""
    encoding: str = ""
    errors: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        return {"valid": False, "message": self.message, "errors": self.errors}


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
}


def file_format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            _("Files of type “%(ext)s” are not read yet; send CSV, XLSX, JSON, NDJSON or Parquet.")
            % {"ext": path.suffix or "?"}
        )
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


def to_parquet(path: Path, folder: Path, *, sheet: str | None = None) -> Ingested:
    """Read `path` (by its extension) into `folder`/data.parquet, or raise IngestError."""
    digest = sha256(path)
    encoding = ""
    try:
        kind = file_format(path)
        if kind == "csv":
            encoding = _encoding(path)
            source = path if encoding == "utf-8" else _as_utf8(path, encoding, folder)
        elif kind == "xlsx":
            source, kind = _xlsx_to_csv(path, sheet, folder), "csv"
        else:
            source = path
    except IngestError as exc:
        exc.sha256, exc.encoding = digest, encoding
        raise
    reader = {
        "csv": "read_csv(?, store_rejects = true, sample_size = 20480, encoding = 'utf-8')",
        "json": "read_json_auto(?)",
        "parquet": "read_parquet(?)",
    }[kind]
    target = folder / "data.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE incoming AS SELECT * FROM {reader}", [str(source)])  # noqa: S608
        if kind != "csv":
            # Only the CSV reader collects bad rows; the others fail as a whole.
            con.execute(
                "CREATE TABLE reject_errors "
                "(line BIGINT, column_name VARCHAR, error_message VARCHAR)"
            )
        rejects = con.execute(
            "SELECT line, column_name, error_message FROM reject_errors ORDER BY line LIMIT 1000"
        ).fetchall()
        if rejects:
            raise IngestError(
                _("%(n)s rows could not be read; nothing was stored.") % {"n": len(rejects)},
                digest,
                encoding,
                [
                    {"type": "malformed-row", "row": line, "field": column, "message": message}
                    for line, column, message in rejects
                ],
            )
        rows = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
        if rows == 0:
            raise IngestError(_("The file has no data rows."), digest, encoding)
        schema = [
            {"name": name, "type": kind}
            for name, kind, *_rest in con.execute("DESCRIBE incoming").fetchall()
        ]
        con.execute(f"COPY incoming TO {sql_string(target)} (FORMAT parquet, COMPRESSION zstd)")
    except duckdb.Error as exc:
        raise IngestError(
            _("The file could not be read as a table: %(reason)s") % {"reason": exc},
            digest,
            encoding,
        ) from exc
    finally:
        con.close()
    return Ingested(target, rows, schema, encoding or kind, digest)


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


def sql_string(path: Path | str) -> str:
    """A file path as an SQL string literal. DuckDB's COPY and table functions take no
    parameters for file names; the paths are the platform's own, never a caller's."""
    return "'" + str(path).replace("'", "''") + "'"


def workspace() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="tinhso-ingest-")
