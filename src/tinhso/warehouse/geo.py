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
from django.utils.translation import override
from pyproj import Transformer

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


def _shapes(features: list[dict]):
    """The numbers of the features that have a geometry, and their geometries, read by
    GEOS over the whole array at once (200,000 points: 0.4 s with the writing back,
    against 2.5 s one shape at a time). A geometry GEOS cannot read refuses the file,
    naming the first such feature."""
    present = [n for n, feature in enumerate(features) if feature.get("geometry")]
    texts = [json.dumps(features[n]["geometry"]) for n in present]
    try:
        return present, shapely.from_geojson(texts)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        pass
    for number, text in zip(present, texts, strict=True):
        try:
            shapely.from_geojson(text)
        except (shapely.errors.GEOSException, TypeError, ValueError) as exc:
            raise IngestError(
                lambda number=number: (
                    _(
                        "Feature %(n)s: its geometry is not valid GeoJSON (a type and "
                        "coordinates that are numbers); nothing was stored."
                    )
                    % {"n": number + 1}
                )
            ) from exc
    raise IngestError(lambda: _("The geometries could not be read; nothing was stored."))


def _projected(shapes) -> bool:
    """Whether the first geometry's coordinates are metres rather than degrees."""
    for geometry in shapes:
        if not geometry.is_empty:
            minx, miny, maxx, maxy = geometry.bounds
            return max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90
    return False


def _refusal_in_both(read, data: bytes) -> dict[str, str]:
    """Why the boundary reader refused the file, in Vietnamese and English: read again in
    each language (the refusal path only; a refused file fails early in its reading)."""
    texts = {}
    for language, key in (("vi", "message"), ("en", "message_en")):
        with override(language):
            try:
                read(data)
            except BoundaryFileError as exc:
                texts[key] = exc.message
    return texts


def to_ndjson(path: Path, folder: Path) -> tuple[Path, list[str]]:
    """The features of a GeoJSON file or zipped Shapefile as NDJSON rows in `folder`, and
    notes for the report (which coordinate system was converted)."""
    data = path.read_bytes()
    read = read_shapefile_zip if path.suffix.lower() == ".zip" else read_geojson
    try:
        features, crs = read(data)
    except BoundaryFileError as exc:
        raise IngestError(exc.message, texts=_refusal_in_both(read, data)) from exc
    if not features:
        raise IngestError(lambda: _("The file holds no features."))
    notes = []
    present, shapes = _shapes(features)
    if crs is None and _projected(shapes):
        crs = settings.TINHSO_VN2000_CRS
        notes.append(
            _("Coordinates in metres without a coordinate system: read as %(crs)s.") % {"crs": crs}
        )
    transformer = None
    if crs and crs != WGS84:
        transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
        notes.append(_("Converted from %(crs)s to WGS 84.") % {"crs": crs})
    if transformer is not None:
        shapes = shapely.transform(
            shapes, lambda xy: transform_xy(transformer, xy), interleaved=True
        )
    geometries = dict(zip(present, shapely.to_geojson(shapes).tolist(), strict=True))
    target = folder / "features.ndjson"
    with target.open("w", encoding="utf-8") as out:
        for number, feature in enumerate(features):
            row = {str(k): jsonable(v) for k, v in (feature.get("properties") or {}).items()}
            row[GEOMETRY] = geometries.get(number)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return target, notes
