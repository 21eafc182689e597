"""`tinhso data ingest FILE --dataset SLUG …` and `tinhso data query "SQL"`."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access, Dataset, VersionStatus
from tinhso.warehouse.readers import CHOICES


class Command(BaseCommand):
    help = "Load a file into the shared data warehouse, or query it with read-only SQL."
    # Django's system checks load every URL pattern of the site (0.6 s) to check the web
    # server's configuration; `tinhso serve`, `run` and `migrate` run them, a load need not.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("ingest", help="Add a version of a dataset from a file.")
        load.add_argument("file")
        load.add_argument("--dataset", required=True, help="The dataset's identifier (slug).")
        load.add_argument("--title", help="Title, for a new dataset.")
        load.add_argument("--agency", help="Owner agency's code, for a new dataset.")
        load.add_argument("--access", choices=Access.values, default=Access.PRIVATE)
        load.add_argument("--append", action="store_true", help="Add rows to the current ones.")
        load.add_argument("--sheet", help="The XLSX sheet to read (default: the first).")
        load.add_argument(
            "--encoding",
            choices=CHOICES,
            help="The encoding of a CSV/TSV file, when detection is unsure.",
        )
        load.add_argument(
            "--accept-schema-change",
            action="store_true",
            help="Accept columns removed, renamed or retyped since the current version.",
        )
        load.add_argument(
            "--serve-now",
            action="store_true",
            help="Build the rows API's fast copy of a big version before returning (by "
            "default the task worker builds it; the version is queryable at once either way).",
        )
        query = commands.add_parser("query", help="Run one read-only SQL query.")
        query.add_argument("sql")
        query.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
        query.add_argument("--output", help="The Parquet file to write.")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def ingest(
        self,
        *,
        file,
        dataset,
        title,
        agency,
        access,
        append,
        sheet,
        accept_schema_change,
        encoding,
        serve_now=False,
        **o,
    ):
        from tinhso.agencies.models import Agency

        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No file “%(path)s”.") % {"path": file})
        actor = Actor.system("tinhso data ingest")
        target = Dataset.objects.filter(slug=dataset).first()
        if target is None:
            if not agency:
                raise CommandError(
                    _("A new dataset needs its owner agency: --agency CODE (see /agencies/).")
                )
            owner = Agency.objects.filter(code=agency).first()
            if owner is None:
                raise CommandError(
                    _("No agency with the code “%(code)s” (see /agencies/).") % {"code": agency}
                )
            try:
                target = actions.create_dataset(
                    actor, slug=dataset, title=title or dataset, owner=owner, access=access
                )
            except ValidationError as exc:
                raise CommandError(
                    _("“%(slug)s” cannot name a dataset: %(reason)s")
                    % {"slug": dataset, "reason": " ".join(exc.messages)}
                ) from exc
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=_console(self.stderr),
        ) as bar:
            task = bar.add_task(_("Reading %(file)s") % {"file": path.name}, total=100)
            version = actions.add_version(
                actor,
                target,
                path,
                append=append,
                sheet=sheet,
                accept_schema_change=accept_schema_change,
                encoding=encoding,
                serve_now=serve_now,
                progress=lambda percent: bar.update(task, completed=percent),
            )
            bar.update(task, completed=100)
        if version.status == VersionStatus.REJECTED:
            row = _("row")
            lines = [version.report.get("message", "")]
            lines += [
                f"  {row} {e.get('rowNumber', '-')}: {e['message']}"
                for e in version.report.get("errors", [])[:20]
            ]
            raise CommandError("\n".join(lines))
        self.stdout.write(
            _("%(dataset)s v%(n)s: %(rows)s rows, %(cols)s columns (%(enc)s).")
            % {
                "dataset": target.slug,
                "n": version.number,
                "rows": version.rows,
                "cols": len(version.schema["fields"]),
                "enc": version.encoding,
            }
        )
        from tinhso.warehouse import serving

        if version.rows >= serving.SERVING_ROWS and not serve_now:
            self.stdout.write(
                _(
                    "Queryable now; the task worker builds its fast copy for the rows API "
                    "(--serve-now builds it here)."
                )
            )

    def query(self, *, sql, format, output, **options):
        from tinhso.warehouse import sandbox  # its SQL parser is not needed for a load

        actor = Actor.system("tinhso data query")
        if format == "parquet":
            if not output:
                raise CommandError(_("Parquet is binary: name the file with --output FILE."))
            try:
                count = sandbox.export_parquet(actor, sql, Path(output).resolve())
            except sandbox.QueryRefused as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(_("%(n)s rows written to %(file)s.") % {"n": count, "file": output})
            return
        try:
            answer = sandbox.run(actor, sql)
        except sandbox.QueryRefused as exc:
            raise CommandError(exc.message) from exc
        if format == "json":
            rows = [dict(zip(answer.columns, row, strict=True)) for row in answer.rows]
            self.stdout.write(
                json.dumps(
                    {"columns": answer.columns, "rows": rows, "truncated": answer.truncated},
                    ensure_ascii=False,
                    default=str,
                )
            )
        else:
            writer = csv.writer(sys.stdout)
            writer.writerow(answer.columns)
            writer.writerows(answer.rows)
        if answer.truncated:
            self.stderr.write(_("Cut at %(n)s rows.") % {"n": len(answer.rows)})


def _console(stream):
    from rich.console import Console

    return Console(file=getattr(stream, "_out", stream))
