"""JSON API of the warehouse: the datasets a caller may read, and read-only SQL over them.
Anonymous callers see open data; an API token or a session adds what its user's agency
may read."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from tinhso.agencies.auth import reader, signed_in
from tinhso.core.access import NotFound
from tinhso.core.values import jsonable
from tinhso.warehouse import access, sandbox
from tinhso.warehouse.models import Dataset, VersionStatus, attach_current
from tinhso.warehouse.schema import as_table_schema

router = Router()


class ColumnOut(Schema):
    """A field of the dataset's Frictionless Table Schema; `storage` is its DuckDB type."""

    name: str
    type: str
    storage: str = ""
    title: str = ""
    description: str = ""
    constraints: dict = {}


class VersionOut(Schema):
    number: int
    status: str
    rows: int
    source_name: str
    source_sha256: str
    encoding: str
    created_at: str
    report: dict

    @staticmethod
    def resolve_created_at(obj) -> str:
        return obj.created_at.isoformat()


class CriterionOut(Schema):
    key: str
    label: str
    met: bool


class QualityOut(Schema):
    percent: int
    criteria: list[CriterionOut]


class DatasetOut(Schema):
    """DCAT-style metadata with the Law on Data's classification."""

    slug: str
    title: str
    description: str
    owner: str
    access: str
    importance: str
    licence: str
    themes: list[str]
    tags: list[str]
    frequency: str
    spatial: str
    temporal_start: str | None
    temporal_end: str | None
    contact_name: str
    contact_email: str
    rows: int | None
    columns: list[ColumnOut]
    primary_key: list[str]
    quality: QualityOut
    is_demo: bool

    @staticmethod
    def resolve_temporal_start(obj: Dataset) -> str | None:
        return obj.temporal_start.isoformat() if obj.temporal_start else None

    @staticmethod
    def resolve_temporal_end(obj: Dataset) -> str | None:
        return obj.temporal_end.isoformat() if obj.temporal_end else None

    @staticmethod
    def resolve_primary_key(obj: Dataset) -> list[str]:
        current = obj.current
        return as_table_schema(current.schema).get("primaryKey", []) if current else []

    @staticmethod
    def resolve_quality(obj: Dataset) -> dict:
        from tinhso.warehouse.quality import assess

        found = assess(obj)
        return {
            "percent": found.percent,
            "criteria": [
                {"key": c.key, "label": str(c.label), "met": c.met} for c in found.criteria
            ],
        }

    @staticmethod
    def resolve_owner(obj: Dataset) -> str:
        return obj.owner.code

    @staticmethod
    def resolve_rows(obj: Dataset) -> int | None:
        current = obj.current
        return current.rows if current else None

    @staticmethod
    def resolve_columns(obj: Dataset) -> list[dict]:
        current = obj.current
        return as_table_schema(current.schema)["fields"] if current else []


class DatasetDetailOut(DatasetOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Dataset):
        # Set by the route from access.versions_for_reader; accepted ones alone otherwise.
        readable = getattr(obj, "readable_versions", None)
        if readable is None:
            return obj.versions.filter(status=VersionStatus.ACCEPTED)
        return readable


class SqlIn(Schema):
    sql: str = SchemaField(..., min_length=1, max_length=20_000)
    limit: int = SchemaField(1000, ge=1, le=sandbox.ROW_CAP)


class SqlOut(Schema):
    columns: list[str]
    rows: list[list]
    truncated: bool


@router.get("/datasets", response=list[DatasetOut], summary="Datasets you may read")
def list_datasets(request: HttpRequest):
    return attach_current(list(access.readable_datasets(reader(request))))


@router.get("/datasets/{slug}", response=DatasetDetailOut, summary="One dataset, its versions")
def get_dataset(request: HttpRequest, slug: str):
    actor = reader(request)
    try:
        dataset = access.dataset_for_reader(actor, slug)
    except NotFound as exc:
        raise HttpError(404, exc.message) from exc
    dataset.readable_versions = list(access.versions_for_reader(actor, dataset))
    return dataset


class FacetValue(Schema):
    value: str | int | float | bool | None
    count: int


class FacetOut(Schema):
    values: list[FacetValue]
    truncated: bool
    timed_out: bool


class RowsOut(Schema):
    columns: list[str]
    rows: list[list]
    total: int | None
    total_is_exact: bool
    limit: int
    offset: int
    facets: dict[str, FacetOut]


@router.get("/datasets/{slug}/rows", response=RowsOut, summary="Rows, filtered and sorted")
def dataset_rows(request: HttpRequest, slug: str):
    """Filters as query parameters: `col=value`, `col__gt|gte|lt|lte=value`,
    `col__in=a,b`, `col__contains=text` (accents and case ignored), `col__isnull=true`;
    `_q` searches every text column without accents; `_sort=col` or `_sort=-col`;
    `_fields=a,b`; `_limit` (at most 1000) and `_offset`; `_facet=a,b` counts the 30
    most frequent values of each column within the filters (one second each; a facet that
    runs out says `timed_out`); `_total=auto` (exact up to a million rows, estimated from
    a sample above; unfiltered totals are exact), `exact`, `estimate` or `none` —
    `total_is_exact` says which you got."""
    from tinhso.warehouse import rows

    try:
        found = rows.page(reader(request), slug, dict(request.GET.items()))
    except NotFound as exc:
        raise HttpError(404, exc.message) from exc
    except sandbox.QueryRefused as exc:
        raise HttpError(400, exc.message) from exc
    return {
        "columns": found.columns,
        "rows": [[jsonable(v) for v in row] for row in found.rows],
        "total": found.total,
        "total_is_exact": found.total_is_exact,
        "limit": found.limit,
        "offset": found.offset,
        "facets": {
            name: {
                **facet,
                "values": [{**v, "value": jsonable(v["value"])} for v in facet["values"]],
            }
            for name, facet in found.facets.items()
        },
    }


class ChartBar(Schema):
    label: str | int | float | bool | None
    amount: int | float


class ChartOther(Schema):
    amount: int | float
    values: int


class ChartBin(Schema):
    start: float
    end: float
    count: int


class ChartPeriod(Schema):
    period: str
    amount: int | float


class ChartPoint(Schema):
    lat: float
    lon: float
    count: int


class ChartOut(Schema):
    kind: str
    column: str | None
    measure: str | None
    rows: int
    empty: int
    bars: list[ChartBar]
    other: ChartOther | None
    bins: list[ChartBin]
    bucket: str | None
    series: list[ChartPeriod]
    points: list[ChartPoint]
    gridded: bool


@router.get(
    "/datasets/{slug}/chart", response=ChartOut, summary="A quick chart's numbers, filtered"
)
def dataset_chart(request: HttpRequest, slug: str):
    """The rows filtered as on `/rows`, aggregated for one chart: `_column=col` draws a
    histogram of a number column (`bins`), counts of each value of any other column
    (`bars`: the 20 largest, `other` for the rest), or a time series of a date column
    (`series` per hour, day, month or year, by `bucket`); `_kind=counts` counts a number
    column's values instead; `_kind=map` gives the points of the geometry or
    longitude/latitude columns (`gridded` into cells with their `count` above 2,000);
    `_sum=col` sums a number column instead of counting rows (counts and time series).
    Without `_column` the chart chooses: the first date column, else the first category
    that is not the key, else the first number."""
    from tinhso.warehouse import charts

    try:
        found = charts.draw(reader(request), slug, dict(request.GET.items()))
    except NotFound as exc:
        raise HttpError(404, exc.message) from exc
    except sandbox.QueryRefused as exc:
        raise HttpError(400, exc.message) from exc
    out = asdict(found)
    out["bars"] = [{**bar, "label": jsonable(bar["label"])} for bar in found.bars]
    return out


@router.post("/sql", response=SqlOut, summary="Read-only SQL over the datasets you may read")
def run_sql(request: HttpRequest, payload: SqlIn):
    """One query (SELECT / WITH / UNION); each dataset is a table named by its slug
    (quote it: `"truong-hoc"`). Refused with 400 and the reason otherwise; at most
    `limit` rows, `truncated` says when there were more; 10 seconds at most."""
    try:
        answer = sandbox.run(reader(request), payload.sql, limit=payload.limit)
    except sandbox.QueryRefused as exc:
        raise HttpError(400, exc.message) from exc
    return {
        "columns": answer.columns,
        "rows": [[jsonable(v) for v in row] for row in answer.rows],
        "truncated": answer.truncated,
    }


@router.get("/datasets/{slug}/download/{fmt}", summary="Download rows: csv, json, geojson, xlsx")
def download(request: HttpRequest, slug: str, fmt: str):
    """The rows, filtered as on `/rows` (without `_limit`), streamed: `csv` (UTF-8 with BOM
    for Excel; cells starting with = + - @ neutralised), `json`, `geojson` (when there is
    a geometry or longitude/latitude column), `xlsx` (at most 1,048,575 rows) or `parquet`
    (the whole version as stored)."""
    from tinhso.warehouse import exports

    try:
        return exports.download(reader(request), slug, fmt, dict(request.GET.items()))
    except sandbox.QueryRefused as exc:
        raise HttpError(400, exc.message) from exc


@router.post(
    "/datasets/{slug}/versions",
    response={201: VersionOut, 422: VersionOut},
    auth=signed_in,
    summary="Push a new version (agency systems, the LGSP)",
)
def push_version(
    request: HttpRequest,
    slug: str,
    append: bool = False,
    sheet: str | None = None,
    accept_schema_change: bool = False,
    encoding: str | None = None,
    filename: str | None = None,
):
    """Send the file as multipart (`file`) or as the request body, with an API token of a
    data steward of the owner agency. The body's format comes from `filename`, or from its
    Content-Type. 201 with the new version when accepted; 422 with the rejected version's
    report (the current version stays live)."""
    from tinhso.warehouse import actions, uploads

    actor = request.auth
    dataset = access.dataset_for_writer(actor, slug)
    with uploads.received(request, filename) as (path, name):
        version = actions.add_version(
            actor,
            dataset,
            path,
            source_name=name,
            append=append,
            sheet=sheet,
            accept_schema_change=accept_schema_change,
            encoding=encoding,
        )
    return Status(201 if version.status == "accepted" else 422, version)


class DiffOut(Schema):
    number: int
    previous: int | None
    added: int | None
    removed: int | None
    columns: list[str]
    columns_added: list[str]
    columns_removed: list[str]
    added_rows: list[list]
    removed_rows: list[list]


@router.get(
    "/datasets/{slug}/versions/{number}/diff",
    response=DiffOut,
    summary="Rows added and removed since the previous version",
)
def version_diff(request: HttpRequest, slug: str, number: int, limit: int = 50):
    from tinhso.warehouse import changes

    actor = reader(request)
    found = changes.between(actor, slug, number, sample=max(0, min(limit, 500)))
    return {
        **found,
        "added_rows": [[jsonable(v) for v in row] for row in found.get("added_rows", [])],
        "removed_rows": [[jsonable(v) for v in row] for row in found.get("removed_rows", [])],
    }
