"""Columns the warehouse adds to a table as it comes in.

- Old administrative units: a table with a district column (there have been no districts
  since 1 July 2025) is converted through the units app — each distinct (province,
  district, ward) once — and gains the new province and commune columns, with split wards
  flagged, as `tinhso units convert` adds them.
- VN-2000 coordinates: X/Y columns in metres (X northing, Y easting, the Vietnamese
  surveying convention) gain WGS 84 longitude and latitude columns.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.core.text import compact_key
from tinhso.warehouse.schema import quoted

PROVINCE_NAMES = {"tinh", "tinhthanhpho", "tinhthanh", "province", "matinh", "tentinh"}
DISTRICT_NAMES = {
    "huyen",
    "quanhuyen",
    "huyenquan",
    "district",
    "mahuyen",
    "tenhuyen",
    "quanhuyenthixa",
}
WARD_NAMES = {"xa", "phuongxa", "xaphuong", "ward", "maxa", "tenxa", "phuongxathitran"}
X_NAMES = re.compile(r"^(x|toadox|xvn2000|toadoxvn2000)$")
Y_NAMES = re.compile(r"^(y|toadoy|yvn2000|toadoyvn2000)$")
# VN-2000 TM-3 over Vietnam: northing 0.9–2.6 million metres, easting 0.2–0.8 million.
X_RANGE = (900_000, 2_600_000)
Y_RANGE = (200_000, 800_000)


def _find(names: list[str], wanted: set[str]) -> str | None:
    return next((n for n in names if compact_key(n) in wanted), None)


def wanted(names: list[str]) -> bool:
    """Whether a table with these columns may gain columns here (old units, VN-2000)."""
    keys = [compact_key(n) for n in names]
    return any(k in DISTRICT_NAMES for k in keys) or (
        any(X_NAMES.match(k) for k in keys) and any(Y_NAMES.match(k) for k in keys)
    )


def old_units(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Add new-unit columns to `table` when it names old districts. Returns report notes."""
    from tinhso.units.bulk import NEW_COLUMNS, BulkReport, convert_rows

    names = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    district = _find(names, DISTRICT_NAMES)
    if district is None or any(n in names for n in NEW_COLUMNS):
        return []
    province, ward = _find(names, PROVINCE_NAMES), _find(names, WARD_NAMES)
    columns = [c for c in (province, district, ward) if c]
    keys = con.execute(
        "SELECT DISTINCT "  # noqa: S608
        + ", ".join(f"CAST({quoted(c)} AS VARCHAR)" for c in columns)
        + f" FROM {table}"
    ).fetchall()
    report = BulkReport()
    rows = [dict(zip(columns, key, strict=True)) for key in keys]
    converted = list(
        convert_rows(
            rows, province_col=province, district_col=district, ward_col=ward, report=report
        )
    )
    con.execute(
        "CREATE TEMP TABLE unit_answers ("
        + ", ".join(f"k{i} VARCHAR" for i in range(len(columns)))
        + ", "
        + ", ".join(f"{quoted(c)} VARCHAR" for c in NEW_COLUMNS)
        + ")"
    )
    con.executemany(
        "INSERT INTO unit_answers VALUES ("  # noqa: S608 - placeholders only
        + ", ".join("?" for _i in range(len(columns) + len(NEW_COLUMNS)))
        + ")",
        [[row[c] for c in columns] + [row[c] for c in NEW_COLUMNS] for row in converted],
    )
    join = " AND ".join(
        f"CAST(t.{quoted(c)} AS VARCHAR) IS NOT DISTINCT FROM a.k{i}" for i, c in enumerate(columns)
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT t.*, "  # noqa: S608
        + ", ".join(f"a.{quoted(c)}" for c in NEW_COLUMNS)
        + f" FROM {table} t LEFT JOIN unit_answers a ON {join} ORDER BY t.rowid"
    )
    notes = [
        _(
            "Old units in %(columns)s: %(n)s distinct addresses converted to the 2025 units, "
            "%(failed)s not recognised, %(split)s in wards split between several communes "
            "(see old_ward_split)."
        )
        % {
            "columns": ", ".join(columns),
            "n": report.converted,
            "failed": len(report.failed),
            "split": report.split,
        }
    ]
    return notes


def vn2000(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Add `lon_wgs84`, `lat_wgs84` when `table` has VN-2000 X/Y columns."""
    from pyproj import Transformer

    described = con.execute(f"DESCRIBE {table}").fetchall()
    numeric = [n for n, kind, *_r in described if kind in {"DOUBLE", "BIGINT", "INTEGER"}]
    x = next((n for n in numeric if X_NAMES.match(compact_key(n))), None)
    y = next((n for n in numeric if Y_NAMES.match(compact_key(n))), None)
    if not x or not y or "lon_wgs84" in (n for n, *_r in described):
        return []
    low_x, high_x, low_y, high_y = con.execute(
        f"SELECT min({quoted(x)}), max({quoted(x)}), min({quoted(y)}), max({quoted(y)}) "  # noqa: S608
        f"FROM {table}"
    ).fetchone()
    if low_x is None or not (
        X_RANGE[0] <= low_x
        and high_x <= X_RANGE[1]
        and Y_RANGE[0] <= low_y
        and high_y <= Y_RANGE[1]
    ):
        return []
    crs = settings.TINHSO_VN2000_CRS
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    arrays = con.execute(
        f"SELECT rowid AS r, {quoted(x)} AS x, {quoted(y)} AS y FROM {table}"  # noqa: S608
    ).fetchnumpy()
    # always_xy: easting first — the Vietnamese Y — then northing, the Vietnamese X.
    lon, lat = transformer.transform(
        np.asarray(arrays["y"], dtype=float), np.asarray(arrays["x"], dtype=float)
    )
    converted = {"r": np.asarray(arrays["r"]), "lon": np.round(lon, 7), "lat": np.round(lat, 7)}
    con.register("vn2000_answers", converted)
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS "  # noqa: S608
        "SELECT t.*, a.lon AS lon_wgs84, a.lat AS lat_wgs84 "
        f"FROM {table} t LEFT JOIN vn2000_answers a ON t.rowid = a.r ORDER BY t.rowid"
    )
    con.unregister("vn2000_answers")
    return [
        _("VN-2000 coordinates in %(x)s/%(y)s (%(crs)s) converted to lon_wgs84/lat_wgs84.")
        % {"x": x, "y": y, "crs": crs}
    ]
