"""GeoJSON and zipped Shapefiles into warehouse tables: one row per feature with its
attributes and a `geometry` column (GeoJSON text in WGS84). Files in VN-2000 — named by
their `.prj` or `crs` member, or recognisable by metre-sized coordinates — are converted.
The features are read through the same readers as commune boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import mapping, shape

from tinhso.core.values import jsonable
from tinhso.units.boundaries import (
    WGS84,
    BoundaryFileError,
    read_geojson,
    read_shapefile_zip,
    transform_xy,
)
from tinhso.warehouse.errors import IngestError

GEOMETRY = "geometry"


def is_geojson(path: Path) -> bool:
    """A .json file whose top level is a GeoJSON FeatureCollection or Feature."""
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "ignore").replace(" ", "").replace("\n", "")
    return '"type":"FeatureCollection"' in head or '"type":"Feature"' in head


def _projected(features: list[dict]) -> bool:
    for feature in features:
        geometry = feature.get("geometry")
        if geometry:
            minx, miny, maxx, maxy = shape(geometry).bounds
            return max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90
    return False


def to_ndjson(path: Path, folder: Path) -> tuple[Path, list[str]]:
    """The features of a GeoJSON file or zipped Shapefile as NDJSON rows in `folder`, and
    notes for the report (which coordinate system was converted)."""
    data = path.read_bytes()
    try:
        if path.suffix.lower() == ".zip":
            features, crs = read_shapefile_zip(data)
        else:
            features, crs = read_geojson(data)
    except BoundaryFileError as exc:
        raise IngestError(exc.message) from exc
    if not features:
        raise IngestError(_("The file holds no features."))
    notes = []
    if crs is None and _projected(features):
        crs = settings.TINHSO_VN2000_CRS
        notes.append(
            _("Coordinates in metres without a coordinate system: read as %(crs)s.") % {"crs": crs}
        )
    transformer = None
    if crs and crs != WGS84:
        transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
        notes.append(_("Converted from %(crs)s to WGS 84.") % {"crs": crs})
    target = folder / "features.ndjson"
    with target.open("w", encoding="utf-8") as out:
        for feature in features:
            row = {str(k): jsonable(v) for k, v in (feature.get("properties") or {}).items()}
            geometry = feature.get("geometry")
            if geometry:
                geom = shape(geometry)
                if transformer is not None:
                    geom = shapely.transform(
                        geom,
                        lambda xy: transform_xy(transformer, xy),
                        interleaved=True,
                    )
                geometry = json.dumps(mapping(geom), separators=(",", ":"))
            row[GEOMETRY] = geometry
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return target, notes
