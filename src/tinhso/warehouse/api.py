"""JSON API of the warehouse: the datasets a caller may read, and read-only SQL over them.
Anonymous callers see open data; an API token or a session adds what its user's agency
may read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema
from ninja.errors import HttpError

from tinhso.agencies.auth import reader
from tinhso.core.access import NotFound
from tinhso.warehouse import access, sandbox
from tinhso.warehouse.models import Dataset
from tinhso.warehouse.schema import table_type

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
        if current is None or not isinstance(current.schema, dict):
            return []
        return current.schema.get("primaryKey", [])

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
        if current is None:
            return []
        if isinstance(current.schema, list):  # stored before Table Schemas
            return [
                {"name": c["name"], "type": table_type(c["type"]), "storage": c["type"]}
                for c in current.schema
            ]
        return current.schema["fields"]


class DatasetDetailOut(DatasetOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Dataset):
        return obj.versions.all()


class SqlIn(Schema):
    sql: str = SchemaField(..., min_length=1, max_length=20_000)
    limit: int = SchemaField(1000, ge=1, le=sandbox.ROW_CAP)


class SqlOut(Schema):
    columns: list[str]
    rows: list[list]
    truncated: bool


@router.get("/datasets", response=list[DatasetOut], summary="Datasets you may read")
def list_datasets(request: HttpRequest):
    return access.readable_datasets(reader(request))


@router.get("/datasets/{slug}", response=DatasetDetailOut, summary="One dataset, its versions")
def get_dataset(request: HttpRequest, slug: str):
    try:
        return access.dataset_for_reader(reader(request), slug)
    except NotFound as exc:
        raise HttpError(404, exc.message) from exc


class RowsOut(Schema):
    columns: list[str]
    rows: list[list]
    total: int
    limit: int
    offset: int


@router.get("/datasets/{slug}/rows", response=RowsOut, summary="Rows, filtered and sorted")
def dataset_rows(request: HttpRequest, slug: str):
    """Filters as query parameters: `col=value`, `col__gt|gte|lt|lte=value`,
    `col__in=a,b`, `col__contains=text` (accents and case ignored), `col__isnull=true`;
    `_q` searches every text column without accents; `_sort=col` or `_sort=-col`;
    `_fields=a,b`; `_limit` (at most 1000) and `_offset`. `total` is exact."""
    from tinhso.warehouse import rows

    try:
        found = rows.page(reader(request), slug, dict(request.GET.items()))
    except NotFound as exc:
        raise HttpError(404, exc.message) from exc
    except sandbox.QueryRefused as exc:
        raise HttpError(400, exc.message) from exc
    return {
        "columns": found.columns,
        "rows": [[_json(v) for v in row] for row in found.rows],
        "total": found.total,
        "limit": found.limit,
        "offset": found.offset,
    }


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
        "rows": [[_json(v) for v in row] for row in answer.rows],
        "truncated": answer.truncated,
    }


def _json(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # dates, decimals, intervals
