"""`tinhso ioc report --scope leader|<sector> --period week|month [--date D] [--output DIR]`:
write a report's PDF and XLSX to a folder (the archive and the e-mails are the schedule's
and the reports page's)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.ioc.models import LEADER_SCOPE, ReportFrequency, Sector

STEPS = 5  # reading, charts, PDF, spreadsheet, writing


class Command(BaseCommand):
    help = "Operations centre: write a weekly or monthly report as PDF and XLSX."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        report = commands.add_parser("report", help="Write a report's PDF and XLSX files.")
        report.add_argument(
            "--scope",
            required=True,
            choices=[LEADER_SCOPE, *Sector.values],
            help="leader or a sector.",
        )
        report.add_argument("--period", required=True, choices=ReportFrequency.values)
        report.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="Any day in the period, YYYY-MM-DD (default: the last ended period).",
        )
        report.add_argument("--output", default=".", help="Folder to write into (default: here).")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def report(self, *, scope, period, date, output, **options):
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

        from tinhso.ioc import report_files, reports

        folder = Path(output)
        if not folder.is_dir():
            raise CommandError(_("No folder “%(path)s”.") % {"path": output})
        chosen = (
            reports.period_of(period, date)
            if date
            else reports.period_of(period, timezone.localdate()).previous()
        )
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=_console(self.stderr),
        ) as bar:
            task = bar.add_task(_("Reading the figures"), total=STEPS)

            def step(text: str) -> None:
                bar.update(task, description=text, advance=1)

            content = reports.build(scope, chosen)
            pdf = report_files.pdf(content, step)
            xlsx = report_files.xlsx(content, step)
            step(_("Writing the files"))
            written = []
            for suffix, data in (("pdf", pdf), ("xlsx", xlsx)):
                path = folder / f"{content.file_stem}.{suffix}"
                path.write_bytes(data)
                written.append(path)
            bar.update(task, completed=STEPS)
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size:,} B)")


def _console(stream):
    from rich.console import Console

    return Console(file=getattr(stream, "_out", stream))
