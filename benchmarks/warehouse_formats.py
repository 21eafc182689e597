"""The warehouse's ingest of the other formats a steward sends, beside each format's raw
reader, in the same run: an XLSX workbook of 1,000,000 rows (the ingest benchmark's
columns) and a GeoJSON file of 200,000 point features.

    python benchmarks/warehouse_formats.py [--rows 1000000] [--features 200000] [--keep DIR]

For each file, the median of `--repeat` fresh processes (3) of:
- the raw reader: XLSX — python-calamine (the library the warehouse reads workbooks
  with) handing over every row's values; GeoJSON — `json.loads` of the file and a shapely
  geometry made of every feature (what any reader of the features must do);
- the warehouse's read (`ingest.to_parquet`: the file made readable, read by DuckDB into
  Parquet, checked, schema inferred, SHA-256 taken), timed inside the process;
- the whole `tinhso data ingest` process, start to exit, into a new dataset.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import throwaway
import warehouse_ingest as ingest_bench

RAW_XLSX = """
import json, sys, time
from python_calamine import CalamineWorkbook
t = time.perf_counter()
book = CalamineWorkbook.from_path(sys.argv[1])
n = sum(1 for _row in book.get_sheet_by_name(book.sheet_names[0]).iter_rows())
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n - 1}))
"""

RAW_GEOJSON = """
import json, sys, time
from pathlib import Path
from shapely.geometry import shape
t = time.perf_counter()
data = json.loads(Path(sys.argv[1]).read_bytes())
n = sum(1 for f in data["features"] if shape(f["geometry"]) is not None)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n}))
"""

STATUSES = ["đã tiếp nhận", "đang xử lý", "đã trả kết quả", "quá hạn"]
KINDS = ["Trạm y tế", "Trường tiểu học", "Nhà văn hoá", "Chợ", "Bưu cục"]


def _xlsx(path: Path, rows: int) -> None:
    """The ingest benchmark's columns, `rows` rows, written as one sheet."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(["id", "ma_xa", "ho_ten", "ngay", "so_tien", "trang_thai", "ghi_chu"])
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung"]
    start = dt.date(2020, 1, 1)
    for i in range(rows):
        sheet.append([
            i, f"{25000 + i % 96 * 7:05d}", f"{names[i % 4]} {i % 997}",
            start + dt.timedelta(days=i % 2190), round((i * 7919 % 100000) / 7.0, 2),
            STATUSES[i % 4], f"Hồ sơ {i}: bổ sung giấy tờ",
        ])  # fmt: skip
    book.save(path)


def _geojson(path: Path, features: int) -> None:
    """`features` points across the south of Vietnam, with a few properties each."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for i in range(features):
            feature = {
                "type": "Feature",
                "properties": {
                    "ma": f"DD{i:06d}",
                    "loai": KINDS[i % len(KINDS)],
                    "ten": f"{KINDS[i % len(KINDS)]} số {i}",
                    "ma_xa": f"{25000 + i % 96 * 7:05d}",
                    "so_luot": i * 37 % 1000,
                },
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(105.0 + (i * 7919 % 100000) / 50000.0, 6),
                        round(9.5 + (i * 104729 % 100000) / 40000.0, 6),
                    ],
                },
            }
            out.write(json.dumps(feature, ensure_ascii=False))
            out.write(",\n" if i < features - 1 else "\n")
        out.write("]}\n")


def _median(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=200_000)
    parser.add_argument("--keep", help="Keep the generated files in this folder.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the median.")
    args = parser.parse_args()

    folder = Path(args.keep or tempfile.mkdtemp(prefix="tinhso-bench-formats-"))
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, geojson = folder / f"ho-so-{args.rows}.xlsx", folder / f"diem-{args.features}.geojson"
    for path, make, size in ((xlsx, _xlsx, args.rows), (geojson, _geojson, args.features)):
        if not path.exists():
            t = time.perf_counter()
            make(path, size)
            print(f"generated {path.name}: {path.stat().st_size / 1e6:.1f} MB "
                  f"in {time.perf_counter() - t:.1f} s")  # fmt: skip
    env = throwaway.installation("bench-formats", "sqlite")
    try:
        quiet = {"env": {**os.environ, **env}, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([ingest_bench.TINHSO, "migrate", "-v", "0"], **quiet)
        subprocess.run([ingest_bench.TINHSO, "demo"], **quiet)
        print(f"cores: {os.cpu_count()}; medians of {args.repeat} fresh processes")
        for label, path, raw, what in (
            ("XLSX", xlsx, RAW_XLSX, "python-calamine, every row's values"),
            ("GeoJSON", geojson, RAW_GEOJSON, "json.loads + a shapely geometry per feature"),
        ):
            base = _median([ingest_bench._run(raw, path, env) for _i in range(args.repeat)])
            ours = _median([ingest_bench._run(ingest_bench.OURS, path, env)
                            for _i in range(args.repeat)])  # fmt: skip
            whole = _median([
                ingest_bench._cli(path, env, f"bench-{label.lower()}-{n}")
                for n in range(args.repeat)
            ])  # fmt: skip
            print(f"\n[{label}] {path.stat().st_size / 1e6:.1f} MB, {base['rows']:,} rows")
            print(f"  raw reader ({what}): {base['seconds']:6.2f} s")
            print(f"  warehouse read (to Parquet, checked, schema) : {ours['seconds']:6.2f} s "
                  f"({ours['seconds'] / base['seconds']:.2f}×) → {ours['status']}, "
                  f"{ours.get('rows', 0):,} rows")  # fmt: skip
            accepted, seconds = whole["accepted"], whole["seconds"]
            print(f"  tinhso data ingest, accepted and queryable    : {accepted:6.2f} s "
                  f"({accepted / base['seconds']:.2f}×); whole process "
                  f"{seconds:6.2f} s ({seconds / base['seconds']:.2f}×)")  # fmt: skip
            print("  fields:", ", ".join(ours.get("fields", [])))
    finally:
        throwaway.remove(env)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
