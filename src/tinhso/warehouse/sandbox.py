"""Read-only SQL over the datasets a caller may read (docs/decisions/0009).

Two walls: sqlglot must parse the text as exactly one query (SELECT, UNION, WITH …), and
the query runs in a fresh in-memory DuckDB that may open only the Parquet files of those
datasets: `allowed_paths` set to them, external access off, configuration locked. A time
limit interrupts the query; a row cap ends the answer and says so.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot
from django.conf import settings
from django.utils.translation import gettext as _
from sqlglot import exp

from tinhso.core.actions import record
from tinhso.core.actors import Actor
from tinhso.warehouse.access import readable_datasets
from tinhso.warehouse.duck import sql_string
from tinhso.warehouse.models import Access, DatasetVersion

TIME_LIMIT = 10.0
ROW_CAP = 10_000


class QueryRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Answer:
    columns: list[str]
    rows: list[tuple]
    truncated: bool


def check(sql: str) -> exp.Query:
    """The parsed query, or QueryRefused unless `sql` is exactly one read-only query."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as exc:  # parse and tokenizer errors alike
        raise QueryRefused(_("The SQL could not be read: %(reason)s") % {"reason": exc}) from exc
    if len(statements) != 1:
        raise QueryRefused(_("Send exactly one statement."))
    if not isinstance(statements[0], exp.Query):
        raise QueryRefused(_("Only queries (SELECT) are allowed: the warehouse is read-only here."))
    _refuse_catalog(statements[0])
    return statements[0]


# The engine's own catalogue and settings: they would show the files behind the views.
_CATALOG_PREFIXES = ("duckdb_", "pragma_", "sqlite_", "pg_")
_CATALOG_SCHEMAS = {"information_schema", "pg_catalog", "main", "system", "temp"}
_CATALOG_FUNCTIONS = {"current_setting", "getenv", "pragma", "which_secret", "glob"}


def _refuse_catalog(query: exp.Query) -> None:
    names = [
        (f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower()
        for f in query.find_all(exp.Func)
    ]
    tables = [(t.name.lower(), t.db.lower()) for t in query.find_all(exp.Table)]
    if (
        any(n.startswith(_CATALOG_PREFIXES) or n in _CATALOG_FUNCTIONS for n in names)
        or any(name.startswith(_CATALOG_PREFIXES) for name, _db in tables)
        or any(db in _CATALOG_SCHEMAS for _name, db in tables)
    ):
        raise QueryRefused(
            _("Only the datasets can be queried here, not the engine's own catalogue.")
        )


def _connection(datasets, output: Path | None = None) -> duckdb.DuckDBPyConnection:
    views: dict[str, list[DatasetVersion]] = {}
    for dataset in datasets:
        live = [v for v in dataset.live_versions() if v.file]
        if live:
            views[dataset.slug] = live
    con = duckdb.connect(
        config={"threads": settings.TINHSO_SQL_THREADS, "memory_limit": settings.TINHSO_SQL_MEMORY}
    )
    allowed = [str(v.path) for live in views.values() for v in live]
    allowed += [str(output)] if output else []
    con.execute("SET allowed_paths = ?", [allowed or ["/nonexistent"]])
    con.execute("SET enable_external_access = false")
    for slug, live in views.items():
        # Slugs are validated slugs ([-a-z0-9_]); paths are the warehouse's own files. A
        # table kept in parts reads every part's file, its part name a column (Hive).
        files = ", ".join(sql_string(v.path) for v in live)
        hive = ", hive_partitioning = true, union_by_name = true" if live[0].part else ""
        view = f'CREATE VIEW "{slug}" AS SELECT * FROM read_parquet([{files}]{hive})'  # noqa: S608
        con.execute(view)
    con.execute("SET lock_configuration = true")
    return con


def _record_reads(actor: Actor, query: exp.Query, datasets, sql: str) -> None:
    """Reads of shared and private datasets are audited (who, what, when)."""
    named = {table.name for table in query.find_all(exp.Table)}
    for dataset in datasets:
        if dataset.slug in named and dataset.access != Access.OPEN:
            record(actor, "warehouse.read", dataset, after={"sql": sql[:1000]})


@contextmanager
def sandboxed(
    datasets, *, seconds: float = TIME_LIMIT, output: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A sandboxed connection over `datasets` (and allowed to write `output`, one file),
    interrupted after `seconds`; DuckDB's errors come out as QueryRefused."""
    with guarded(_connection(datasets, output), seconds=seconds) as con:
        yield con


@contextmanager
def guarded(
    con: duckdb.DuckDBPyConnection, *, seconds: float = TIME_LIMIT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`con`, interrupted after `seconds` and closed at the end; DuckDB's errors come out
    as QueryRefused with the reason."""
    timer = threading.Timer(seconds, con.interrupt)
    timer.start()
    try:
        yield con
    except duckdb.InterruptException as exc:
        raise QueryRefused(
            _("The query ran longer than %(s)s seconds and was stopped.") % {"s": seconds}
        ) from exc
    except duckdb.Error as exc:
        raise QueryRefused(explain(exc)) from exc
    finally:
        timer.cancel()
        con.close()


# Mistakes in the query itself, whose first line helps the person who wrote it.
_SHOWN = (
    duckdb.ParserException,
    duckdb.BinderException,
    duckdb.CatalogException,
    duckdb.ConversionException,
)
_PATH = re.compile(r"(?:/[^\s'\"/]+)+/?")


def explain(exc: duckdb.Error) -> str:
    """What a person reads when DuckDB refuses a query: for a mistake in the query
    (syntax, names, types) the engine's first line with any file path taken out; for
    anything else a sentence of ours — the engine's internals are not theirs to read."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        return _(
            "The query needs more memory than one query may use (%(limit)s): narrow it "
            "down with filters or fewer columns."
        ) % {"limit": settings.TINHSO_SQL_MEMORY}
    if isinstance(exc, _SHOWN):
        first = str(exc).splitlines()[0]
        return _("The query failed: %(reason)s") % {"reason": _PATH.sub("…", first)}
    return _(
        "The query could not be run: it reads something that is not one of your datasets, "
        "or the engine failed. Nothing was changed."
    )


def _named(actor: Actor, query: exp.Query) -> list:
    """The datasets `actor` may read that the query names: only those become views (a
    view per readable dataset would cost a query and a view each, at every run)."""
    names = {table.name.lower() for table in query.find_all(exp.Table)}
    return list(readable_datasets(actor).filter(slug__in=names))


def run(actor: Actor, sql: str, *, limit: int = ROW_CAP, seconds: float = TIME_LIMIT) -> Answer:
    query = check(sql)
    datasets = _named(actor, query)
    with sandboxed(datasets, seconds=seconds) as con:
        cursor = con.execute(sql)
        rows = cursor.fetchmany(limit + 1)
        columns = [d[0] for d in cursor.description]
    _record_reads(actor, query, datasets, sql)
    return Answer(columns, rows[:limit], len(rows) > limit)


def export_parquet(actor: Actor, sql: str, path: Path, *, limit: int = ROW_CAP) -> int:
    """Write the answer to one checked query (at most `limit` rows) as a Parquet file at
    `path`, the only file the sandbox may write. Returns the number of rows."""
    query = check(sql)
    datasets = _named(actor, query)
    body = query.sql(dialect="duckdb")
    with sandboxed(datasets, output=path) as con:
        con.execute(
            f"COPY (SELECT * FROM ({body}) LIMIT {int(limit)}) TO {sql_string(path)} "  # noqa: S608
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        rows = con.execute(f"SELECT count(*) FROM read_parquet({sql_string(path)})").fetchone()[0]  # noqa: S608
    _record_reads(actor, query, datasets, sql)
    return rows
