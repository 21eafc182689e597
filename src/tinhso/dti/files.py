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

from django.utils.translation import gettext as _

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

    def __init__(
        self, message: str, *, line: int | None = None, column: str | None = None, sheet=None
    ):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.sheet = sheet


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        raise FileRefused(_("File not found: %(path)s.") % {"path": path})
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _("%(path)s is not UTF-8 text (save it as CSV UTF-8).") % {"path": path}
        ) from None
    if not text.strip():
        raise FileRefused(_("%(path)s is empty.") % {"path": path})
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
        _(
            "The province column is missing: the file needs a column “province” (or "
            "“tinh”) with each province's name or code."
        )
    )


def _at(line: int, column: str, problem: str) -> FileRefused:
    message = _("Row %(line)s, column “%(column)s”: %(problem)s.") % {
        "line": line,
        "column": column,
        "problem": problem,
    }
    return FileRefused(message, line=line, column=column)


def _value(raw: str, line: int, column: str) -> Decimal:
    try:
        return parse_value(raw)
    except ValueError as exc:
        raise _at(line, column, str(exc)) from None


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
            _("Missing columns: %(missing)s. Framework %(code)s needs the columns: %(needed)s.")
            % {
                "missing": ", ".join(missing),
                "code": scheme.code,
                "needed": ", ".join([province_column, *required]),
            },
            column=missing[0],
        )
    out: list[ScoreRow] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        name = (row.get(province_column) or "").strip()
        if not name:
            raise _at(line, province_column, _("no province name"))
        key = compact_key(name)
        if key in seen:
            problem = _("“%(name)s” is already on row %(first)s (one row per province)") % {
                "name": name,
                "first": seen[key],
            }
            raise _at(line, province_column, problem)
        seen[key] = line
        values = {}
        for code in required:
            raw = (row.get(code) or "").strip()
            if not raw:
                raise _at(line, code, _("no value"))
            values[code] = _value(raw, line, code)
        for code in optional:
            raw = (row.get(code) or "").strip()
            if raw:
                values[code] = _value(raw, line, code)
        out.append(ScoreRow(line, name, values))
    if not out:
        raise FileRefused(_("%(path)s has no data rows.") % {"path": path})
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
        raise FileRefused(_("A results file needs a column “rank” or “dti” (or both)."))
    names = ProvinceNames(units)
    out: list[ResultRow] = []
    skipped = 0
    seen: dict[int, int] = {}
    which = (
        _("the 34 provinces since 2025") if units == "new" else _("the 63 provinces before 2025")
    )
    for line, row in enumerate(rows, start=2):
        name = (row.get(province_column) or "").strip()
        if not name or name.startswith("_"):
            skipped += 1
            continue
        rank_raw = (row.get("rank") or "").strip()
        rank = None
        if rank_raw:
            if not rank_raw.isdigit() or int(rank_raw) < 1:
                raise _at(line, "rank", _("“%(value)s” is not a rank") % {"value": rank_raw})
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
            problem = _("“%(name)s” is not one of %(which)s") % {"name": name, "which": which}
            raise _at(line, province_column, problem)
        if unit.pk in seen:
            problem = _("“%(name)s” is already on row %(first)s (one row per province)") % {
                "name": name,
                "first": seen[unit.pk],
            }
            raise _at(line, province_column, problem)
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
        raise FileRefused(_("%(path)s has no data rows.") % {"path": path})
    return out, skipped
