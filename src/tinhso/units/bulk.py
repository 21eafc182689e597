"""Bulk conversion of tables of old addresses: new-unit columns added to every row, and
a report of the rows that could not be converted."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tinhso.units.lookup import ConversionError, LegacyIndex, index

NEW_COLUMNS = [
    "new_province_code",
    "new_province",
    "new_commune_code",
    "new_commune",
    "new_commune_candidates",
    "old_ward_split",
    "conversion_error",
]


@dataclass
class BulkReport:
    rows: int = 0
    converted: int = 0
    split: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


def convert_rows(
    rows: Iterable[dict[str, str]],
    *,
    province_col: str | None,
    district_col: str | None,
    ward_col: str | None,
    report: BulkReport,
    legacy: LegacyIndex | None = None,
) -> Iterator[dict[str, str]]:
    """Yield each row with the new-unit columns. Addresses repeat a lot in real tables,
    so each distinct (province, district, ward) is resolved once."""
    legacy = legacy or index()
    cache: dict[tuple[str, str, str], dict[str, str]] = {}
    for number, row in enumerate(rows, start=1):
        province, district, ward = (
            (row.get(col) or "") if col else "" for col in (province_col, district_col, ward_col)
        )
        key = (province, district, ward)
        added = cache.get(key)
        if added is None:
            try:
                result = legacy.convert(*key)
                main = result.default
                added = {
                    "new_province_code": main.province_code,
                    "new_province": main.province_name,
                    "new_commune_code": main.code,
                    "new_commune": main.name,
                    "new_commune_candidates": ";".join(c.code for c in result.communes),
                    "old_ward_split": "yes" if result.is_split else "no",
                    "conversion_error": "",
                }
            except ConversionError as exc:
                added = dict.fromkeys(NEW_COLUMNS, "")
                added["conversion_error"] = exc.message
            cache[key] = added
        report.rows += 1
        if added["conversion_error"]:
            report.failed.append((number, added["conversion_error"]))
        else:
            report.converted += 1
            report.split += added["old_ward_split"] == "yes"
        yield {**row, **added}


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, so a progress bar can follow a text stream."""

    def __init__(self, raw, on_bytes: Callable[[int], None]):
        self.raw = raw
        self.on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.on_bytes(len(data))
        return len(data)


def convert_csv(
    source: Path,
    target: Path,
    *,
    province_col: str | None,
    district_col: str | None,
    ward_col: str | None,
    on_bytes: Callable[[int], None] = lambda n: None,
) -> BulkReport:
    """Read `source` (UTF-8, with or without BOM), write `target` with the new columns.
    Raises ValueError with a user-facing message for a missing column."""
    report = BulkReport()
    with source.open("rb") as head:
        sample = head.read(64 * 1024).decode("utf-8-sig", errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    with source.open("rb") as raw:
        text = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(raw, on_bytes)), encoding="utf-8-sig", newline=""
        )
        reader = csv.DictReader(text, dialect=dialect)
        columns = reader.fieldnames or []
        wanted = [c for c in (province_col, district_col, ward_col) if c]
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise ValueError(
                "Không có cột / missing column(s): "
                + ", ".join(missing)
                + ". Các cột có / columns present: "
                + ", ".join(columns)
            )
        with target.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=[*columns, *NEW_COLUMNS], dialect=dialect)
            writer.writeheader()
            try:
                for row in convert_rows(
                    reader,
                    province_col=province_col,
                    district_col=district_col,
                    ward_col=ward_col,
                    report=report,
                ):
                    writer.writerow(row)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    "Tệp không phải UTF-8 / the file is not UTF-8 (byte "
                    f"{exc.start}); lưu lại dưới dạng CSV UTF-8 / save it as CSV UTF-8."
                ) from exc
    return report
