"""The warehouse's query figures: a filtered, sorted page of 100 rows and a facet count
through the REST API, on the 10,000,000-row table of warehouse_ingest.py, printed beside
the same requests served by Datasette on the same data (installed in the benchmark's own
virtual environment, over an SQLite copy with indexes on the filtered and sorted columns).

    python benchmarks/warehouse_query.py [--rows 10000000] [--requests 40] [--keep DIR]

Both servers run on this machine, one after the other, each with its production server
(`tinhso serve`: gunicorn; Datasette: uvicorn) and given the same two cores. Datasette
runs with its time limits raised (sql_time_limit_ms, facet_time_limit_ms) so that it
answers instead of timing out; with its defaults (1 s, 200 ms) the facet is cut short.

CKAN's `datastore_search` (the open data portal's API, over the same rows API) is timed on
the same table: a page of 100 filtered by `filters`, sorted, with its total.

Goals (issues): page p50 < 50 ms; facet < 500 ms; datastore_search page p50 < 50 ms.
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
import urllib.parse
import urllib.request
from pathlib import Path

import throwaway
from warehouse_ingest import GENERATE

ROOT = Path(__file__).resolve().parents[1]
TINHSO = str(Path(sys.executable).with_name("tinhso"))

PAGE = {"trang_thai": "quá hạn", "so_tien__gte": "5000", "_sort": "-ngay", "_limit": "100"}
FACET = {"_facet": "trang_thai", "_limit": "1"}
DATASETTE_PAGE = {
    "trang_thai__exact": "quá hạn",
    "so_tien__gte": "5000",
    "_sort_desc": "ngay",
    "_size": "100",
}
DATASETTE_FACET = {"_facet": "trang_thai", "_size": "1"}
DATASTORE = {"filters": '{"trang_thai": "quá hạn"}', "sort": "ngay desc", "limit": "100"}


def _measure(base: str, params: dict, n: int) -> tuple[list[float], dict]:
    url = base + "?" + urllib.parse.urlencode(params)
    for _i in range(8):  # warm up every server process: it opens files, fills caches
        throwaway.get_json(url)
    times, body = [], {}
    for _i in range(n):
        ms, body = throwaway.get_json(url)
        times.append(ms)
    return times, body


def _summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms"


def _sqlite_copy(parquet: Path, db: Path) -> None:
    import duckdb

    con = sqlite3.connect(db)
    con.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, ma_xa TEXT, ho_ten TEXT, ngay TEXT, "
        "so_tien REAL, trang_thai TEXT, ghi_chu TEXT)"
    )
    cursor = duckdb.connect().execute(
        f"SELECT id, ma_xa, ho_ten, CAST(ngay AS VARCHAR), so_tien, trang_thai, ghi_chu "  # noqa: S608
        f"FROM read_parquet('{parquet}')"
    )
    while batch := cursor.fetchmany(100_000):
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
    con.execute("CREATE INDEX t_trang_thai_ngay ON t (trang_thai, ngay)")
    con.execute("CREATE INDEX t_ngay ON t (ngay)")
    con.commit()
    con.execute("ANALYZE")
    con.close()


def _datasette(folder: Path) -> Path:
    venv = folder / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "datasette"], check=True)
    return venv / "bin" / "datasette"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--datasette-requests", type=int, default=10, help="Fewer: each takes seconds."
    )
    parser.add_argument("--keep", help="Keep the CSV, SQLite copy and Datasette here.")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    import duckdb

    folder = Path(args.keep or tempfile.mkdtemp(prefix="tinhso-bench-query-"))
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "clean.csv"
    if not csv_path.exists():
        duckdb.sql(GENERATE.format(rows=args.rows, path=csv_path))
    installation = throwaway.installation("bench-query", "sqlite")
    env = {**os.environ, **installation}
    env.pop("DATABASE_URL", None)
    env["PORT"] = str(args.port)
    server = datasette = None
    try:
        quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([TINHSO, "manage", "migrate", "-v", "0"], **quiet)
        subprocess.run([TINHSO, "demo"], **quiet)
        t = time.perf_counter()
        subprocess.run(
            [TINHSO, "data", "ingest", str(csv_path), "--dataset", "bench", "--agency", "SKHCN",
             "--access", "open", "--title", "Benchmark", "--serve-now"],
            **quiet,
        )  # fmt: skip
        print(f"ingested {args.rows:,} rows (with the serving copy) in "
              f"{time.perf_counter() - t:.1f} s")  # fmt: skip
        parquet = next(Path(env["TINHSO_DATA_DIR"], "warehouse", "bench").glob("*.parquet"))

        server = subprocess.Popen([TINHSO, "serve"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://127.0.0.1:{args.port}"
        throwaway.wait_for(base + "/healthz")
        rows_url = base + "/api/data/datasets/bench/rows"
        results = {}
        results["tinhso page"], body = _measure(rows_url, PAGE, args.requests)
        total = f"{body['total']:,} ({'exact' if body['total_is_exact'] else 'estimated'})"
        results["tinhso facet"], body = _measure(rows_url, FACET, args.requests)
        facet = {v["value"]: v["count"] for v in body["facets"]["trang_thai"]["values"]}
        _ms, shown = throwaway.get_json(base + "/api/3/action/package_show?id=bench")
        csv = next(r for r in shown["result"]["resources"] if r["format"].lower() == "csv")
        results["datastore_search"], body = _measure(
            base + "/api/3/action/datastore_search", {**DATASTORE, "resource_id": csv["id"]},
            args.requests,
        )  # fmt: skip
        datastore_total = body["result"].get("total")
        server.terminate()
        server.wait()
        server = None

        db = folder / "bench.db"
        if not db.exists():
            t = time.perf_counter()
            _sqlite_copy(parquet, db)
            print(f"SQLite copy for Datasette in {time.perf_counter() - t:.1f} s")
        binary = _datasette(folder)
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
        datasette = subprocess.Popen(
            [str(binary), "serve", str(db), "--port", str(args.port), "--immutable", str(db),
             "--setting", "sql_time_limit_ms", "120000",
             "--setting", "facet_time_limit_ms", "120000",
             "--setting", "num_sql_threads", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        throwaway.wait_for(base + "/-/versions.json")
        table_url = base + "/bench/t.json"
        n = args.datasette_requests
        results["datasette page"], body = _measure(table_url, DATASETTE_PAGE, n)
        datasette_total = body.get("filtered_table_rows_count")
        results["datasette facet"], body = _measure(table_url, DATASETTE_FACET, n)

        print(f"\n{args.rows:,} rows; 2 cores; {version.stdout.strip()}")
        print(f"filtered page total: tinhso {total}, datasette {datasette_total}")
        print(f"facet trang_thai: {facet}")
        print(f"datastore_search (filters trang_thai, sort ngay desc, limit 100; total "
              f"{datastore_total:,}): {_summary(results['datastore_search'])}")  # fmt: skip
        for name in ("page", "facet"):
            ours, theirs = results[f"tinhso {name}"], results[f"datasette {name}"]
            print(f"{name:6s} tinhso    : {_summary(ours)}")
            print(f"{name:6s} datasette : {_summary(theirs)}")
            ratio = statistics.median(theirs) / statistics.median(ours)
            print(f"{name:6s} datasette p50 / tinhso p50 = {ratio:.1f}×")
    finally:
        throwaway.stop(server, datasette)
        throwaway.remove(installation)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
