"""Reading the files staff bring: a CSV of main-index values to score, and a CSV of a
year's published national results.

A file is read whole before anything is scored or stored, and refused with the first
problem (row and column named, in Vietnamese): a half-imported year would be worse than
none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tinhso.core.text import compact_key
from tinhso.dti.actions import ResultRow
from tinhso.dti.scoring import Scheme, parse_value
from tinhso.units.lookup import candidate_keys
from tinhso.units.models import LegacyProvince, Province

PROVINCE_COLUMNS = ("province", "tinh")
PILLAR_COLUMNS = {"cqs": "CQS", "kts": "KTS", "xhs": "XHS"}
# Former names the national results use for a province the unit tables know by a later
# one: Thừa Thiên Huế became Thành phố Huế on 1 January 2025, after the 2020–2023 rankings.
LEGACY_ALIASES = {"thuathienhue": "46"}


class FileRefused(ValueError):
    """A file that cannot be used; `message` names the row or column (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise FileRefused(f"Không thấy tệp {path}.")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            f"Tệp {path} không phải văn bản UTF-8 (hãy lưu CSV dạng UTF-8)."
        ) from None
    if not text.strip():
        raise FileRefused(f"Tệp {path} trống.")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, list(reader)


def _province_column(header: list[str]) -> str:
    for name in PROVINCE_COLUMNS:
        if name in header:
            return name
    raise FileRefused(
        "Thiếu cột tên tỉnh: tệp cần một cột “province” (hoặc “tinh”) ghi tên hoặc mã tỉnh."
    )


def _value(raw: str, line: int, column: str) -> Decimal:
    try:
        return parse_value(raw)
    except ValueError as exc:
        raise FileRefused(f"Dòng {line}, cột “{column}”: {exc}.") from None


@dataclass(frozen=True)
class ScoreRow:
    line: int
    province: str
    values: dict[str, Decimal]


def read_values(path: Path, scheme: Scheme) -> list[ScoreRow]:
    """Rows of a file to score: a province column and one column per input of the scheme
    (main indices; pillars under 1726). Every scored column is required in every row;
    a column the framework shows but does not score may be given."""
    header, rows = _read(path)
    province_column = _province_column(header)
    required = [p.code for p in scheme.scored_inputs]
    optional = [p.code for p in scheme.inputs if not p.scored]
    missing = [code for code in required if code not in header]
    if missing:
        raise FileRefused(
            f"Thiếu cột: {', '.join(missing)}. Khung {scheme.code} cần các cột: "
            f"{province_column}, {', '.join(required)}."
        )
    out: list[ScoreRow] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        name = (row.get(province_column) or "").strip()
        if not name:
            raise FileRefused(f"Dòng {line}, cột “{province_column}”: chưa ghi tên tỉnh.")
        key = compact_key(name)
        if key in seen:
            raise FileRefused(
                f"Dòng {line}: tỉnh “{name}” đã có ở dòng {seen[key]} (mỗi tỉnh một dòng)."
            )
        seen[key] = line
        values = {}
        for code in required:
            raw = (row.get(code) or "").strip()
            if not raw:
                raise FileRefused(f"Dòng {line}, cột “{code}”: thiếu giá trị.")
            values[code] = _value(raw, line, code)
        for code in optional:
            raw = (row.get(code) or "").strip()
            if raw:
                values[code] = _value(raw, line, code)
        out.append(ScoreRow(line, name, values))
    if not out:
        raise FileRefused(f"Tệp {path} không có dòng số liệu nào.")
    return out


class ProvinceNames:
    """Province names as the national results write them ("TP. Đà Nẵng", "Thừa Thiên -
    Huế") → the units app's provinces: the 34 since 2025 or the 63 before."""

    def __init__(self, units: str):
        self.units = units
        self.by_key: dict[str, list] = {}
        self.by_code: dict[str, object] = {}
        if units == "new":
            for p in Province.objects.all():
                self.by_code[p.code] = p
                for text in (p.name, p.short_name):
                    self._add(text, p)
        else:
            for legacy in LegacyProvince.objects.all():
                self.by_code[legacy.code] = legacy
                for text in (legacy.name, legacy.short_name):
                    self._add(text, legacy)
                for key in legacy.keys:
                    self.by_key.setdefault(key, [])
                    if legacy not in self.by_key[key]:
                        self.by_key[key].append(legacy)
            for key, code in LEGACY_ALIASES.items():
                if code in self.by_code:
                    self.by_key.setdefault(key, []).append(self.by_code[code])

    def _add(self, text: str, unit) -> None:
        for key in candidate_keys(text, "province")[0]:
            found = self.by_key.setdefault(key, [])
            if unit not in found:
                found.append(unit)

    def find(self, raw: str):
        text = raw.strip()
        if text.isdigit():
            return self.by_code.get(text.zfill(2))
        found: list = []
        for key in candidate_keys(text, "province")[0]:
            for unit in self.by_key.get(key, ()):
                if unit not in found:
                    found.append(unit)
        return found[0] if len(found) == 1 else None


def read_results(path: Path, scheme: Scheme, *, units: str) -> tuple[list[ResultRow], int]:
    """A year's published results: columns `province`, `rank`, `dti`, `cqs`, `kts`, `xhs`,
    any of the framework's main indices, and `source`; empty cells are "not published".
    Rows whose province starts with "_" (national and provincial means) and rows with
    neither rank nor value are skipped; returns the rows and how many were skipped."""
    header, rows = _read(path)
    province_column = _province_column(header)
    index_columns = [p.code for p in scheme.parts if p.code in header]
    if not {"rank", "dti"} & set(header):
        raise FileRefused("Thiếu cột “rank” hoặc “dti”: tệp kết quả cần ít nhất một trong hai.")
    names = ProvinceNames(units)
    out: list[ResultRow] = []
    skipped = 0
    seen: dict[int, int] = {}
    which = "34 tỉnh, thành phố mới" if units == "new" else "63 tỉnh, thành phố trước 2025"
    for line, row in enumerate(rows, start=2):
        name = (row.get(province_column) or "").strip()
        if not name or name.startswith("_"):
            skipped += 1
            continue
        rank_raw = (row.get("rank") or "").strip()
        rank = None
        if rank_raw:
            if not rank_raw.isdigit() or int(rank_raw) < 1:
                raise FileRefused(f"Dòng {line}, cột “rank”: “{rank_raw}” không phải thứ hạng.")
            rank = int(rank_raw)
        dti = _value(row["dti"], line, "dti") if (row.get("dti") or "").strip() else None
        pillars = {
            code: _value(row[column], line, column)
            for column, code in PILLAR_COLUMNS.items()
            if (row.get(column) or "").strip()
        }
        indices = {
            code: _value(row[code], line, code)
            for code in index_columns
            if (row.get(code) or "").strip()
        }
        if rank is None and dti is None and not pillars and not indices:
            skipped += 1
            continue
        unit = names.find(name)
        if unit is None:
            raise FileRefused(
                f"Dòng {line}, cột “{province_column}”: không nhận ra tỉnh “{name}” trong "
                f"danh sách {which}."
            )
        if unit.pk in seen:
            raise FileRefused(f"Dòng {line}: “{name}” đã có ở dòng {seen[unit.pk]}.")
        seen[unit.pk] = line
        out.append(
            ResultRow(
                province=unit if units == "new" else None,
                legacy_province=unit if units == "old" else None,
                rank=rank,
                dti=dti,
                pillars=pillars,
                main_indices=indices,
                source=(row.get("source") or "").strip(),
            )
        )
    if not out:
        raise FileRefused(f"Tệp {path} không có dòng kết quả nào.")
    return out, skipped
