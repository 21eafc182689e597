"""A mix of query shapes through the warehouse's rows API, on two different generated
tables of 10,000,000 rows, beside Datasette on the same rows.

    python benchmarks/warehouse_query_mix.py [--rows 10000000] [--requests 20]
                                             [--datasette-requests 3] [--keep DIR]

Tables: `ho-so` (7 columns: the dossiers of warehouse_ingest.py) and `doanh-nghiep`
(8 columns: businesses with a Vietnamese name, a sector, a registration date, capital,
staff and an address). Each is ingested with `tinhso data ingest` and served by `tinhso
serve` (gunicorn); the shapes, on each table:

- a selective filter (about 0.2 % of the rows), sorted by a date, page of 100;
- a broad filter (a quarter or more of the rows), sorted by a date;
- a sort on a column nothing orders the file by, no filter;
- `_q`, an accent-free search over every text column;
- a facet (value counts of a column);
- a deep page (`_offset` half-way through the table).

Pages are asked with `_total=none` (no count), the same as Datasette's `_nocount=1`, so
that both answer the same question; the default (`_total=auto`, an estimate above a
million rows) is timed beside it. Datasette 0.65 runs in its own virtual environment over
an SQLite copy with an index on each filtered and sorted column, its time limits raised so
that it answers; it has no accent-free search (its `_search` needs a full-text index built
on the raw text, which would not find "nguyen" in "Nguyễn"), so `_q` has no Datasette figure.

Goals (issue): on each table, pages p50 < 50 ms and `_q` p50 < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import throwaway
from warehouse_ingest import GENERATE
from warehouse_query import _datasette, _measure

TINHSO = str(Path(sys.executable).with_name("tinhso"))

BUSINESSES = """
COPY (
  SELECT
    i AS id,
    lpad(CAST(25000 + i % 96 * 7 AS VARCHAR), 5, '0') AS ma_xa,
    ['Công ty TNHH ', 'Công ty cổ phần ', 'Doanh nghiệp tư nhân ', 'Hợp tác xã '][1 + i % 4]
      || ['Thành Đạt', 'Phú Quý', 'Hoàng Long', 'Minh Châu', 'Đức Tín', 'Ánh Dương',
          'Sông Hồng', 'Tây Ninh Xanh'][1 + (i // 4) % 8] || ' ' || (i % 9973) AS ten,
    ['nông nghiệp', 'thủy sản', 'chế biến', 'dệt may', 'xây dựng', 'vận tải', 'thương mại',
     'du lịch', 'lưu trú', 'ăn uống', 'công nghệ thông tin', 'tài chính', 'bất động sản',
     'giáo dục', 'y tế', 'năng lượng', 'môi trường', 'bán lẻ', 'logistics', 'khác'
    ][1 + (i * 31) % 20] AS nganh,
    DATE '2000-01-01' + CAST((i * 13) % 9000 AS INTEGER) AS ngay_dang_ky,
    round(((i * 104729) % 1000000) / 3.0, 1) AS von,
    CAST((i * 7907) % 1000 AS INTEGER) AS lao_dong,
    'Số ' || (i % 500) || ', đường ' || ['Trần Hưng Đạo', 'Lê Lợi', 'Nguyễn Huệ',
      'Cách Mạng Tháng Tám', 'Võ Văn Tần', 'Điện Biên Phủ'][1 + i % 6] AS dia_chi
  FROM range({rows}) t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""

# name -> (the rows API's parameters, Datasette's, or None where it has no equivalent)
SHAPES = {
    "ho-so": {
        "selective filter, by date": (
            {"trang_thai": "quá hạn", "so_tien__gte": "14171", "_sort": "-ngay"},
            {"trang_thai__exact": "quá hạn", "so_tien__gte": "14171", "_sort_desc": "ngay"},
        ),
        "broad filter, by date": (
            {"trang_thai": "đang xử lý", "_sort": "-ngay"},
            {"trang_thai__exact": "đang xử lý", "_sort_desc": "ngay"},
        ),
        "sort on an unordered column": ({"_sort": "-so_tien"}, {"_sort_desc": "so_tien"}),
        "_q without accents": ({"_q": "nguyen van an"}, None),
        "facet": ({"_facet": "trang_thai", "_limit": "1"}, {"_facet": "trang_thai"}),
        "deep page": ({"_sort": "id", "_offset": "5000000"}, None),
    },
    "doanh-nghiep": {
        "selective filter, by date": (
            {"nganh": "du lịch", "lao_dong__gte": "960", "_sort": "-ngay_dang_ky"},
            {"nganh__exact": "du lịch", "lao_dong__gte": "960", "_sort_desc": "ngay_dang_ky"},
        ),
        "broad filter, by date": (
            {"lao_dong__lt": "500", "_sort": "-ngay_dang_ky"},
            {"lao_dong__lt": "500", "_sort_desc": "ngay_dang_ky"},
        ),
        "sort on an unordered column": ({"_sort": "-von"}, {"_sort_desc": "von"}),
        "_q without accents": ({"_q": "hoang long"}, None),
        "facet": ({"_facet": "nganh", "_limit": "1"}, {"_facet": "nganh"}),
        "deep page": ({"_sort": "id", "_offset": "5000000"}, None),
    },
}
# Datasette indexes: the filtered and sorted columns, as a steward would add them.
INDEXES = {
    "ho-so": ["trang_thai, ngay", "ngay", "so_tien"],
    "doanh-nghiep": ["nganh, ngay_dang_ky", "ngay_dang_ky", "lao_dong", "von"],
}


def sqlite_copy(parquet: Path, db: Path, indexes: list[str]) -> None:
    """The table's rows in SQLite, for Datasette, with the same columns."""
    con = sqlite3.connect(db)
    source = duckdb.connect()
    described = source.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall()  # noqa: S608
    kinds = {"BIGINT": "INTEGER", "INTEGER": "INTEGER", "DOUBLE": "REAL"}
    columns = ", ".join(
        f'"{name}" {kinds.get(kind, "TEXT")}{" PRIMARY KEY" if name == "id" else ""}'
        for name, kind, *_rest in described
    )
    con.execute(f"CREATE TABLE t ({columns})")
    select = ", ".join(
        f'CAST("{name}" AS VARCHAR)' if kind == "DATE" else f'"{name}"'
        for name, kind, *_rest in described
    )
    cursor = source.execute(f"SELECT {select} FROM read_parquet('{parquet}')")  # noqa: S608
    marks = ", ".join("?" for _column in described)
    while batch := cursor.fetchmany(100_000):
        con.executemany(f"INSERT INTO t VALUES ({marks})", batch)  # noqa: S608
    for n, columns in enumerate(indexes):
        con.execute(f"CREATE INDEX t_{n} ON t ({columns})")
    con.commit()
    con.execute("ANALYZE")
    con.close()


def p50(times: list[float]) -> float:
    return statistics.median(times)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--datasette-requests", type=int, default=3)
    parser.add_argument("--keep", help="Keep the CSVs, SQLite copies and Datasette here.")
    parser.add_argument("--port", type=int, default=8793)
    args = parser.parse_args()

    folder = Path(args.keep or tempfile.mkdtemp(prefix="tinhso-bench-mix-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = {"ho-so": folder / "ho-so.csv", "doanh-nghiep": folder / "doanh-nghiep.csv"}
    for slug, sql in (("ho-so", GENERATE), ("doanh-nghiep", BUSINESSES)):
        if not files[slug].exists():
            duckdb.sql(sql.format(rows=args.rows, path=files[slug]))
    installation = throwaway.installation("bench-mix", "sqlite")
    env = {**os.environ, **installation, "PORT": str(args.port), "TINHSO_API_ANON_PER_MINUTE": "0"}
    env.pop("DATABASE_URL", None)
    base = f"http://127.0.0.1:{args.port}"
    ours: dict[tuple[str, str], dict] = {}
    theirs: dict[tuple[str, str], list[float]] = {}
    server = datasette = None
    try:
        quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([TINHSO, "manage", "migrate", "-v", "0"], **quiet)
        subprocess.run([TINHSO, "demo"], **quiet)
        for slug, path in files.items():
            subprocess.run(
                [TINHSO, "data", "ingest", str(path), "--dataset", slug, "--agency", "SKHCN",
                 "--access", "open", "--title", slug, "--serve-now"],
                **quiet,
            )  # fmt: skip
        server = subprocess.Popen([TINHSO, "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        throwaway.wait_for(base + "/healthz")
        for slug, shapes in SHAPES.items():
            url = f"{base}/api/data/datasets/{slug}/rows"
            for name, (params, _other) in shapes.items():
                page = {"_limit": "100", **params}
                if "_facet" not in params:
                    page["_total"] = "none"
                times, body = _measure(url, page, args.requests)
                ours[slug, name] = {"none": times, "rows": len(body.get("rows", []))}
                if "_facet" not in params:
                    ours[slug, name]["auto"], _body = _measure(
                        url, {**page, "_total": "auto"}, args.requests
                    )
        server.terminate()
        server.wait()
        server = None

        binary = _datasette(folder)
        for slug in SHAPES:
            db = folder / f"{slug}.db"
            if not db.exists():
                parquet = next(Path(env["TINHSO_DATA_DIR"], "warehouse", slug).glob("*.parquet"))
                sqlite_copy(parquet, db, INDEXES[slug])
        datasette = subprocess.Popen(
            [str(binary), "serve", *[str(folder / f"{slug}.db") for slug in SHAPES],
             "--port", str(args.port),
             "--setting", "sql_time_limit_ms", "120000",
             "--setting", "facet_time_limit_ms", "120000",
             "--setting", "num_sql_threads", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        throwaway.wait_for(base + "/-/versions.json")
        for slug, shapes in SHAPES.items():
            url = f"{base}/{slug}/t.json"
            for name, (_params, other) in shapes.items():
                if other is None:
                    continue
                asked = {"_size": "100", "_nocount": "1", **other}
                if "_facet" in other:
                    asked = {"_size": "1", **other}
                theirs[slug, name], _body = _measure(url, asked, args.datasette_requests)
    finally:
        throwaway.stop(server, datasette)
        throwaway.remove(installation)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print(f"\n{args.rows:,} rows a table; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    print(f"{'table / shape':48} {'ours, no count':>22} {'ours, _total=auto':>20} "
          f"{'Datasette, _nocount':>22}  goal")  # fmt: skip
    for slug, shapes in SHAPES.items():
        for name in shapes:
            mine = ours[slug, name]
            goal = 150 if name.startswith("_q") else 50
            verdict = "ok" if p50(mine["none"]) < goal else "OVER"
            auto = f"{p50(mine['auto']):8.1f} ms" if "auto" in mine else "—"
            other = theirs.get((slug, name))
            them = f"{p50(other):10.1f} ms" if other else "(no equivalent)"
            print(f"{slug + ' / ' + name:48} {p50(mine['none']):8.1f} / {p95(mine['none']):6.1f} ms"
                  f" {auto:>20} {them:>22}  p50 < {goal} ms: {verdict}")  # fmt: skip


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(the run took {time.perf_counter() - start:.0f} s)")
