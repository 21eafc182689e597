"""Tiny real basemap files for the tests: MBTiles (SQLite, rows counted from the bottom)
and PMTiles (written with the `pmtiles` package), each tile a real PNG."""

from __future__ import annotations

import io
import math
import sqlite3
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

# Around Tây Ninh, the demo province: west, south, east, north.
PROVINCE_BOUNDS = (105.8, 10.3, 106.9, 11.8)


def png(colour=(200, 220, 240), size=1) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def tile_range(z: int, bounds=PROVINCE_BOUNDS):
    """The web map tiles (x, y, y counted from the top) covering `bounds` at zoom z."""
    west, south, east, north = bounds

    def x_of(lon):
        return int((lon + 180) / 360 * (1 << z))

    def y_of(lat):
        r = math.radians(lat)
        return int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * (1 << z))

    for x in range(x_of(west), x_of(east) + 1):
        for y in range(y_of(north), y_of(south) + 1):
            yield x, y


def make_mbtiles(path: Path, tiles: dict | None = None, *, fmt="png", zooms=range(0, 11),
                 metadata: dict | None = None) -> Path:  # fmt: skip
    """`tiles` maps (z, x, y) (y from the top, as web maps count) to bytes; by default a
    256 px PNG for every tile over the province at `zooms`."""
    if tiles is None:
        data = png(size=256)
        tiles = {(z, x, y): data for z in zooms for x, y in tile_range(z)}
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    meta = {
        "name": "test",
        "format": fmt,
        "bounds": ",".join(str(v) for v in PROVINCE_BOUNDS),
        "minzoom": str(min(z for z, _, _ in tiles)),
        "maxzoom": str(max(z for z, _, _ in tiles)),
        "attribution": '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a>',
        **(metadata or {}),
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()],
    )
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, tiles: dict, *, tile_type=TileType.PNG) -> Path:
    """`tiles` maps (z, x, y) to bytes."""
    west, south, east, north = PROVINCE_BOUNDS
    with write(str(path)) as writer:
        for (z, x, y), data in sorted(tiles.items(), key=lambda i: zxy_to_tileid(*i[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": 9,
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {"attribution": "© OpenStreetMap contributors", "name": "test"},
        )
    return path
