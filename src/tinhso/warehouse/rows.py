"""Rows of one dataset through filters, without SQL: `?xa=Phường Tân An`,
`?so_hoc_sinh__gte=500`, `?ma__in=TH001,TH002`, `?ten__contains=tiểu học`,
`?ngay__isnull=true`, `_q` (accent-insensitive, every text column), `_sort=-col`,
`_fields=a,b`, `_limit`, `_offset`. Column names are checked against the dataset's schema;
values travel as query parameters. Runs in the same sandbox as SQL."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.warehouse import access, sandbox
from tinhso.warehouse.models import Access
from tinhso.warehouse.schema import field_types

COMPARISONS = {"": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
OPERATORS = {*COMPARISONS, "contains", "in", "isnull"}
MAX_LIMIT = 1000


@dataclass
class Page:
    columns: list[str]
    rows: list[tuple]
    total: int
    limit: int
    offset: int


def _quoted(name: str) -> str:
    """A column name already checked against the schema, as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _fold(sql: str) -> str:
    return "replace(strip_accents(lower(" + sql + ")), 'đ', 'd')"


def _contains(column_sql: str) -> str:
    return _fold("CAST(" + column_sql + " AS VARCHAR)") + " LIKE '%' || " + _fold("?") + " || '%'"


def _filters(params: dict[str, str], types: dict[str, str]) -> tuple[list[str], list]:
    where: list[str] = []
    values: list = []
    for key, raw in params.items():
        if key.startswith("_"):
            continue
        column, _sep, op = key.partition("__")
        if column not in types or op not in OPERATORS:
            raise sandbox.QueryRefused(
                _("Unknown column or filter “%(key)s”. Columns: %(columns)s.")
                % {"key": key, "columns": ", ".join(types)}
            )
        name = _quoted(column)
        if op == "contains":
            where.append(_contains(name))
            values.append(raw)
        elif op == "in":
            items = [v for v in raw.split(",") if v != ""]
            marks = ", ".join("?" for _item in items) or "NULL"
            where.append("CAST(" + name + " AS VARCHAR) IN (" + marks + ")")
            values += items
        elif op == "isnull":
            negate = "" if raw.lower() in ("1", "true", "yes") else "NOT "
            where.append(name + " IS " + negate + "NULL")
        else:
            where.append(name + " " + COMPARISONS[op] + " ?")
            values.append(raw)
    text = [n for n, t in types.items() if t == "VARCHAR"]
    if params.get("_q") and text:
        where.append("(" + " OR ".join(_contains(_quoted(n)) for n in text) + ")")
        values += [params["_q"]] * len(text)
    return where, values


def page(actor: Actor, slug: str, params: dict[str, str]) -> Page:
    dataset = access.dataset_for_reader(actor, slug)
    current = dataset.current
    if current is None:
        raise sandbox.QueryRefused(_("This dataset has no data yet."))
    types = field_types(current.schema)
    where, values = _filters(params, types)
    fields = [f for f in (params.get("_fields") or "").split(",") if f] or list(types)
    sort = params.get("_sort") or ""
    for name in [*fields, sort.lstrip("-")]:
        if name and name not in types:
            raise sandbox.QueryRefused(
                _("Unknown column “%(key)s”. Columns: %(columns)s.")
                % {"key": name, "columns": ", ".join(types)}
            )
    try:
        limit = max(1, min(MAX_LIMIT, int(params.get("_limit") or 100)))
        offset = max(0, int(params.get("_offset") or 0))
    except ValueError as exc:
        raise sandbox.QueryRefused(_("_limit and _offset are whole numbers.")) from exc
    condition = " WHERE " + " AND ".join(where) if where else ""
    order = ""
    if sort:
        order = " ORDER BY " + _quoted(sort.lstrip("-")) + (" DESC" if sort[0] == "-" else "")
    table = _quoted(dataset.slug)
    # Identifiers come from the schema (quoted), values go as parameters.
    select = "SELECT " + ", ".join(_quoted(f) for f in fields) + " FROM " + table  # noqa: S608
    count = "SELECT count(*) FROM " + table + condition  # noqa: S608
    with sandbox.sandboxed([dataset]) as con:
        cursor = con.execute(select + condition + order + f" LIMIT {limit} OFFSET {offset}", values)
        columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
        total = con.execute(count, values).fetchone()[0]
    if dataset.access != Access.OPEN:
        record(actor, "warehouse.read", dataset, after={"rows": params})
    return Page(columns, rows, total, limit, offset)
