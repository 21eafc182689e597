"""The published open-data list (danh mục dữ liệu mở, Decree 47/2020): every open
dataset with its agency, update frequency, last update and whether it is late, and the
list's last and next review (every six months) — on a page, and as the XLSX and PDF an
agency attaches to its annual report."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhso.core import documents
from tinhso.core.exports import safe_cell
from tinhso.units import province as home_province
from tinhso.warehouse import quality
from tinhso.warehouse.models import Dataset, attach_current

from .models import ListReview

REVIEW_MONTHS = 6
LANGUAGE = "vi"  # the files an agency files are in Vietnamese, whoever downloads them
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, kept within the month (31 August + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class Line:
    dataset: Dataset
    agency: str
    frequency: str
    last_update: dt.datetime | None
    rows: int | None
    late: bool


@dataclass
class Listed:
    lines: list[Line]
    last_review: ListReview | None
    next_review: dt.date | None
    review_overdue: bool
    generated: dt.datetime
    province: str

    @property
    def late_count(self) -> int:
        return sum(line.late for line in self.lines)


def build(datasets: QuerySet[Dataset], now: dt.datetime | None = None) -> Listed:
    """The list over `datasets` (open ones: the caller's `open_datasets`)."""
    now = now or timezone.now()
    found = attach_current(list(datasets.select_related("owner").order_by("owner__name", "title")))
    lines = [
        Line(
            dataset=d,
            agency=d.owner.name,
            frequency=str(d.get_frequency_display()),
            last_update=d.current.created_at if d.current else None,
            rows=d.current.rows if d.current else None,
            late=quality.is_late(d, d.current, now),
        )
        for d in found
    ]
    last = ListReview.objects.first()
    next_review = add_months(last.reviewed_on, REVIEW_MONTHS) if last else None
    today = timezone.localdate(now)
    return Listed(
        lines=lines,
        last_review=last,
        next_review=next_review,
        review_overdue=next_review is None or next_review < today,
        generated=now,
        province=home_province.name(),
    )


def _day(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return moment.strftime("%d/%m/%Y")


def header() -> list[str]:
    return [
        _("No."),
        _("Dataset"),
        _("Identifier"),
        _("Agency"),
        _("Update frequency"),
        _("Last update"),
        _("Rows"),
        _("Late"),
    ]


def table(listed: Listed) -> list[list]:
    return [
        [
            number,
            line.dataset.title,
            line.dataset.slug,
            line.agency,
            line.frequency,
            _day(line.last_update),
            line.rows,
            _("late") if line.late else "",
        ]
        for number, line in enumerate(listed.lines, start=1)
    ]


def _review_lines(listed: Listed) -> list[list[str]]:
    last = listed.last_review
    return [
        [_("Open-data list of"), listed.province],
        [_("Last review"), f"{_day(last.reviewed_on)} · {last.reviewer}" if last else _("none")],
        [_("Next review"), _day(listed.next_review) if listed.next_review else _("now")],
        [_("Datasets"), str(len(listed.lines))],
        [_("Late on their update"), str(listed.late_count)],
        [_("Generated"), _day(listed.generated)],
    ]


def xlsx(listed: Listed) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(LANGUAGE):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Open-data list")[:31]
        columns = header()
        sheet.append([safe_cell(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table(listed):
            sheet.append([safe_cell(v) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
        sheet.freeze_panes = "A2"
        about = book.create_sheet(_("Review")[:31])
        for line in _review_lines(listed):
            about.append([safe_cell(v) for v in line])
        about.column_dimensions["A"].width = 28
        about.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf(listed: Listed) -> bytes:
    with translation.override(LANGUAGE):
        page = render_to_string(
            "portal/list_pdf.html",
            {
                "listed": listed,
                "header": header(),
                "rows": table(listed),
                "about": _review_lines(listed),
                "font_css": documents.font_css(),
                "font_family": documents.FONT_FAMILY,
                "footer": documents.css_string(
                    f"{listed.province} · {_('Open-data list')} · {_day(listed.generated)}"
                ),
            },
        )
    return documents.pdf(page)
