"""A report's content drawn as files: a PDF through WeasyPrint and an XLSX through
openpyxl, both in Vietnamese.

The PDF's font is Be Vietnam Pro from its package (`core.documents`), so diacritics
render the same on any server.
Charts are SVG drawn here (`charts`): WeasyPrint runs no JavaScript.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.core import documents
from tinhso.core.documents import (  # noqa: F401 (font_files: part of this module's face)
    FONT_FAMILY,
    css_string,
    font_css,
    font_files,
)
from tinhso.ioc import charts
from tinhso.ioc.reports import ReportContent

REPORT_LANGUAGE = "vi"

Progress = Callable[[str], None]


def _quiet(step: str) -> None:
    return None


def html(content: ReportContent) -> str:
    """The report as the HTML page WeasyPrint lays out."""
    with translation.override(REPORT_LANGUAGE):
        labels = {"good": _("good"), "bad": _("bad"), "target": _("target")}
        rows = [
            (
                row,
                charts.trend_svg(
                    row.series,
                    good=row.good,
                    bad=row.bad,
                    target=row.target,
                    labels=labels,
                    font_family=FONT_FAMILY,
                ),
            )
            for row in content.indicators
        ]
        return render_to_string(
            "ioc/report_pdf.html",
            {
                "c": content,
                "rows": rows,
                "font_css": font_css(),
                "font_family": FONT_FAMILY,
                "footer": css_string(f"{content.province} · {content.period.label}"),
            },
        )


def pdf(content: ReportContent, progress: Progress = _quiet) -> bytes:
    progress(_("Drawing the charts"))
    page = html(content)
    progress(_("Laying out the PDF"))
    return documents.pdf(page)


# --- XLSX -------------------------------------------------------------------------------

DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    # openpyxl refuses aware datetimes; the report's are local already.
    return moment.replace(tzinfo=None) if moment else None


def _sheet(book, title: str, header: list[str], rows: list[list]):
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = DATETIME
            elif isinstance(cell.value, dt.date):
                cell.number_format = DATE
    for column in sheet.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"
    return sheet


def xlsx(content: ReportContent, progress: Progress = _quiet) -> bytes:
    from openpyxl import Workbook

    progress(_("Writing the spreadsheet"))
    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        book.remove(book.active)
        c = content
        _sheet(
            book,
            _("Report"),
            [_("Item"), _("Value")],
            [
                [_("Province"), c.province],
                [_("Scope"), c.scope_label],
                [_("Period"), c.period.label],
                [_("First day"), c.period.start],
                [_("Last day"), c.period.last_day],
                [_("Generated"), _naive(c.generated_at)],
            ],
        )
        _sheet(
            book,
            _("Indicators"),
            [
                _("Code"),
                _("Indicator"),
                _("Sector"),
                _("Unit"),
                _("Value"),
                _("Value's period"),
                _("Previous period"),
                _("Change"),
                _("Target"),
                _("Target deadline"),
                _("Status"),
            ],
            [
                [
                    r.code,
                    r.name,
                    r.sector_label,
                    r.unit,
                    r.value,
                    r.value_period,
                    r.previous,
                    r.change,
                    r.target,
                    r.target_deadline,
                    r.status_label,
                ]
                for r in c.indicators
            ],
        )
        alerts = c.alerts
        _sheet(
            book,
            _("Alerts"),
            [_("Severity"), _("Opened"), _("Acknowledged"), _("Resolved")],
            [[label, o, a, r] for _v, label, o, a, r in alerts.by_severity]
            + [[_("Total"), alerts.opened, alerts.acknowledged, alerts.resolved]],
        )
        _sheet(
            book,
            _("Alerts opened"),
            [_("Opened at"), _("Severity"), _("Alert"), _("Place"), _("State"), _("Resolved at")],
            [
                [_naive(a.opened_at), a.severity_label, a.title, a.place, a.state_label]
                + [_naive(a.resolved_at)]
                for a in alerts.lines
            ],
        )
        if c.feedback is not None:
            f = c.feedback
            _sheet(
                book,
                _("Feedback"),
                [_("Figure"), _("Value")],
                [
                    [_("Reports received"), f.received],
                    [_("Received in the previous period"), f.previous_received],
                    [_("Answered"), f.answered],
                    [_("Answered on time"), f.on_time],
                    [_("On-time rate (%)"), f.on_time_rate],
                    [_("Satisfaction (1–5)"), f.satisfaction],
                    [_("Open when the report was made"), f.open_now],
                    [_("Overdue when the report was made"), f.overdue_now],
                ],
            )
        if c.air is not None:
            _sheet(
                book,
                _("Air quality"),
                [
                    _("Indicator"),
                    _("Days measured"),
                    _("Mean VN_AQI"),
                    _("Worst VN_AQI"),
                    _("Worst day"),
                    _("Days poor or worse"),
                ],
                [[a.name, a.days, a.mean, a.worst, a.worst_day, a.days_poor] for a in c.air],
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
