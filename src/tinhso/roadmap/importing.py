"""A plan read from XLSX, in the columns of the plan's export (`export.plan_rows`), so a
plan kept in a spreadsheet — or exported, edited and sent back — becomes tasks.

Headers are matched in Vietnamese or English; the columns "No." and "Overdue" are read
past. Agencies are found by name or code; communes by name or code within the owner
agency's province; indicators by name or code; DTI main indices as the export writes them
(`405 Hạ tầng số`) or by framework and code (`405 ha_tang_so`). Every row is checked before
anything is written: one refused cell refuses the file, each reason with its row and
column."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.roadmap.export import plan_rows
from tinhso.roadmap.models import Task, TaskStatus

# The export's columns, in its order, by the key each is read into (None: read past).
KEYS = [
    None,
    "title",
    "goal",
    "owner",
    "co_agencies",
    "communes",
    "start",
    "due",
    "budget",
    "status",
    "progress",
    None,
    "indicators",
    "main_indices",
    "evidence",
]
REQUIRED = {"title", "owner", "start", "due"}


@dataclass(frozen=True)
class Refusal:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class PlanRefused(ValueError):
    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(str(r) for r in refusals))
        self.refusals = refusals


@dataclass
class TaskDraft:
    """One row, resolved: the keyword arguments of `actions.create_task`."""

    row: int
    fields: dict[str, Any] = field(default_factory=dict)


def _headers() -> dict[str, str]:
    """Each language's header text (lower case) → key."""
    found: dict[str, str] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            header, _rows = plan_rows(Task.objects.none(), dt.date.today())
        for text, key in zip(header, KEYS, strict=True):
            if key:
                found[text.strip().lower()] = key
    return found


def _statuses() -> dict[str, str]:
    found = {value: value for value in TaskStatus.values}
    for language in ("vi", "en"):
        with translation.override(language):
            found.update({str(label).lower(): value for value, label in TaskStatus.choices})
    return found


def _parts(value: Any) -> list[str]:
    return [p.strip() for p in str(value or "").split(";") if p.strip()]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(_("not a date; write it as dd/mm/yyyy."))


class _Resolver:
    """Names and codes to rows, looked up once per file."""

    def __init__(self) -> None:
        from tinhso.agencies.models import Agency
        from tinhso.dti.models import MainIndex
        from tinhso.ioc.models import Indicator
        from tinhso.units.models import Commune

        self.agencies = Agency.objects.all()
        self.communes = Commune.objects.all()
        self.indicators = Indicator.objects.all()
        self.main_indices = MainIndex.objects.select_related("framework")

    def agency(self, text: str):
        found = list(self.agencies.filter(Q(name__iexact=text) | Q(code__iexact=text))[:2])
        if len(found) != 1:
            raise ValueError(_("no agency is named or coded “%(text)s”.") % {"text": text})
        return found[0]

    def commune(self, text: str, province_id):
        found = list(
            self.communes.filter(Q(name__iexact=text) | Q(code=text), province_id=province_id)[:2]
        )
        if len(found) != 1:
            raise ValueError(
                _("no commune of the owner agency's province is named or coded “%(text)s”.")
                % {"text": text}
            )
        return found[0]

    def indicator(self, text: str):
        found = list(
            self.indicators.filter(
                Q(name_vi__iexact=text) | Q(name_en__iexact=text) | Q(code=text)
            )[:2]
        )
        if len(found) != 1:
            raise ValueError(_("no indicator is named or coded “%(text)s”.") % {"text": text})
        return found[0]

    def main_index(self, text: str):
        framework, _sep, name = text.partition(" ")
        found = list(
            self.main_indices.filter(
                Q(name_vi__iexact=name.strip()) | Q(code=name.strip()),
                framework__code=framework,
            )[:2]
        )
        if len(found) != 1:
            raise ValueError(
                _("no DTI main index “%(text)s”; write the framework's code, then the index.")
                % {"text": text}
            )
        return found[0]


def _cell(key: str, value: Any, draft: dict, resolve: _Resolver, statuses: dict) -> None:
    """Read one cell into `draft`; ValueError with the reason otherwise."""
    text = "" if value is None else str(value).strip()
    if key in ("title", "goal"):
        if key == "title" and not text:
            raise ValueError(_("the task needs a title."))
        draft[key] = text
    elif key == "owner":
        if not text:
            raise ValueError(_("the task needs an owner agency."))
        draft["owner"] = resolve.agency(text)
    elif key == "co_agencies":
        draft[key] = [resolve.agency(p) for p in _parts(value)]
    elif key == "communes":
        draft["_communes"] = _parts(value)  # read with the owner's province, below
    elif key in ("start", "due"):
        if not text:
            raise ValueError(_("the day is missing."))
        draft[key] = _date(value)
    elif key == "budget":
        if text:
            try:
                amount = Decimal(text.replace(".", "").replace(" ", ""))
            except InvalidOperation as exc:
                raise ValueError(_("not an amount in đồng.")) from exc
            if amount < 0 or amount != amount.to_integral_value():
                raise ValueError(_("the budget is a whole, positive number of đồng."))
            draft[key] = amount
    elif key == "status":
        if text:
            if text.lower() not in statuses:
                raise ValueError(_("unknown status “%(text)s”.") % {"text": text})
            draft[key] = statuses[text.lower()]
    elif key == "progress":
        if text:
            try:
                progress = int(Decimal(text))
            except (InvalidOperation, ValueError) as exc:
                raise ValueError(_("progress is a whole percentage from 0 to 100.")) from exc
            if not 0 <= progress <= 100 or Decimal(text) != progress:
                raise ValueError(_("progress is a whole percentage from 0 to 100."))
            draft[key] = progress
    elif key == "indicators":
        draft[key] = [resolve.indicator(p) for p in _parts(value)]
    elif key == "main_indices":
        draft[key] = [resolve.main_index(p) for p in _parts(value)]
    elif key == "evidence":
        # The export writes the text, then the link, apart by a space.
        head, _sep, last = text.rpartition(" ")
        if last.startswith(("http://", "https://")):
            draft["evidence_text"], draft["evidence_url"] = head.strip(), last
        elif text.startswith(("http://", "https://")):
            draft["evidence_url"] = text
        else:
            draft["evidence_text"] = text


def read_plan(data: bytes) -> list[TaskDraft]:
    """The tasks of an XLSX file in the export's columns; PlanRefused lists every reason
    when one row or cell is wrong (nothing is to be written then)."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is refused the same way
        raise PlanRefused([Refusal(1, "", _("this is not an XLSX file."))]) from exc
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    known = _headers()
    columns: dict[int, tuple[str, str]] = {}
    for index, text in enumerate(header):
        key = known.get(str(text or "").strip().lower())
        if key:
            columns[index] = (key, str(text).strip())
    missing = REQUIRED - {key for key, _text in columns.values()}
    if missing:
        names, _rows = plan_rows(Task.objects.none(), dt.date.today())
        wanted = [names[KEYS.index(k)] for k in sorted(missing, key=KEYS.index)]
        raise PlanRefused(
            [Refusal(1, name, _("this column is missing from the first row.")) for name in wanted]
        )
    resolve, statuses = _Resolver(), _statuses()
    refusals: list[Refusal] = []
    drafts: list[TaskDraft] = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        draft: dict[str, Any] = {}
        for index, (key, column) in columns.items():
            value = values[index] if index < len(values) else None
            try:
                _cell(key, value, draft, resolve, statuses)
            except ValueError as exc:
                refusals.append(Refusal(number, column, str(exc)))
        names = draft.pop("_communes", [])
        if "owner" in draft:
            column = next(t for k, t in columns.values() if k == "communes") if names else ""
            try:
                draft["communes"] = [resolve.commune(n, draft["owner"].province_id) for n in names]
            except ValueError as exc:
                refusals.append(Refusal(number, column, str(exc)))
        if "start" in draft and "due" in draft and draft["due"] < draft["start"]:
            due = next(t for k, t in columns.values() if k == "due")
            refusals.append(Refusal(number, due, _("the due day cannot be before the start day.")))
        drafts.append(TaskDraft(number, draft))
    if refusals:
        raise PlanRefused(refusals)
    if not drafts:
        raise PlanRefused([Refusal(2, "", _("the file has no task."))])
    return drafts
