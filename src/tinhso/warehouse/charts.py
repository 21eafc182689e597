"""Quick charts of a dataset's rows within the rows API's filters: a histogram of a number
column, counts per value of a category (the TOP most frequent, the rest as one "other"),
a time series of a date column (rows or a sum per hour, day, month or year), and points
on a map from a longitude/latitude pair or a GeoJSON geometry column.

Every figure is aggregated in DuckDB on the version's serving copy, through the guarded
path the rows API takes (rows.py): column names are checked against the schema, values go
as parameters. What reaches the browser is a few hundred numbers, or at most MAP_POINTS
points — above that, the points are gathered into a grid of cells with their counts.

With no column asked for, the chart picks one: the first date column, else the first
category whose values repeat (never the key: the primary key or a column whose values are
all distinct), else the first number, else the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.warehouse import rows, sandbox, serving
from tinhso.warehouse.exports import LON_LAT
from tinhso.warehouse.schema import as_table_schema, quoted

KINDS = ("counts", "histogram", "timeseries", "map")
NUMBERS = ("integer", "number", "year")
DATES = ("date", "datetime")
GEOMETRY = "geojson"
TOP = 20  # bars of a category; the rest is one "other" bar
BINS = 20  # about this many bars in a histogram
MAP_POINTS = 2000  # points sent as they are; above, a grid of GRID × GRID cells at most
GRID = 40
CHART_SECONDS = 5.0
DISTINCT_SECONDS = 1.0  # to tell a key from a category while choosing the default
CANDIDATES = 4  # categories looked at for the default, so choosing stays within seconds
# Time buckets: the finest whose number of periods stays readable (≤ 100 or so).
BUCKETS = [("hour", 4), ("day", 100), ("month", 3700)]  # (bucket, span in days at most)
# Any number in GeoJSON coordinates text; no backslash, so it can sit in an SQL literal.
_NUMBER = "-?[0-9]+(?:[.][0-9]+)?(?:[eE][-+]?[0-9]+)?"


@dataclass
class Chart:
    """The numbers of one quick chart. `rows` is how many rows are within the filters;
    `empty` how many of them have no value to draw (no date, no number, no place)."""

    kind: str
    column: str | None
    measure: str | None = None  # a summed number column; None counts rows
    rows: int = 0
    empty: int = 0
    bars: list[dict] = field(default_factory=list)  # counts: {label, amount}
    other: dict | None = None  # counts: {amount, values} beyond the TOP bars
    bins: list[dict] = field(default_factory=list)  # histogram: {start, end, count}
    bucket: str | None = None  # timeseries: hour, day, month or year
    series: list[dict] = field(default_factory=list)  # timeseries: {period, amount}
    points: list[dict] = field(default_factory=list)  # map: {lat, lon, count}
    gridded: bool = False  # map: points gathered into cells


def kind_for(field_type: str) -> str:
    """The chart a column of this Table Schema type gets."""
    if field_type in NUMBERS:
        return "histogram"
    if field_type in DATES:
        return "timeseries"
    if field_type == GEOMETRY:
        return "map"
    return "counts"


def place_of(types: dict[str, str]) -> tuple[str, ...]:
    """What the map is drawn from: the first geometry column, else a longitude/latitude
    pair of number columns (the names downloads recognise), else nothing."""
    geometry = next((n for n, t in types.items() if t == GEOMETRY), None)
    if geometry:
        return (geometry,)
    for lon, lat in LON_LAT:
        if types.get(lon) in NUMBERS and types.get(lat) in NUMBERS:
            return (lon, lat)
    return ()


def has_place(schema) -> bool:
    """Whether rows of this schema can be drawn on a map."""
    return bool(place_of(_types(schema)))


def _types(schema) -> dict[str, str]:
    return {f["name"]: f["type"] for f in as_table_schema(schema).get("fields", [])}


def _where(chosen: rows.Selection, *extra: str) -> str:
    conditions = [*chosen.where, *extra]
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def draw(actor: Actor, slug: str, params: dict[str, str]) -> Chart:
    """The chart of `_column` (or `_kind=map`), summing `_sum` where it applies, over the
    rows the other parameters filter as on the rows API."""
    filters = {k: v for k, v in params.items() if not k.startswith("_") or k == "_q"}
    chosen = rows.select(actor, slug, filters)
    types = _types(chosen.version.schema)
    key = set(as_table_schema(chosen.version.schema).get("primaryKey", []))
    cursor, chosen.table = serving.cursor_for(chosen.version)
    with sandbox.guarded(cursor, seconds=CHART_SECONDS) as con:
        column, kind = _chosen(con, chosen, types, key, params)
        measure = _measure(params, types, kind)
        chart = DRAWERS[kind](con, chosen, types, column, measure)
    rows.audit_read(actor, chosen.dataset, params)
    return chart


def _chosen(con, chosen, types, key, params) -> tuple[str, str]:
    kind = params.get("_kind") or ""
    column = params.get("_column") or ""
    if kind and kind not in KINDS:
        raise sandbox.QueryRefused(_("_kind is one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)})
    if column and column not in types:
        raise sandbox.QueryRefused(
            _("Unknown column “%(key)s”. Columns: %(columns)s.")
            % {"key": column, "columns": ", ".join(types)}
        )
    if kind == "map" or types.get(column) == GEOMETRY:
        place = (column,) if types.get(column) == GEOMETRY else place_of(types)
        if not place:
            raise sandbox.QueryRefused(
                _("This dataset has no geometry column and no longitude/latitude columns.")
            )
        return ",".join(place), "map"
    if not column:
        return _default(con, chosen, types, key)
    natural = kind_for(types[column])
    if kind and kind != natural and kind != "counts":
        raise sandbox.QueryRefused(
            _("A %(kind)s cannot be drawn from “%(column)s” (%(type)s); try %(natural)s.")
            % {"kind": kind, "column": column, "type": types[column], "natural": natural}
        )
    return column, kind or natural


def _measure(params, types, kind) -> str | None:
    measure = params.get("_sum") or None
    if measure is None or kind not in ("counts", "timeseries"):
        return None
    if types.get(measure) not in NUMBERS:
        raise sandbox.QueryRefused(
            _("_sum names a number column: %(columns)s.")
            % {"columns": ", ".join(n for n, t in types.items() if t in NUMBERS) or "—"}
        )
    return measure


def _default(con, chosen, types, key) -> tuple[str, str]:
    """The first date column; else the first category (of the first CANDIDATES) whose
    values repeat (at least twice each on average, or failing that at all); else the
    first number that is not a coordinate; else the map; else counts of the first column."""
    for name, kind in types.items():
        if kind in DATES:
            return name, "timeseries"
    place = place_of(types)
    categories = [n for n, t in types.items() if kind_for(t) == "counts" and n not in key]
    categories = categories[:CANDIDATES]
    spread: dict[str, float | None] = {}
    for repeats in (lambda s: s <= 0.5, lambda s: s < 1.0):
        for name in categories:
            if name not in spread:
                spread[name] = _spread(con, chosen, name)
            if spread[name] is not None and repeats(spread[name]):
                return name, "counts"
    for name, kind in types.items():
        if kind in NUMBERS and name not in key and name not in place:
            return name, "histogram"
    if place:
        return ",".join(place), "map"
    return next(iter(types)), "counts"


def _spread(con, chosen, name: str) -> float | None:
    """Distinct values per filled cell (1.0: all distinct, a key); None when counting
    took too long or the column is empty."""
    col = quoted(name)
    sql = f"SELECT count(DISTINCT {col}), count({col}) FROM {chosen.table}{chosen.condition}"  # noqa: S608
    found = rows.within(con, DISTINCT_SECONDS, lambda: con.execute(sql, chosen.values).fetchone())
    if not found or not found[1]:
        return None
    return found[0] / found[1]


def _amount(measure: str | None) -> str:
    return "count(*)" if measure is None else f"coalesce(sum({quoted(measure)}), 0)"


def _counts(con, chosen, types, column, measure) -> Chart:
    col = quoted(column)
    sql = (
        f"WITH g AS (SELECT {col} AS v, {_amount(measure)} AS n, count(*) AS c "  # noqa: S608
        f"FROM {chosen.table}{chosen.condition} GROUP BY {col}) "
        "SELECT v, n, count(*) OVER (), sum(n) OVER (), sum(c) OVER (), "
        "coalesce(sum(c) FILTER (WHERE v IS NULL) OVER (), 0) "
        f"FROM g ORDER BY n DESC, v NULLS LAST LIMIT {TOP}"
    )
    found = con.execute(sql, chosen.values).fetchall()
    chart = Chart("counts", column, measure)
    if not found:
        return chart
    groups, amount, chart.rows, chart.empty = found[0][2:]
    chart.bars = [{"label": v, "amount": n} for v, n, *_rest in found]
    if groups > len(found):
        shown = sum(n for _v, n, *_rest in found)
        chart.other = {"amount": amount - shown, "values": groups - len(found)}
    return chart


def _histogram(con, chosen, types, column, measure) -> Chart:
    col = quoted(column)
    low, high, filled, total = con.execute(
        f"SELECT min({col}), max({col}), count({col}), count(*) "  # noqa: S608
        f"FROM {chosen.table}{chosen.condition}",
        chosen.values,
    ).fetchone()
    chart = Chart("histogram", column, rows=total, empty=total - filled)
    if not filled:
        return chart
    low, high = float(low), float(high)
    width = bin_width(low, high, whole=types[column] != "number")
    start = math.floor(low / width) * width
    last = int((high - start) // width)
    counts = dict(
        con.execute(
            f"SELECT least(floor((CAST({col} AS DOUBLE) - ?) / ?), ?) AS b, count(*) "  # noqa: S608
            f"FROM {chosen.table}{_where(chosen, col + ' IS NOT NULL')} GROUP BY b",
            [start, width, last, *chosen.values],
        ).fetchall()
    )
    chart.bins = [
        {"start": start + i * width, "end": start + (i + 1) * width, "count": counts.get(i, 0)}
        for i in range(last + 1)
    ]
    return chart


def bin_width(low: float, high: float, *, whole: bool) -> float:
    """A round width (1, 2 or 5 × a power of ten) giving about BINS bins from `low` to
    `high`; whole numbers get whole widths, so every bin holds the same values."""
    raw = (high - low) / BINS
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    width = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return float(max(1, math.ceil(width))) if whole else width


def _timeseries(con, chosen, types, column, measure) -> Chart:
    col = quoted(column)
    low, high, filled, total = con.execute(
        f"SELECT min({col}), max({col}), count({col}), count(*) "  # noqa: S608
        f"FROM {chosen.table}{chosen.condition}",
        chosen.values,
    ).fetchone()
    chart = Chart("timeseries", column, measure, rows=total, empty=total - filled)
    if not filled:
        return chart
    days = (high - low).total_seconds() / 86400
    bucket = next(
        (b for b, most in BUCKETS if days <= most and (b != "hour" or types[column] != "date")),
        "year",
    )
    # Every period between the first and the last, the empty ones at zero.
    sql = (
        f"WITH g AS (SELECT date_trunc('{bucket}', {col}) AS p, {_amount(measure)} AS n "  # noqa: S608
        f"FROM {chosen.table}{_where(chosen, col + ' IS NOT NULL')} GROUP BY p), "
        f"s AS (SELECT unnest(generate_series(min(p), max(p), INTERVAL 1 {bucket})) AS p "
        "FROM g) "
        "SELECT s.p, coalesce(g.n, 0) FROM s LEFT JOIN g USING (p) ORDER BY s.p"
    )
    chart.bucket = bucket
    chart.series = [
        {"period": _period(p, bucket), "amount": n}
        for p, n in con.execute(sql, chosen.values).fetchall()
    ]
    return chart


def _period(value: Any, bucket: str) -> str:
    if bucket == "hour":
        return value.isoformat(timespec="minutes")
    return (value.date() if hasattr(value, "date") else value).isoformat()


def _map(con, chosen, types, column, measure) -> Chart:
    place = column.split(",")
    if len(place) == 2:
        lon, lat = (quoted(n) for n in place)
        source = (
            f"SELECT CAST({lon} AS DOUBLE) AS x, CAST({lat} AS DOUBLE) AS y "  # noqa: S608
            f"FROM {chosen.table}{chosen.condition}"
        )
    else:
        # A representative point of any GeoJSON shape: the middle of its coordinates' box
        # (in the flattened coordinates, longitudes come first, then latitudes, in turn).
        numbers = (
            f"list_transform(regexp_extract_all(CAST(try(json_extract({quoted(place[0])}, "
            f"'$.coordinates')) AS VARCHAR), '{_NUMBER}'), lambda v: CAST(v AS DOUBLE))"
        )
        source = (
            "SELECT (list_min(xs) + list_max(xs)) / 2 AS x, "  # noqa: S608
            "(list_min(ys) + list_max(ys)) / 2 AS y "
            "FROM (SELECT list_slice(c, 1, -1, 2) AS xs, list_slice(c, 2, -1, 2) AS ys "
            f"FROM (SELECT {numbers} AS c FROM {chosen.table}{chosen.condition}))"
        )
    located = "x BETWEEN -180 AND 180 AND y BETWEEN -90 AND 90"
    total, found, west, east, south, north = con.execute(
        f"WITH p AS ({source}) SELECT count(*), count(*) FILTER (WHERE {located}), "  # noqa: S608
        f"min(x) FILTER (WHERE {located}), max(x) FILTER (WHERE {located}), "
        f"min(y) FILTER (WHERE {located}), max(y) FILTER (WHERE {located}) FROM p",
        chosen.values,
    ).fetchone()
    chart = Chart("map", column, rows=total, empty=total - found)
    if found <= MAP_POINTS:
        sql = f"WITH p AS ({source}) SELECT y, x, 1 FROM p WHERE {located}"  # noqa: S608
        values = []
    else:
        # Cells of a grid over the points' box; each drawn where its points are on average.
        cell = max(east - west, north - south, 1e-6) / GRID
        sql = (
            f"WITH p AS ({source}) SELECT avg(y), avg(x), count(*) "  # noqa: S608
            f"FROM p WHERE {located} "
            "GROUP BY floor((x - ?) / ?), floor((y - ?) / ?)"
        )
        values = [west, cell, south, cell]
        chart.gridded = True
    chart.points = [
        {"lat": lat, "lon": lon, "count": n}
        for lat, lon, n in con.execute(sql, [*chosen.values, *values]).fetchall()
    ]
    return chart


DRAWERS = {
    "counts": _counts,
    "histogram": _histogram,
    "timeseries": _timeseries,
    "map": _map,
}
