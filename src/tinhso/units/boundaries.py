"""Reading commune boundary files: GeoJSON or a zipped Shapefile, in WGS84 or VN-2000,
matched to the province's communes by code or by name."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import shapefile  # pyshp
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from tinhso.core.text import compact_key, fold
from tinhso.units.models import Commune, Province

WGS84 = "EPSG:4326"
# Coordinate systems offered for upload: WGS84, VN-2000 geographic, its UTM zones and the
# provincial TM-3 zones.
VN2000_CHOICES: list[tuple[str, str]] = [
    ("EPSG:4326", "WGS 84"),
    ("EPSG:4756", "VN-2000"),
    ("EPSG:3405", "VN-2000 / UTM 48N"),
    ("EPSG:3406", "VN-2000 / UTM 49N"),
    *[(f"EPSG:{code}", CRS.from_epsg(code).name) for code in range(9205, 9219)],
]
ALLOWED_CRS = {code for code, _label in VN2000_CHOICES}
# Vietnam with its islands, generously: a transformed geometry outside it means the
# coordinate system was wrong.
VIETNAM_BOUNDS = (101.0, 7.0, 118.0, 24.0)

CODE_FIELDS = {
    "ma",
    "maxa",
    "maphuongxa",
    "madvhc",
    "madonvi",
    "code",
    "wardcode",
    "communecode",
    "maxa2025",
    "id",
}
NAME_FIELDS = {
    "ten",
    "tenxa",
    "tenphuongxa",
    "tendvhc",
    "tendonvi",
    "name",
    "ward",
    "commune",
    "tenxa2025",
}
_KIND_PREFIX = re.compile(r"^(xa|phuong|dac khu|thi tran)\s+")


class BoundaryFileError(ValueError):
    """The file cannot be used at all; `message` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BoundaryFile:
    features: list[dict[str, Any]]
    crs: str
    report: dict[str, Any] = field(default_factory=dict)


def _crs_from_geojson(doc: dict[str, Any]) -> str | None:
    name = (doc.get("crs") or {}).get("properties", {}).get("name")
    if not name:
        return None
    match = re.search(r"EPSG:{1,2}(\d+)", name)
    if match:
        return f"EPSG:{match.group(1)}"
    if "CRS84" in name:
        return WGS84
    return None


def read_geojson(data: bytes) -> tuple[list[dict[str, Any]], str | None]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryFileError(
            _("The file is not valid GeoJSON (%(error)s).") % {"error": exc}
        ) from exc
    if doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryFileError(_("The GeoJSON file must hold a FeatureCollection."))
    return doc["features"], _crs_from_geojson(doc)


def read_shapefile_zip(data: bytes) -> tuple[list[dict[str, Any]], str | None]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError(_("The file is not a valid ZIP archive.")) from exc
    names = {n.lower(): n for n in archive.namelist() if not n.startswith("__MACOSX")}
    shp = next((n for n in names if n.endswith(".shp")), None)
    if shp is None:
        raise BoundaryFileError(_("The ZIP archive holds no .shp file."))
    stem = shp[:-4]
    for ext in (".dbf", ".shx"):
        if stem + ext not in names:
            raise BoundaryFileError(
                _("The Shapefile is incomplete: %(file)s is missing.") % {"file": stem + ext}
            )

    def read(ext: str) -> bytes | None:
        name = names.get(stem + ext)
        return archive.read(name) if name else None

    def required(ext: str) -> bytes:
        return archive.read(names[stem + ext])  # checked present above

    encoding = (read(".cpg") or b"utf-8").decode("ascii", "ignore").strip() or "utf-8"
    crs = None
    prj = read(".prj")
    if prj:
        try:
            epsg = CRS.from_wkt(prj.decode("utf-8", "ignore")).to_epsg(min_confidence=70)
            crs = f"EPSG:{epsg}" if epsg else None
        except Exception:  # noqa: BLE001 - an unreadable .prj falls back to the user's choice
            crs = None
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(required(".shp")),
            dbf=io.BytesIO(required(".dbf")),
            shx=io.BytesIO(required(".shx")),
            encoding=encoding,
            encodingErrors="replace",
        )
        features = [
            {
                "type": "Feature",
                "geometry": sr.shape.__geo_interface__,
                "properties": sr.record.as_dict(),
            }
            for sr in reader.iterShapeRecords()
        ]
    except (shapefile.ShapefileException, ValueError) as exc:
        raise BoundaryFileError(
            _("The Shapefile could not be read (%(error)s).") % {"error": exc}
        ) from exc
    return features, crs


def read_boundary_file(file_name: str, data: bytes, declared_crs: str | None) -> BoundaryFile:
    """Parse the file and bring its polygons to WGS84. The file's own CRS (GeoJSON `crs`
    member or Shapefile `.prj`) wins over `declared_crs`."""
    lower = file_name.lower()
    if lower.endswith(".zip"):
        features, found_crs = read_shapefile_zip(data)
    elif lower.endswith((".geojson", ".json")):
        features, found_crs = read_geojson(data)
    else:
        raise BoundaryFileError(
            _("Upload a GeoJSON file (.geojson, .json) or a zipped Shapefile (.zip).")
        )
    if not features:
        raise BoundaryFileError(_("The file holds no features."))
    crs = found_crs or declared_crs or WGS84
    if crs not in ALLOWED_CRS:
        raise BoundaryFileError(
            _("Coordinate system %(crs)s is not supported; use WGS 84 or VN-2000.") % {"crs": crs}
        )
    transformer = None if crs == WGS84 else Transformer.from_crs(crs, WGS84, always_xy=True)
    out = []
    for index, feature in enumerate(features):
        geometry = feature.get("geometry")
        if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            out.append(
                {
                    "index": index,
                    "properties": feature.get("properties") or {},
                    "geometry": None,
                    "error": _("not a polygon"),
                }
            )
            continue
        geom = shape(geometry)
        if transformer is not None:
            geom = shapely.transform(
                geom, lambda xy: transform_xy(transformer, xy), interleaved=True
            )
        geom = shapely.make_valid(geom)
        minx, miny, maxx, maxy = geom.bounds
        bx0, by0, bx1, by1 = VIETNAM_BOUNDS
        if not (bx0 <= minx and maxx <= bx1 and by0 <= miny and maxy <= by1):
            raise BoundaryFileError(
                _(
                    "After conversion from %(crs)s the polygons lie outside Vietnam: choose the "
                    "file's real coordinate system (VN-2000 files usually use the province's "
                    "TM-3 zone)."
                )
                % {"crs": crs}
            )
        out.append(
            {"index": index, "properties": feature.get("properties") or {}, "geometry": geom}
        )
    return BoundaryFile(features=out, crs=crs)


def transform_xy(transformer: Transformer, xy):
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    xy = xy.copy()
    xy[:, 0], xy[:, 1] = x, y
    return xy


def _field(properties: dict[str, Any], wanted: set[str]) -> Any:
    for key, value in properties.items():
        if compact_key(str(key)) in wanted and value not in (None, ""):
            return value
    return None


def _bare(name: str) -> str:
    return _KIND_PREFIX.sub("", fold(name))


def match_communes(boundary_file: BoundaryFile, province: Province) -> dict[str, Any]:
    """Match features to the province's communes (code first, then name). Returns the
    report and, under `matches`, commune → WGS84 geometry."""
    communes = list(Commune.objects.filter(province=province))
    by_code = {c.code: c for c in communes}
    by_name: dict[str, list[Commune]] = {}
    for c in communes:
        by_name.setdefault(fold(c.name), []).append(c)
        by_name.setdefault(_bare(c.name), []).append(c)

    matches: dict[int, Any] = {}
    matched, unmatched, duplicates = [], [], []
    for feature in boundary_file.features:
        props = {str(k): v for k, v in feature["properties"].items()}
        shown = {k: str(v)[:80] for k, v in list(props.items())[:8]}
        if feature["geometry"] is None:
            unmatched.append(
                {"feature": feature["index"], "properties": shown, "reason": feature["error"]}
            )
            continue
        commune, how = None, None
        code = _field(props, CODE_FIELDS)
        if code is not None and str(code).strip().split(".")[0].isdigit():
            commune = by_code.get(str(code).strip().split(".")[0].zfill(5))
            how = "code" if commune else None
        name = _field(props, NAME_FIELDS)
        if commune is None and name:
            candidates = {
                c.id: c
                for c in by_name.get(fold(str(name)), []) + by_name.get(_bare(str(name)), [])
            }
            if len(candidates) == 1:
                commune, how = next(iter(candidates.values())), "name"
        if commune is None:
            unmatched.append(
                {
                    "feature": feature["index"],
                    "properties": shown,
                    "reason": _("no commune of %(province)s has this code or name")
                    % {"province": province.name},
                }
            )
            continue
        if commune.id in matches:
            duplicates.append(
                {"feature": feature["index"], "code": commune.code, "name": commune.name}
            )
            matches[commune.id] = shapely.union(matches[commune.id], feature["geometry"])
            continue
        matches[commune.id] = feature["geometry"]
        matched.append(
            {"feature": feature["index"], "code": commune.code, "name": commune.name, "by": how}
        )
    missing = sorted(
        ({"code": c.code, "name": c.name} for c in communes if c.id not in matches),
        key=lambda c: c["code"],
    )
    return {
        "crs": boundary_file.crs,
        "features": len(boundary_file.features),
        "matched": matched,
        "unmatched": unmatched,
        "duplicates": duplicates,
        "communes_without_boundary": missing,
        "matches": {cid: mapping(g) for cid, g in matches.items()},
    }
