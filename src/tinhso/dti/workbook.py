"""A framework as an XLSX workbook, both ways, so an administrator can add the framework of
a new decision from a spreadsheet (or start from an exported one).

Four sheets, Vietnamese names, one header row each:

- ``Khung``: field / value rows (code, decision, years, status, method…; sources one per
  line);
- ``Tru_cot``: the pillars (code, column key, names, weight, maximum points);
- ``Chi_so_chinh``: the main indices (code, names, group, pillars as "CQS, KTS", maximum
  points, weight, scored, number of components, note);
- ``Chi_so_thanh_phan``: the components, each under its main index's code.

Reading produces the same data shape as the shipped JSON files and installs it through
`actions.install_framework`; a workbook is checked whole first and refused with the sheet,
row and column of its first problem.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from tinhso.core.actors import Actor
from tinhso.core.exports import FORMULA_START, safe_cell
from tinhso.dti import actions
from tinhso.dti.files import FileRefused
from tinhso.dti.frameworks import SHIPPED
from tinhso.dti.models import Framework, FrameworkStatus, IndexGroup, ScoringMethod

FRAMEWORK_SHEET = "Khung"
PILLAR_SHEET = "Tru_cot"
INDEX_SHEET = "Chi_so_chinh"
COMPONENT_SHEET = "Chi_so_thanh_phan"

FRAMEWORK_KEYS = (
    "code", "decision", "decision_date", "issuer", "title_vi", "title_en", "first_year",
    "last_year", "status", "method", "total_points", "component_count", "weights_editable",
    "note", "sources",
)  # fmt: skip
PILLAR_COLUMNS = ("code", "key", "name_vi", "name_en", "weight", "max_points")
INDEX_COLUMNS = (
    "code", "short_code", "name_vi", "name_en", "group", "pillars", "max_points", "weight",
    "scored", "component_count", "note",
)  # fmt: skip
COMPONENT_COLUMNS = ("main_index", "code", "name_vi", "name_en", "max_points")


def _number(value: Decimal | None) -> float | None:
    # Weights and points have at most four decimals: a float carries them exactly enough
    # that Decimal(str(float)) gives them back, and a spreadsheet shows a number.
    return float(value) if value is not None else None


def export(framework: Framework) -> bytes:
    """The framework as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = FRAMEWORK_SHEET
    sheet.append(["field", "value"])
    values = {
        "decision_date": framework.decision_date.isoformat() if framework.decision_date else "",
        "weights_editable": "yes" if framework.weights_editable else "no",
        "sources": "\n".join(framework.sources),
    }
    for key in FRAMEWORK_KEYS:
        sheet.append([key, safe_cell(values.get(key, getattr(framework, key)))])

    pillars = book.create_sheet(PILLAR_SHEET)
    pillars.append(list(PILLAR_COLUMNS))
    for p in framework.pillars.all():
        pillars.append([p.code, p.key, p.name_vi, p.name_en, _number(p.weight), p.max_points])

    indices = book.create_sheet(INDEX_SHEET)
    indices.append(list(INDEX_COLUMNS))
    components = book.create_sheet(COMPONENT_SHEET)
    components.append(list(COMPONENT_COLUMNS))
    for i in framework.main_indices.prefetch_related("pillars", "components"):
        indices.append(
            [
                i.code, i.short_code, safe_cell(i.name_vi), safe_cell(i.name_en), i.group,
                ", ".join(p.code for p in i.pillars.all()), i.max_points, _number(i.weight),
                "yes" if i.scored else "no", i.component_count, safe_cell(i.note),
            ]
        )  # fmt: skip
        for c in i.components.all():
            components.append(
                [i.code, c.code, safe_cell(c.name_vi), safe_cell(c.name_en), _number(c.max_points)]
            )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading -----------------------------------------------------------------------------


def _one_of(field: str, values: list[str]) -> str:
    return _("“%(field)s” must be one of %(values)s") % {
        "field": field,
        "values": ", ".join(values),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]  # the apostrophe `safe_cell` put before a formula-like text
    return text


class _Sheet:
    def __init__(self, book, name: str, columns: tuple[str, ...], required: tuple[str, ...]):
        if name not in book.sheetnames:
            raise FileRefused(_("The sheet “%(sheet)s” is missing.") % {"sheet": name}, sheet=name)
        self.name = name
        rows = list(book[name].iter_rows(values_only=True))
        header = [_text(v) for v in (rows[0] if rows else ())]
        missing = [c for c in required if c not in header]
        if missing:
            raise FileRefused(
                _("Sheet “%(sheet)s”: missing columns %(columns)s.")
                % {"sheet": name, "columns": ", ".join(missing)}
            )
        self.rows = [
            (line, {c: row[header.index(c)] if c in header else None for c in columns})
            for line, row in enumerate(rows[1:], start=2)
            if any(v not in (None, "") for v in row)
        ]

    def refuse(self, line: int, column: str, message: str) -> FileRefused:
        return FileRefused(
            _("Sheet “%(sheet)s”, row %(line)s, column “%(column)s”: %(problem)s.")
            % {"sheet": self.name, "line": line, "column": column, "problem": message},
            line=line,
            column=column,
            sheet=self.name,
        )

    def decimal(self, line: int, column: str, value: Any) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            number = Decimal(_text(value).replace(",", "."))
        except InvalidOperation:
            raise self.refuse(
                line, column, _("“%(value)s” is not a number") % {"value": value}
            ) from None
        if not number.is_finite() or number < 0:
            raise self.refuse(line, column, _("“%(value)s” is not valid") % {"value": value})
        return number

    def integer(self, line: int, column: str, value: Any) -> int | None:
        number = self.decimal(line, column, value)
        if number is not None and number != number.to_integral_value():
            raise self.refuse(
                line, column, _("“%(value)s” must be a whole number") % {"value": value}
            )
        return int(number) if number is not None else None

    def flag(self, line: int, column: str, value: Any, default: bool) -> bool:
        text = _text(value).lower()
        if not text:
            return default
        if text in {"yes", "co", "có", "true", "1", "x"}:
            return True
        if text in {"no", "khong", "không", "false", "0"}:
            return False
        raise self.refuse(line, column, _("“%(value)s” must be yes or no") % {"value": value})


def read(content: bytes) -> dict[str, Any]:
    """A workbook's framework as data (the shipped JSON's shape); refuses a bad workbook."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not XLSX
        raise FileRefused(_("The file is not an XLSX workbook.")) from None
    head = _Sheet(book, FRAMEWORK_SHEET, ("field", "value"), ("field", "value"))
    fields = {_text(row["field"]): (line, row["value"]) for line, row in head.rows}
    data: dict[str, Any] = {}
    for key in ("code", "decision", "title_vi", "first_year", "method"):
        if not _text(fields.get(key, (0, None))[1]):
            raise FileRefused(
                _("Sheet “%(sheet)s”: “%(field)s” is not filled in.")
                % {"sheet": FRAMEWORK_SHEET, "field": key}
            )

    def field(key: str) -> tuple[int, Any]:
        return fields.get(key, (0, None))

    for key in ("code", "decision", "issuer", "title_vi", "title_en", "note"):
        data[key] = _text(field(key)[1])
    limits = {"code": 20, "decision": 40, "issuer": 200, "title_vi": 300, "title_en": 300}
    for key, limit in limits.items():
        if len(data[key]) > limit:
            raise head.refuse(
                field(key)[0],
                "value",
                _("“%(field)s” is longer than %(limit)s characters")
                % {"field": key, "limit": limit},
            )
    for key in ("first_year", "last_year", "total_points", "component_count"):
        line, value = field(key)
        data[key] = head.integer(line, "value", value)
    line, value = field("decision_date")
    if isinstance(value, dt.datetime):
        data["decision_date"] = value.date().isoformat()
    elif _text(value):
        try:
            data["decision_date"] = dt.date.fromisoformat(_text(value)).isoformat()
        except ValueError:
            raise head.refuse(
                line, "value", _("the date “%(value)s” must be YYYY-MM-DD") % {"value": value}
            ) from None
    line, value = field("status")
    data["status"] = _text(value) or FrameworkStatus.DRAFT
    if data["status"] not in FrameworkStatus.values:
        raise head.refuse(line, "value", _one_of("status", FrameworkStatus.values))
    line, value = field("method")
    data["method"] = _text(value)
    if data["method"] not in ScoringMethod.values:
        raise head.refuse(line, "value", _one_of("method", ScoringMethod.values))
    line, value = field("weights_editable")
    data["weights_editable"] = head.flag(line, "value", value, False)
    data["sources"] = [s for s in _text(field("sources")[1]).splitlines() if s.strip()]

    pillars = _Sheet(book, PILLAR_SHEET, PILLAR_COLUMNS, ("code", "key", "name_vi"))
    data["pillars"] = []
    for line, row in pillars.rows:
        for column in ("code", "key", "name_vi"):
            if not _text(row[column]):
                raise pillars.refuse(line, column, _("not filled in"))
        data["pillars"].append(
            {
                "code": _text(row["code"]),
                "key": _text(row["key"]),
                "name_vi": _text(row["name_vi"]),
                "name_en": _text(row["name_en"]),
                "weight": pillars.decimal(line, "weight", row["weight"]),
                "max_points": pillars.integer(line, "max_points", row["max_points"]),
            }
        )
    pillar_codes = {p["code"] for p in data["pillars"]}

    indices = _Sheet(book, INDEX_SHEET, INDEX_COLUMNS, ("code", "name_vi"))
    data["main_indices"] = []
    by_code: dict[str, dict[str, Any]] = {}
    for line, row in indices.rows:
        code = _text(row["code"])
        if not code or not _text(row["name_vi"]):
            raise indices.refuse(line, "code" if not code else "name_vi", _("not filled in"))
        if code in by_code:
            raise indices.refuse(line, "code", _("“%(code)s” is repeated") % {"code": code})
        if len(code) > 60:
            raise indices.refuse(
                line,
                "code",
                _("“%(field)s” is longer than %(limit)s characters") % {"field": code, "limit": 60},
            )
        members = [p.strip() for p in _text(row["pillars"]).split(",") if p.strip()]
        unknown = [p for p in members if p not in pillar_codes]
        if unknown:
            raise indices.refuse(
                line, "pillars", _("no pillar %(codes)s") % {"codes": ", ".join(unknown)}
            )
        group = _text(row["group"])
        if group and group not in IndexGroup.values:
            raise indices.refuse(line, "group", _one_of("group", IndexGroup.values))
        item = {
            "code": code,
            "short_code": _text(row["short_code"]),
            "name_vi": _text(row["name_vi"]),
            "name_en": _text(row["name_en"]),
            "group": group,
            "pillars": members,
            "max_points": indices.integer(line, "max_points", row["max_points"]),
            "weight": indices.decimal(line, "weight", row["weight"]),
            "scored": indices.flag(line, "scored", row["scored"], True),
            "component_count": indices.integer(line, "component_count", row["component_count"]),
            "note": _text(row["note"]),
            "components": [],
        }
        by_code[code] = item
        data["main_indices"].append(item)

    if COMPONENT_SHEET in book.sheetnames:
        components = _Sheet(book, COMPONENT_SHEET, COMPONENT_COLUMNS, COMPONENT_COLUMNS[:3])
        for line, row in components.rows:
            parent = by_code.get(_text(row["main_index"]))
            if parent is None:
                raise components.refuse(
                    line,
                    "main_index",
                    _("no main index “%(code)s”") % {"code": _text(row["main_index"])},
                )
            if not _text(row["code"]) or not _text(row["name_vi"]):
                raise components.refuse(line, "code", _("code or name not filled in"))
            parent["components"].append(
                {
                    "code": _text(row["code"]),
                    "name_vi": _text(row["name_vi"]),
                    "name_en": _text(row["name_en"]),
                    "max_points": components.decimal(line, "max_points", row["max_points"]),
                }
            )
    return data


def import_framework(actor: Actor, content: bytes) -> Framework:
    """Add (or replace) a framework from a workbook. A shipped national framework is not
    replaced this way: its file is the source (the 405 weights are edited in the admin)."""
    data = read(content)
    if data["code"] in SHIPPED:
        raise FileRefused(
            _(
                "Framework “%(code)s” ships with the platform and is not replaced from a "
                "workbook; give the new framework another code."
            )
            % {"code": data["code"]}
        )
    return actions.install_framework(actor, data)
