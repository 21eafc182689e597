"""From an uploaded file to something DuckDB reads, by the file's kind.

CSV and TSV: a file in a legacy Vietnamese encoding (TCVN3, VNI, VISCII, Windows-1258) or
UTF-16 is first converted to UTF-8 through the text engine; code-named columns (mã xã,
mã trường, …) are read as text. XLSX: the chosen sheet (the first by default) is streamed
row by row into a CSV (whole-number cells as integers, dates as ISO dates). GeoJSON and
zipped Shapefiles become NDJSON rows (`geo`). JSON, NDJSON and Parquet are read directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from tinhso.textengine import legacy
from tinhso.warehouse import geo
from tinhso.warehouse.errors import IngestError, both

SAMPLE = 256 * 1024


@dataclass
class Source:
    """What DuckDB will read: a file, its reader's kind (csv, json, parquet), the original
    file's encoding (for text files) and notes for the report."""

    path: Path
    kind: str
    encoding: str = ""
    notes: list[str] = field(default_factory=list)

    def reader(self, folder: Path, *, as_text: bool) -> str:
        """The DuckDB table function reading this source (its file as parameter `?`).
        `as_text`: every cell as text, to be checked against a steward's schema."""
        if self.kind == "csv":
            options = ", all_varchar = true" if as_text else _code_columns(self.path, folder)
            return f"read_csv(?, store_rejects = true, sample_size = 20480{options})"
        return {"json": "read_json_auto(?)", "parquet": "read_parquet(?)"}[self.kind]


# What a steward may choose when the encoding cannot be told (CLI --encoding, the
# upload page, the API's `encoding`).
CHOICES = ("utf-8", "utf-16", *legacy.ENCODINGS[1:])


def readable(
    path: Path, folder: Path, *, sheet: str | None = None, encoding: str | None = None
) -> Source:
    """The file as DuckDB will read it, converted into `folder` when needed. `encoding`
    forces a text file's encoding instead of detecting it."""
    kind = file_format(path)
    if kind == "csv":
        if encoding:
            if encoding not in CHOICES:
                raise IngestError(
                    lambda: (
                        _("Unknown encoding “%(e)s”; choose one of: %(choices)s.")
                        % {"e": encoding, "choices": ", ".join(CHOICES)}
                    )
                )
            # Chosen by the steward: converted even from UTF-8, so that stray bytes become
            # "�" instead of refusing the rows that hold them.
            return Source(_as_utf8(path, encoding, folder), "csv", encoding)
        encoding = _encoding(path)
        converted = path if encoding == "utf-8" else _as_utf8(path, encoding, folder)
        return Source(converted, "csv", encoding)
    if kind == "xlsx":
        return Source(_xlsx_to_csv(path, sheet, folder), "csv")
    if kind == "geo":
        ndjson, notes = geo.to_ndjson(path, folder)
        return Source(ndjson, "json", notes=notes)
    return Source(path, kind)


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
            lambda: (
                _(
                    "Files of type “%(ext)s” are not read; send CSV, TSV, XLSX, JSON, NDJSON, "
                    "GeoJSON, a zipped Shapefile or Parquet."
                )
                % {"ext": path.suffix or "?"}
            )
        )
    if kind == "json" and path.suffix.lower() == ".json" and geo.is_geojson(path):
        return "geo"
    return kind


def _encoding(path: Path) -> str:
    """The detected encoding, or IngestError naming what was unsure: the lines that break
    an otherwise UTF-8 file (never read as VNI or TCVN3 because of a few stray bytes), or
    how each legacy encoding read when none was clearly right."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE)
    guess = legacy.assess(sample, complete=len(sample) < SAMPLE)
    if guess.encoding is None:
        raise IngestError(
            lambda: _("This is not a text file: save it as CSV (UTF-8) and try again.")
        )
    if guess.sure:
        return guess.encoding
    if guess.stray_lines:
        lines = sample.splitlines()
        errors = [
            {
                "type": "encoding-error",
                "rowNumber": line,
                "cell": lines[line - 1].decode("utf-8", "replace")[:200],
                **both(
                    lambda line=line: (
                        _(
                            "Line %(line)s holds bytes that are not UTF-8 (shown as �) in a file "
                            "that is UTF-8 elsewhere."
                        )
                        % {"line": line}
                    )
                ),
            }
            for line in guess.stray_lines
            if line <= len(lines)
        ]
        raise IngestError(
            lambda: (
                _(
                    "The file is UTF-8 except on %(n)s lines; it was not read as a legacy "
                    "encoding. Correct those lines, or upload again choosing UTF-8 (the stray "
                    "bytes become �) or the file's real encoding."
                )
                % {"n": len(errors)}
            ),
            encoding="utf-8",
            errors=errors,
            total=len(errors),
        )
    tried = ", ".join(f"{name} {round(share * 100)}%" for name, share in guess.scores)
    raise IngestError(
        lambda: (
            _(
                "The file's encoding could not be told for sure (share of accented words that "
                "read as Vietnamese: %(tried)s). Upload again choosing the encoding."
            )
            % {"tried": tried}
        ),
        errors=[
            {
                "type": "encoding-error",
                **both(lambda: _("Encodings tried: %(t)s.") % {"t": tried}),
            }
        ],
        total=1,
    )


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
            if encoding == "utf-8":
                out.write(line.decode("utf-8", "replace").removeprefix("\ufeff"))
            else:
                out.write(legacy.decode_as(line, encoding))
    return target


def _xlsx_to_csv(path: Path, sheet: str | None, folder: Path) -> Path:
    import csv
    import datetime as dt

    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own errors on bad files
        raise IngestError(
            lambda exc=exc: _("This is not a readable XLSX workbook: %(reason)s") % {"reason": exc}
        ) from exc
    name = sheet or book.sheet_names[0]
    if name not in book.sheet_names:
        raise IngestError(
            lambda: (
                _("The workbook has no sheet “%(sheet)s”. Its sheets: %(sheets)s.")
                % {"sheet": name, "sheets": ", ".join(book.sheet_names)}
            )
        )

    def number(value: float):
        return int(value) if value.is_integer() else value  # calamine: every number a float

    def moment(value: dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()

    # By the cell's exact type, looked up once per cell: text, the most common, as it is.
    convert = {float: number, dt.datetime: moment, dt.date: dt.date.isoformat,
               dt.time: dt.time.isoformat}  # fmt: skip

    target = folder / "sheet.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in book.get_sheet_by_name(name).iter_rows():
            writer.writerow([v if type(v) is str else convert.get(type(v), _same)(v) for v in row])
    return target


def _same(value):
    return value


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
