"""Point → commune, for one point or millions.

A province's communes are polygons: the surveyed boundaries an administrator uploaded,
and, for communes without one, approximate cells (the Voronoi cells of the commune
centroids, clipped to a margin around them). Every answer says whether it came from an
approximate cell. Polygons sit in a shapely STRtree, so a bulk lookup is one vectorised
query.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, shape

from tinhso.units.models import Commune, CommuneBoundary, Province, ReferenceDataLoad

# Margin around the centroids' convex hull that approximate cells may reach, in degrees
# (~5.5 km): enough for the edge communes, not so much that the sea or a neighbour's
# land is claimed far away.
APPROXIMATE_MARGIN_DEG = 0.05


@dataclass(frozen=True)
class CommuneCell:
    commune_id: int
    code: str
    name: str
    approximate: bool


class ProvinceLocator:
    """The communes of one province as an STRtree of polygons."""

    def __init__(self, province: Province):
        self.province = province
        communes = list(
            Commune.objects.filter(province=province)
            .order_by("code")
            .values("id", "code", "name", "lat", "lon")
        )
        boundaries = {
            b.commune_id: shape(b.geometry)
            for b in CommuneBoundary.objects.filter(commune__province=province)
        }
        approximate = self._approximate_cells(
            [c for c in communes if c["id"] not in boundaries],
            hull_of=communes,
            surveyed=shapely.union_all(list(boundaries.values())) if boundaries else None,
        )
        self.cells: list[CommuneCell] = []
        geometries = []
        for commune in communes:
            surveyed = boundaries.get(commune["id"])
            geometry = surveyed if surveyed is not None else approximate.get(commune["id"])
            if geometry is None or geometry.is_empty:
                continue
            self.cells.append(
                CommuneCell(commune["id"], commune["code"], commune["name"], surveyed is None)
            )
            geometries.append(geometry)
        self.geometries = np.array(geometries, dtype=object)
        shapely.prepare(self.geometries)
        self.bounds = shapely.bounds(self.geometries) if len(geometries) else np.empty((0, 4))
        self.tree = shapely.STRtree(self.geometries)
        self.approximate = any(cell.approximate for cell in self.cells)

    @staticmethod
    def _approximate_cells(
        communes: Sequence[Mapping[str, Any]],
        *,
        hull_of: Sequence[Mapping[str, Any]],
        surveyed: shapely.Geometry | None,
    ) -> dict[int, shapely.Geometry]:
        """Voronoi cells of the centroids of `communes` (those without a surveyed
        boundary), within a margin around all the province's centroids, minus the
        surveyed boundaries: surveyed land is never claimed by an approximate cell."""
        located = [c for c in communes if c["lat"] is not None and c["lon"] is not None]
        if not located:
            return {}
        every = [c for c in hull_of if c["lat"] is not None and c["lon"] is not None]
        hull = MultiPoint([(c["lon"], c["lat"]) for c in every]).convex_hull.buffer(
            APPROXIMATE_MARGIN_DEG
        )
        if surveyed is not None:
            hull = hull.difference(surveyed)
        points = shapely.points([c["lon"] for c in located], [c["lat"] for c in located])
        if len(located) == 1:
            return {c["id"]: hull for c in located}
        cells = shapely.get_parts(
            shapely.voronoi_polygons(MultiPoint(list(points)), extend_to=hull)
        )
        # Voronoi output is not in input order: give each cell to the centroid it contains.
        tree = shapely.STRtree(cells)
        point_idx, cell_idx = tree.query(points, predicate="intersects")
        out: dict[int, shapely.Geometry] = {}
        for p, c in zip(point_idx, cell_idx, strict=True):
            out.setdefault(located[p]["id"], shapely.intersection(cells[c], hull))
        return out

    def locate_many(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Index into `self.cells` for every point, -1 where no commune contains it.

        Points are sorted by longitude once; each polygon then scans only the stripe of
        points inside its bounding box and tests them with its prepared geometry
        (`intersects_xy`, no Point objects made). Measured in benchmarks/locate_points.py:
        this is several times faster than an STRtree query with a predicate, and stays
        fast when boundaries have thousands of vertices.
        """
        xs = np.asarray(lons, dtype=float)
        ys = np.asarray(lats, dtype=float)
        result = np.full(len(xs), -1, dtype=np.int64)
        if not len(xs) or not len(self.geometries):
            return result
        order = np.argsort(xs)
        sorted_xs = xs[order]
        # Ascending polygon order: a point on a shared edge goes to the lower index.
        for index, (x0, y0, x1, y1) in enumerate(self.bounds):
            lo = np.searchsorted(sorted_xs, x0, side="left")
            hi = np.searchsorted(sorted_xs, x1, side="right")
            candidates = order[lo:hi]
            within = (ys[candidates] >= y0) & (ys[candidates] <= y1)
            candidates = candidates[within]
            candidates = candidates[result[candidates] < 0]
            if candidates.size:
                hit = shapely.intersects_xy(self.geometries[index], xs[candidates], ys[candidates])
                result[candidates[hit]] = index
        return result

    def locate(self, lat: float, lon: float) -> CommuneCell | None:
        """One point, through the STRtree."""
        found = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.cells[int(found.min())] if len(found) else None

    def feature_collection(self) -> dict:
        """The province's commune polygons as GeoJSON, each saying if it is approximate."""
        features = []
        for cell, geometry in zip(self.cells, self.geometries, strict=True):
            features.append(
                {
                    "type": "Feature",
                    "id": cell.code,
                    "geometry": shapely.geometry.mapping(shapely.set_precision(geometry, 1e-5)),
                    "properties": {
                        "code": cell.code,
                        "name": cell.name,
                        "approximate": cell.approximate,
                    },
                }
            )
        return {
            "type": "FeatureCollection",
            "features": features,
            "approximate": self.approximate,
        }


_lock = threading.Lock()
_locators: dict[str, tuple[tuple, ProvinceLocator]] = {}


def _version(province: Province) -> tuple:
    """Changes when the unit tables are reloaded or the province's boundaries change."""
    boundaries = CommuneBoundary.objects.filter(commune__province=province)
    latest = boundaries.order_by("-upload_id").values_list("upload_id", flat=True).first()
    loaded = ReferenceDataLoad.objects.order_by("-id").values_list("id", flat=True).first()
    return (province.pk, loaded, boundaries.count(), latest)


def locator(province: Province) -> ProvinceLocator:
    """The province's locator, rebuilt when its boundaries change."""
    version = _version(province)
    with _lock:
        cached = _locators.get(province.code)
        if cached is None or cached[0] != version:
            cached = (version, ProvinceLocator(province))
            _locators[province.code] = cached
        return cached[1]
