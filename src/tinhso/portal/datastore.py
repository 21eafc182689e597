"""datastore_search and datastore_search_sql over the warehouse: the first through the
rows API (warehouse/rows.py: checked columns, values as parameters, the serving copy),
the second through the SQL sandbox (warehouse/sandbox.py), so neither reads anything the
warehouse would not give the same caller."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.core.values import jsonable
from tinhso.warehouse import rows, sandbox
from tinhso.warehouse.schema import field_types

from . import access, usage
from .errors import ValidationError
from .index import resource_id
from .models import SearchEntry

LIMIT_DEFAULT = 100
CKAN_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "bool",
    "DATE": "date",
    "DOUBLE": "float8",
    "FLOAT": "float4",
    "REAL": "float4",
    "TINYINT": "int",
    "SMALLINT": "int",
    "INTEGER": "int",
    "BIGINT": "int",
    "HUGEINT": "numeric",
    "UBIGINT": "numeric",
    "UINTEGER": "int",
}


def ckan_type(duck: str) -> str:
    duck = duck.upper()
    if duck.startswith("DECIMAL"):
        return "numeric"
    if duck.startswith("TIMESTAMP"):
        return "timestamp"
    return CKAN_TYPES.get(duck, "text")


def _json_or(raw, key: str):
    """A dict or list sent as itself or as JSON text (GET can only send text)."""
    if isinstance(raw, str) and raw.strip()[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            raise ValidationError({key: [_("Cannot parse JSON")]}) from None
    return raw


def _params(data: dict) -> dict[str, str]:
    """The rows API's parameters for datastore_search's."""
    params: dict[str, str] = {}
    filters = _json_or(data.get("filters") or {}, "filters")
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Not a JSON object")]})
    for column, value in filters.items():
        if isinstance(value, list):
            params[f"{column}__in"] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            for op, bound in value.items():
                if op not in ("gt", "gte", "lt", "lte"):
                    raise ValidationError({"filters": [_("Unknown operator %(op)s") % {"op": op}]})
                params[f"{column}__{op}"] = str(bound)
        else:
            params[column] = str(value)
    q = _json_or(data.get("q") or "", "q")
    if isinstance(q, dict):
        params |= {f"{column}__contains": str(text) for column, text in q.items()}
    elif q:
        params["_q"] = str(q)
    fields = _json_or(data.get("fields") or [], "fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    fields = [f for f in fields if f and f != "_id"]
    if fields:
        params["_fields"] = ",".join(fields)
    sort = [s.split() for s in str(data.get("sort") or "").split(",") if s.strip()]
    sort = [s for s in sort if s[0].strip('"') != "_id"]
    if len(sort) > 1:
        raise ValidationError({"sort": [_("Sort on one column only.")]})
    if sort:
        column, direction = sort[0][0].strip('"'), sort[0][1:] or ["asc"]
        params["_sort"] = ("-" if direction[0].lower() == "desc" else "") + column
    return params


def _number(data: dict, key: str, default: int) -> int:
    try:
        number = int(data.get(key, default))
    except (TypeError, ValueError):
        raise ValidationError({key: [_("Invalid integer")]}) from None
    if number < 0:
        raise ValidationError({key: [_("Must be a natural number")]})
    return number


def search(actor: Actor, data: dict, base: str) -> dict:
    ref = str(data.get("resource_id") or data.get("id") or "")
    if not ref:
        raise ValidationError({"resource_id": [_("Missing value")]})
    dataset = access.dataset_of_resource(actor, ref)
    usage.count_quietly(dataset, "api_calls")
    limit = min(_number(data, "limit", LIMIT_DEFAULT), rows.MAX_LIMIT)
    offset = _number(data, "offset", 0)
    include_total = str(data.get("include_total", "true")).lower() not in ("false", "0")
    params = _params(data)
    params |= {"_limit": str(max(limit, 1)), "_offset": str(offset)}
    params["_total"] = "auto" if include_total else "none"
    try:
        page = rows.page(actor, dataset.slug, params)
    except sandbox.QueryRefused as exc:
        raise ValidationError({"query": [exc.message]}) from exc
    types = field_types(dataset.current.schema) if dataset.current else {}
    records = [
        {"_id": offset + i + 1, **{c: jsonable(v) for c, v in zip(page.columns, row, strict=True)}}
        for i, row in enumerate(page.rows if limit else [])
    ]
    echo = {k: data[k] for k in ("filters", "q", "fields", "sort", "distinct") if k in data}
    for key in ("filters", "q", "fields"):
        if key in echo:
            echo[key] = _json_or(echo[key], key)
    ref = resource_id(dataset.pk, "csv")
    link = {
        "resource_id": ref,
        **{
            k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in echo.items()
        },
    }
    answer = {
        "resource_id": ref,
        **echo,
        "limit": limit,
        "offset": offset,
        "include_total": include_total,
        "records_format": "objects",
        "fields": [{"id": "_id", "type": "int"}]
        + [{"id": c, "type": ckan_type(types.get(c, ""))} for c in page.columns],
        "records": records,
        "total_was_estimated": not page.total_is_exact,
        "_links": {
            "start": f"{base}?{urlencode(link)}",
            "next": f"{base}?{urlencode({**link, 'offset': offset + limit})}",
        },
    }
    if include_total:
        answer["total"] = page.total
    if offset:
        answer["_links"]["prev"] = f"{base}?{urlencode({**link, 'offset': max(0, offset - limit)})}"
    return answer


QUOTED = re.compile(r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')


def _value_type(values: list) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float | Decimal):
            return "numeric"
        if isinstance(value, dt.datetime):
            return "timestamp"
        if isinstance(value, dt.date):
            return "date"
        return "text"
    return "text"


def search_sql(actor: Actor, data: dict) -> dict:
    """A single SELECT in the sandbox; a table is named by its dataset's slug, or — as in
    CKAN — by the id of one of its resources."""
    sql = str(data.get("sql") or "")
    if not sql.strip():
        raise ValidationError({"sql": [_("Missing value")]})

    def slug_for(match: re.Match) -> str:
        entry = (
            SearchEntry.objects.filter(resources__contains=f"|{match.group(1)}|")
            .select_related("dataset")
            .first()
        )
        return f'"{entry.dataset.slug}"' if entry else match.group(0)

    if QUOTED.search(sql):
        from .index import refresh

        refresh()
    query = QUOTED.sub(slug_for, sql)
    try:
        answer = sandbox.run(actor, query)
    except sandbox.QueryRefused as exc:
        raise ValidationError({"query": [exc.message], "info": {"statement": [sql]}}) from exc
    fields = [
        {"id": c, "type": _value_type([r[i] for r in answer.rows])}
        for i, c in enumerate(answer.columns)
    ]
    out = {
        "sql": sql,
        "fields": fields,
        "records": [
            {c: jsonable(v) for c, v in zip(answer.columns, row, strict=True)}
            for row in answer.rows
        ],
    }
    if answer.truncated:
        out["records_truncated"] = True
    return out
