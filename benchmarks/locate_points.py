"""Point → commune: 1,000,000 random points in a province located in bulk.

The bulk path (a sweep over the polygons' bounding boxes, then prepared-geometry tests)
is printed beside an STRtree query and a naive loop (every polygon's `contains`, one
point at a time, on a sample), all measured in the same run.

    python benchmarks/locate_points.py [--province 80] [--points 1000000] [--sample 5000]

Runs on a throw-away SQLite database in a temporary data folder (the unit tables are
loaded from their package). Two polygon sets are measured: the approximate cells the
province has before it uploads boundaries (a dozen vertices each), and the same cells
densified to a vertex every ~30 m, as surveyed boundaries are (hundreds to thousands of
vertices each).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np
import shapely


def setup_django() -> None:
    os.environ.setdefault("TINHSO_DATA_DIR", tempfile.mkdtemp(prefix="tinhso-bench-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tinhso.units.loader import load_units

    load_units()


def best_of(n: int, fn):
    times = []
    result = None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive(geometries, lats, lons) -> np.ndarray:
    out = np.full(len(lats), -1)
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        point = shapely.Point(lon, lat)
        for j, geometry in enumerate(geometries):
            if geometry.contains(point):
                out[i] = j
                break
    return out


def measure(label: str, locator, lats, lons, sample: int) -> None:
    n = len(lats)
    bulk_s, found = best_of(3, lambda: locator.locate_many(lats, lons))
    inside = int((found >= 0).sum())
    # The naive loop gets plain (unprepared) copies, as a hand-written loop would have.
    plain = [shapely.from_wkb(shapely.to_wkb(g)) for g in locator.geometries]
    naive_s, naive_found = best_of(1, lambda: naive(plain, lats[:sample], lons[:sample]))
    agree = float((naive_found == found[:sample]).mean())
    tree_s, _pairs = best_of(
        1, lambda: locator.tree.query(shapely.points(lons, lats), predicate="intersects")
    )
    vertices = int(np.mean([shapely.get_num_coordinates(g) for g in locator.geometries]))
    bulk_rate, naive_rate = n / bulk_s, sample / naive_s
    print(f"\n{label}: {len(locator.geometries)} polygons, {vertices} vertices on average")
    print(
        f"  bulk           {n:>9,} points in {bulk_s:6.3f} s  = {bulk_rate:>12,.0f} points/s"
        f"  ({inside:,} inside the province)"
    )
    print(
        f"  STRtree query  {n:>9,} points in {tree_s:6.3f} s  = {n / tree_s:>12,.0f} points/s"
        "  (the alternative we measured and did not choose)"
    )
    print(
        f"  naive loop     {sample:>9,} points in {naive_s:6.3f} s  = {naive_rate:>12,.0f} points/s"
    )
    print(
        f"  speed-up       {bulk_rate / naive_rate:,.0f}×   answers agree on the sample: "
        f"{agree:.2%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="80")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()

    setup_django()
    from tinhso.units.geo import ProvinceLocator
    from tinhso.units.models import Province

    province = Province.objects.get(code=args.province)
    start = time.perf_counter()
    locator = ProvinceLocator(province)
    build_s = time.perf_counter() - start
    minx, miny, maxx, maxy = shapely.total_bounds(locator.geometries)
    rng = np.random.default_rng(2025)
    lons = rng.uniform(minx, maxx, args.points)
    lats = rng.uniform(miny, maxy, args.points)
    print(
        f"{province.name}: {len(locator.cells)} communes; locator built in {build_s:.3f} s; "
        f"points drawn in its bounding box [{minx:.3f}, {miny:.3f}, {maxx:.3f}, {maxy:.3f}]"
    )
    print(
        f"Python {sys.version.split()[0]}, shapely {shapely.__version__}, GEOS "
        f"{shapely.geos_version_string}; one process, one thread"
    )

    measure("Approximate cells", locator, lats, lons, args.sample)

    dense = shapely.segmentize(locator.geometries, max_segment_length=0.0003)  # ~30 m
    shapely.prepare(dense)
    locator.geometries = dense
    locator.bounds = shapely.bounds(dense)
    locator.tree = shapely.STRtree(dense)
    measure("Densified cells (surveyed-boundary sized)", locator, lats, lons, args.sample)


if __name__ == "__main__":
    main()
