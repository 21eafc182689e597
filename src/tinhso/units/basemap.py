"""The province's own basemap: one MBTiles or PMTiles file of raster tiles, served by the
platform tile by tile, so maps have streets and places on a network without the internet.

The file is opened once per process and opened again when it changes on disk: its size and
modification time are its version, which also goes into the tile address the pages use, so
a browser may keep a tile for a year and still sees a new file at once. MBTiles is a SQLite
database whose rows count from the bottom (TMS), so the y of a web map is flipped; PMTiles
is read through a memory map with the `pmtiles` package.

Leaflet draws images only. A file of vector tiles (pbf/mvt) is not used, and the system
check below says so: it has to be rendered to raster tiles first (docs/basemap.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mmap
import os
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core import checks
from django.urls import reverse
from django.utils.html import escape, strip_tags
from pmtiles.reader import MemorySource, Reader
from pmtiles.tile import Compression, TileType

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
VECTOR_FORMATS = {"pbf", "mvt"}
MAX_ZOOM = 24
# Two levels past the file's deepest tiles, enlarged, so a street can still be pointed at
# when the file stops at 16; Leaflet does the enlarging.
OVERZOOM = 2


class BasemapError(Exception):
    """The file cannot be read as MBTiles or PMTiles."""


@dataclass(frozen=True)
class BasemapInfo:
    """What a page's map needs to know about the file."""

    format: str  # png, jpg, webp; pbf for vector tiles; "" when unknown
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north
    attribution: str

    @property
    def raster(self) -> bool:
        return self.format in CONTENT_TYPES


class Archive(Protocol):
    info: BasemapInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...


def _format(name: str) -> str:
    name = (name or "").strip().lower()
    return {"jpeg": "jpg", "mvt": "pbf"}.get(name, name)


def _sniff(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return ""


def _in_range(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def _bounds(raw: Any) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(v) for v in (raw.split(",") if isinstance(raw, str) else raw)]
    except (TypeError, ValueError, AttributeError):
        return None
    if len(parts) != 4:
        return None
    west, south, east, north = parts
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def _attribution(raw: Any) -> str:
    # Files often carry HTML links; the map shows the words only, escaped.
    return escape(strip_tags(str(raw or ""))).strip()


class MBTiles:
    """An MBTiles file, read only. A connection per read: opening SQLite costs tens of
    microseconds, and no connection outlives its thread or the file it was opened on."""

    def __init__(self, path: Path):
        self.path = path
        self._uri = path.resolve().as_uri() + "?mode=ro"
        try:
            self.info = self._read_info()
        except sqlite3.Error as exc:
            raise BasemapError(f"not an MBTiles file: {exc}") from exc

    def _db(self) -> closing[sqlite3.Connection]:
        return closing(sqlite3.connect(self._uri, uri=True))

    def _read_info(self) -> BasemapInfo:
        with self._db() as db:
            return self._info_from(db)

    def _info_from(self, db: sqlite3.Connection) -> BasemapInfo:
        meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
        zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        fmt = _format(meta.get("format", ""))
        if not fmt:
            first = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
            fmt = _sniff(bytes(first[0])) if first else ""

        def zoom(key: str, found: int | None) -> int:
            try:
                return int(meta[key])
            except (KeyError, ValueError):
                return found or 0

        return BasemapInfo(
            format=fmt,
            min_zoom=zoom("minzoom", zooms[0]),
            max_zoom=zoom("maxzoom", zooms[1]),
            bounds=_bounds(meta.get("bounds")),
            attribution=_attribution(meta.get("attribution")),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not _in_range(z, x, y):
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT tile_data FROM tiles"
                " WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, (1 << z) - 1 - y),
            ).fetchone()
        return bytes(row[0]) if row else None


PMTILES_FORMATS = {
    TileType.PNG: "png",
    TileType.JPEG: "jpg",
    TileType.WEBP: "webp",
    TileType.MVT: "pbf",
    TileType.AVIF: "avif",
    TileType.MLT: "mlt",
}


class PMTiles:
    """A PMTiles (version 3) file through a memory map, which threads may share."""

    def __init__(self, path: Path):
        self.path = path
        with path.open("rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._reader = Reader(MemorySource(self._map))
        try:
            header = self._reader.header()
            meta = self._reader.metadata()
        except Exception as exc:  # the package raises bare exceptions on a broken file
            raise BasemapError(f"not a PMTiles version 3 file: {exc}") from exc
        self._gzip = header["tile_compression"] == Compression.GZIP
        bounds = [
            header["min_lon_e7"] / 1e7,
            header["min_lat_e7"] / 1e7,
            header["max_lon_e7"] / 1e7,
            header["max_lat_e7"] / 1e7,
        ]
        self.info = BasemapInfo(
            format=PMTILES_FORMATS.get(header["tile_type"], ""),
            min_zoom=header["min_zoom"],
            max_zoom=header["max_zoom"],
            bounds=_bounds(bounds),
            attribution=_attribution(meta.get("attribution") if isinstance(meta, dict) else ""),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not _in_range(z, x, y):
            return None
        data = self._reader.get(z, x, y)
        if not data:
            return None
        return gzip.decompress(data) if self._gzip else bytes(data)


def open_file(path: str | Path) -> Archive:
    """The archive in `path`, told apart by its first bytes. Raises OSError when the file
    cannot be read, BasemapError when it is neither format."""
    path = Path(path).expanduser()
    with path.open("rb") as f:
        magic = f.read(16)
    if magic.startswith(b"PMTiles"):
        return PMTiles(path)
    if magic.startswith(b"SQLite format 3\x00"):
        return MBTiles(path)
    raise BasemapError("neither an MBTiles (SQLite) nor a PMTiles file")


_lock = threading.Lock()
_opened: tuple[tuple, Archive] | None = None


def _version_key(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns)


def current() -> tuple[Archive, str] | None:
    """The configured file and its version, when it is set, readable and of raster tiles."""
    global _opened
    configured = getattr(settings, "TINHSO_BASEMAP", "")
    if not configured:
        return None
    path = Path(configured).expanduser()
    try:
        key = _version_key(path)
    except OSError:
        return None
    with _lock:
        if _opened is None or _opened[0] != key:
            try:
                _opened = (key, open_file(path))
            except (OSError, BasemapError):
                return None
        archive = _opened[1]
    if not archive.info.raster:
        return None
    version = hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()
    return archive, version


def content_type(data: bytes, declared: str) -> str:
    return CONTENT_TYPES.get(_sniff(data) or declared, "application/octet-stream")


def map_options() -> dict | None:
    """Leaflet's options for the basemap, or None: the platform's own file first, else a
    tile server named by `TINHSO_TILE_URL`, else none (maps draw the communes only)."""
    found = current()
    if found:
        archive, version = found
        info = archive.info
        base = reverse("basemap_tile", args=[0, 0, 0]).removesuffix("0/0/0")
        return {
            "url": f"{base}{{z}}/{{x}}/{{y}}?v={version}",
            "minZoom": info.min_zoom,
            "maxNativeZoom": info.max_zoom,
            "maxZoom": min(info.max_zoom + OVERZOOM, MAX_ZOOM),
            # [[south, west], [north, east]], as Leaflet writes bounds
            "bounds": [[info.bounds[1], info.bounds[0]], [info.bounds[3], info.bounds[2]]]
            if info.bounds
            else None,
            "attribution": info.attribution,
        }
    tile_url = getattr(settings, "TINHSO_TILE_URL", "")
    if tile_url:
        return {"url": tile_url, "maxNativeZoom": 19, "maxZoom": 19, "attribution": ""}
    return None


def map_options_json() -> str:
    """`map_options()` for a page's `data-basemap` attribute ("" without a basemap)."""
    options = map_options()
    return json.dumps(options) if options else ""


@checks.register(checks.Tags.compatibility)
def check_basemap(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn at start-up when `TINHSO_BASEMAP` names a file the maps cannot use."""
    configured = getattr(settings, "TINHSO_BASEMAP", "")
    if not configured:
        return []
    path = Path(configured).expanduser()
    if not os.access(path, os.R_OK) or not path.is_file():
        return [
            checks.Warning(
                f"TINHSO_BASEMAP names {configured!r}, which is missing or cannot be read: "
                "maps show the commune outlines only.",
                hint="Give the path of a readable .mbtiles or .pmtiles file (docs/basemap.md).",
                id="tinhso.W101",
            )
        ]
    try:
        info = open_file(path).info
    except (OSError, BasemapError) as exc:
        return [
            checks.Warning(
                f"TINHSO_BASEMAP names {configured!r}, which cannot be used: {exc}.",
                hint="Give the path of a .mbtiles or .pmtiles file (docs/basemap.md).",
                id="tinhso.W102",
            )
        ]
    if not info.raster:
        kind = "vector tiles (pbf)" if info.format in VECTOR_FORMATS else f"{info.format!r} tiles"
        return [
            checks.Warning(
                f"TINHSO_BASEMAP names {configured!r}, which holds {kind}: Leaflet draws "
                "raster tiles only, so maps show the commune outlines only.",
                hint="Render the map to raster tiles (png, jpg or webp), as docs/basemap.md shows.",
                id="tinhso.W103",
            )
        ]
    return []
