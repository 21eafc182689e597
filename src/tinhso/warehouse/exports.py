"""Downloads of a dataset's rows — whole or filtered as on the rows API — streamed as they
are read from DuckDB, never built in memory:

- CSV with a byte-order mark (Excel opens Vietnamese text right) and text cells that
  start with = + - @ or a tab neutralised with a leading apostrophe (OWASP's advice on
  CSV injection);
- JSON (an array of objects), GeoJSON (from a geometry column or a longitude/latitude
  pair), XLSX (written row by row, at most Excel's 1,048,575 rows);
- Parquet: the version's own file, as stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.core.exports import safe_cell
from tinhso.core.values import jsonable
from tinhso.warehouse import rows, sandbox

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
BATCH = 5000
EXPORT_SECONDS = 900.0
XLSX_ROWS = 1_048_575
LON_LAT = [
    ("lon_wgs84", "lat_wgs84"),
    ("kinh_do", "vi_do"),
    ("lon", "lat"),
    ("longitude", "latitude"),
    ("lng", "lat"),
]


def _batches(chosen: rows.Selection) -> Iterator[list]:
    """The column names first, then the rows in batches, read in the sandbox."""
    with sandbox.sandboxed([chosen.dataset], seconds=EXPORT_SECONDS) as con:
        cursor = con.execute(chosen.select(), chosen.values)
        yield [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(BATCH):
            yield batch


def _csv(chosen: rows.Selection) -> Iterator[bytes]:
    yield "\ufeff".encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    batches = _batches(chosen)
    writer.writerow([safe_cell(name) for name in next(batches)])  # headers are cells too
    for batch in batches:
        writer.writerows([safe_cell(v) for v in row] for row in batch)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def _json(chosen: rows.Selection) -> Iterator[bytes]:
    yield b"["
    first = True
    batches = _batches(chosen)
    columns = next(batches)
    for batch in batches:
        parts = []
        for row in batch:
            item = {c: jsonable(v) for c, v in zip(columns, row, strict=True)}
            parts.append(("" if first else ",") + json.dumps(item, ensure_ascii=False))
            first = False
        yield "".join(parts).encode()
    yield b"]"


def _geometry_columns(names: list[str]) -> tuple[str | None, tuple[str, str] | None]:
    """The geometry column, or else the longitude/latitude pair, among `names`."""
    geometry = "geometry" if "geometry" in names else None
    present = set(names)
    pair = next((p for p in LON_LAT if p[0] in present and p[1] in present), None)
    return geometry, pair


def has_geometry(names: list[str]) -> bool:
    geometry, pair = _geometry_columns(names)
    return bool(geometry or pair)


def geometry_columns(chosen: rows.Selection) -> tuple[str | None, tuple[str, str] | None]:
    return _geometry_columns(chosen.fields)


def _geojson(chosen: rows.Selection) -> Iterator[bytes]:
    geometry, pair = geometry_columns(chosen)
    yield b'{"type":"FeatureCollection","features":['
    first = True
    batches = _batches(chosen)
    columns = next(batches)
    for batch in batches:
        parts = []
        for row in batch:
            item = {c: jsonable(v) for c, v in zip(columns, row, strict=True)}
            if geometry:
                raw = item.pop(geometry)
                shape = json.loads(raw) if raw else None
            else:
                lon, lat = item[pair[0]], item[pair[1]]
                shape = (
                    None
                    if lon is None or lat is None
                    else {
                        "type": "Point",
                        "coordinates": [lon, lat],
                    }
                )
            feature = {"type": "Feature", "geometry": shape, "properties": item}
            parts.append(("" if first else ",") + json.dumps(feature, ensure_ascii=False))
            first = False
        yield "".join(parts).encode()
    yield b"]}"


def _xlsx(chosen: rows.Selection) -> FileResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(chosen.dataset.slug[:31])
    batches = _batches(chosen)
    sheet.append([safe_cell(name) for name in next(batches)])
    written = 0
    for batch in batches:
        written += len(batch)
        if written > XLSX_ROWS:
            raise sandbox.QueryRefused(_too_many_for_excel())
        for row in batch:
            sheet.append([safe_cell(_xlsx_cell(v)) for v in row])
    # Closed by the response once sent; the file has no name on disk to leave behind.
    handle = tempfile.TemporaryFile(prefix="tinhso-xlsx-")  # noqa: SIM115
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, content_type=FORMATS["xlsx"])


def _xlsx_cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | str | dt.date | dt.time):
        return value
    return str(value)


def _too_many_for_excel() -> str:
    return _("Excel holds at most %(n)s rows: filter the rows, or download CSV or Parquet.") % {
        "n": f"{XLSX_ROWS:,}"
    }


def download(actor: Actor, slug: str, fmt: str, params: dict[str, str]) -> HttpResponse:
    """The response for a download, or QueryRefused with the reason."""
    if fmt not in FORMATS:
        raise sandbox.QueryRefused(
            _("Downloads are offered as: %(formats)s.") % {"formats": ", ".join(FORMATS)}
        )
    chosen = rows.select(actor, slug, params)
    name = f"{chosen.dataset.slug}-v{chosen.version.number}.{fmt}"
    if fmt == "parquet":
        if chosen.where or params.get("_fields"):
            raise sandbox.QueryRefused(
                _("A Parquet download is the whole version; filter in CSV, JSON or XLSX.")
            )
        response = FileResponse(
            chosen.version.path.open("rb"),
            content_type=FORMATS[fmt],
        )
    elif fmt == "xlsx":
        if not chosen.where and chosen.version.rows > XLSX_ROWS:
            raise sandbox.QueryRefused(_too_many_for_excel())
        response = _xlsx(chosen)
    elif fmt == "geojson":
        geometry, pair = geometry_columns(chosen)
        if not geometry and not pair:
            raise sandbox.QueryRefused(
                _("This dataset has no geometry or longitude/latitude columns for GeoJSON.")
            )
        response = StreamingHttpResponse(_geojson(chosen), content_type=FORMATS[fmt])
    else:
        build = _csv if fmt == "csv" else _json
        response = StreamingHttpResponse(build(chosen), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    rows.audit_read(actor, chosen.dataset, {**params, "_download": fmt})
    # For usage counts (the portal's): which dataset, never who.
    emit("warehouse.downloaded", actor=None, dataset_id=chosen.dataset.pk, format=fmt)
    return response
