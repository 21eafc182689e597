"""The steering committee's monthly report of a plan: for one month, per owner agency and
per commune, the tasks under way with their progress, which are overdue, and the month's
progress reports with their state. Drawn as a PDF (WeasyPrint, the packaged Vietnamese
font of `core.documents`) and as an XLSX (openpyxl), in Vietnamese.

The tasks of a month are those started by its last day and not done before its first; a
task is overdue as of the month's last day (or today, for the month under way)."""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhso.core import documents
from tinhso.core.exports import safe_cell
from tinhso.roadmap.models import Plan, ProgressReport, ReportState, Task, TaskStatus

REPORT_LANGUAGE = "vi"


def parse_month(text: str) -> dt.date:
    """`yyyy-mm` as the month's first day; ValueError otherwise."""
    year, _sep, month = text.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(text)
    return dt.date(int(year), int(month), 1)


def last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class TaskLine:
    pk: int
    title: str
    owner: str
    status: str
    progress: int
    due: dt.date
    overdue: bool
    report: str  # the month's report state, or that none came
    reported: bool


@dataclass(frozen=True)
class Section:
    """An agency's or a commune's tasks."""

    name: str
    tasks: list[TaskLine]

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)


@dataclass(frozen=True)
class ReportLine:
    task: str
    owner: str
    progress: int
    text: str
    state: str  # its label
    submitted_at: dt.datetime
    state_value: str


@dataclass(frozen=True)
class MonthlyReport:
    plan: Plan
    month: dt.date
    as_of: dt.date
    agencies: list[Section]
    communes: list[Section]
    reports: list[ReportLine]
    generated_at: dt.datetime

    @property
    def label(self) -> str:
        return f"{self.month:%m/%Y}"

    @property
    def tasks(self) -> int:
        return sum(len(s.tasks) for s in self.agencies)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.agencies)

    def count(self, state: str) -> int:
        return sum(1 for r in self.reports if r.state_value == state)


def build(plan: Plan, tasks, month: dt.date, now: dt.datetime | None = None) -> MonthlyReport:
    """The report of `plan` for `month` over `tasks` (the tasks the reader may see), in
    the report's language."""
    now = now or timezone.now()
    first, end = month.replace(day=1), last_day(month)
    as_of = min(end, timezone.localdate(now))
    with translation.override(REPORT_LANGUAGE):
        tasks = list(
            tasks.filter(plan=plan, start__lte=end)
            .exclude(Q(status=TaskStatus.DONE) & Q(due__lt=first))
            .select_related("owner")
            .prefetch_related("communes")
            .order_by("owner__name", "due", "pk")
        )
        reports = list(
            ProgressReport.objects.filter(task__in=[t.pk for t in tasks], month=first)
            .select_related("task__owner")
            .order_by("task__owner__name", "task__due", "submitted_at")
        )
        # The live report of each task (a returned one stands only when none replaced it).
        state_of: dict[int, str] = {}
        for r in sorted(reports, key=lambda r: r.state != ReportState.RETURNED):
            state_of[r.task_id] = str(ReportState(r.state).label)
        lines = {
            t.pk: TaskLine(
                t.pk,
                t.title,
                t.owner.name,
                str(TaskStatus(t.status).label),
                t.progress,
                t.due,
                t.is_overdue(as_of),
                state_of.get(t.pk, _("No report")),
                t.pk in state_of,
            )
            for t in tasks
        }
        by_agency: dict[str, list[TaskLine]] = {}
        by_commune: dict[str, list[TaskLine]] = {}
        for t in tasks:
            by_agency.setdefault(t.owner.name, []).append(lines[t.pk])
            for c in t.communes.all():
                by_commune.setdefault(c.name, []).append(lines[t.pk])
        return MonthlyReport(
            plan=plan,
            month=first,
            as_of=as_of,
            agencies=[Section(n, ts) for n, ts in by_agency.items()],
            communes=[Section(n, ts) for n, ts in sorted(by_commune.items())],
            reports=[
                ReportLine(
                    r.task.title,
                    r.task.owner.name,
                    r.progress,
                    r.text,
                    str(ReportState(r.state).label),
                    timezone.localtime(r.submitted_at),
                    r.state,
                )
                for r in reports
            ],
            generated_at=timezone.localtime(now),
        )


def pdf(report: MonthlyReport) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        page = render_to_string(
            "roadmap/monthly_pdf.html",
            {
                "r": report,
                "font_css": documents.font_css(),
                "font_family": documents.FONT_FAMILY,
                "footer": documents.css_string(f"{report.plan.name} · {report.label}"),
                "submitted": report.count(ReportState.SUBMITTED),
                "approved": report.count(ReportState.APPROVED),
                "returned": report.count(ReportState.RETURNED),
            },
        )
    return documents.pdf(page)


def _sheet(book, title: str, header: list[str], rows: list[list]) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    for column in sheet.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"


def xlsx(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook

    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        book.remove(book.active)
        task_header = [
            _("Task"),
            _("Status"),
            _("Progress (%)"),
            _("Due"),
            _("Overdue"),
            _("This month's report"),
        ]

        def task_row(group: str, t: TaskLine) -> list:
            yes = _("yes") if t.overdue else ""
            return [group, t.title, t.status, t.progress, t.due, yes, t.report]

        _sheet(
            book,
            _("Summary"),
            [_("Item"), _("Value")],
            [
                [_("Plan"), report.plan.name],
                [_("Month"), report.label],
                [_("Overdue as of"), report.as_of],
                [_("Tasks"), report.tasks],
                [_("Overdue"), report.overdue],
                [_("Reports waiting for approval"), report.count(ReportState.SUBMITTED)],
                [_("Reports approved"), report.count(ReportState.APPROVED)],
                [_("Reports returned"), report.count(ReportState.RETURNED)],
                [_("Generated"), report.generated_at.replace(tzinfo=None)],
            ],
        )
        _sheet(
            book,
            _("By agency"),
            [_("Owner agency"), *task_header],
            [task_row(s.name, t) for s in report.agencies for t in s.tasks],
        )
        _sheet(
            book,
            _("By commune"),
            [_("Commune"), *task_header],
            [task_row(s.name, t) for s in report.communes for t in s.tasks],
        )
        _sheet(
            book,
            _("Progress reports"),
            [
                _("Task"),
                _("Owner agency"),
                _("Progress (%)"),
                _("What was done"),
                _("State"),
                _("Submitted"),
            ],
            [
                [r.task, r.owner, r.progress, r.text, r.state, r.submitted_at.replace(tzinfo=None)]
                for r in report.reports
            ],
        )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def tasks_without_report(plan_tasks, month: dt.date) -> list[Task]:
    """In-progress tasks with no live report for `month` (the reminder's list)."""
    reported = ProgressReport.objects.filter(month=month).exclude(state=ReportState.RETURNED)
    return list(
        plan_tasks.filter(status=TaskStatus.IN_PROGRESS, start__lte=last_day(month))
        .exclude(pk__in=reported.values("task_id"))
        .select_related("owner")
    )
