"""`tinhso dti score --framework 922 --csv FILE [--json]` and
`tinhso dti import-results --year YEAR FILE [--units old|new] [--framework CODE]`,
`tinhso dti export-framework --framework CODE --out FILE.xlsx` and
`tinhso dti import-framework FILE.xlsx`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress

from tinhso.core.actors import Actor
from tinhso.dti import actions, frameworks, workbook
from tinhso.dti.files import FileRefused, read_results, read_values
from tinhso.dti.scoring import ScoringError, score_all


class Command(BaseCommand):
    help = "Digital transformation index: score a file of main indices, import national results."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        score = sub.add_parser(
            "score", help="Score and rank provinces from a CSV of main-index values (0–1)."
        )
        score.add_argument("--framework", required=True, help="1726, 922 or 405")
        score.add_argument("--csv", required=True, type=Path, dest="csv_file")
        score.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        imp = sub.add_parser("import-results", help="Import a year's published national results.")
        imp.add_argument("--year", required=True, type=int)
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--units",
            choices=("old", "new"),
            default="old",
            help="old: the 63 provinces before 2025 (default); new: the 34 since.",
        )
        imp.add_argument("--framework", help="Default: the framework that covers YEAR.")
        exp = sub.add_parser("export-framework", help="Write a framework as an XLSX workbook.")
        exp.add_argument("--framework", required=True)
        exp.add_argument("--out", required=True, type=Path)
        load = sub.add_parser("import-framework", help="Add a framework from an XLSX workbook.")
        load.add_argument("file", type=Path)

    def handle(self, *args, verb, **o):
        try:
            if verb == "score":
                self._score(o)
            elif verb == "import-results":
                self._import(o)
            elif verb == "export-framework":
                framework = frameworks.get(o["framework"])
                o["out"].write_bytes(workbook.export(framework))
                self.stdout.write(f"{framework.decision} → {o['out']}")
            else:
                if not o["file"].exists():
                    raise CommandError(_("File not found: %(path)s.") % {"path": o["file"]})
                actor = Actor.system("tinhso dti import-framework")
                framework = workbook.import_framework(actor, o["file"].read_bytes())
                self.stdout.write(
                    f"Đã nạp / imported {framework.decision}: "
                    f"{framework.main_indices.count()} chỉ số chính / main indices"
                )
        except (FileRefused, ScoringError) as exc:
            raise CommandError(exc.message) from exc

    def _score(self, o):
        framework = frameworks.get(o["framework"])
        scheme = frameworks.scheme(framework)
        scheme.check_weights()  # before reading: say first what the framework lacks
        rows = read_values(o["csv_file"], scheme)
        scores = score_all(scheme, [(row.province, row.values) for row in rows])
        pillars = [p.code for p in scheme.pillars]
        if o["json"]:
            payload = {
                "framework": framework.code,
                "decision": framework.decision,
                "provinces": [
                    {
                        "province": s.key,
                        "rank": s.rank,
                        "dti": str(s.dti),
                        "pillars": {code: str(v) for code, v in s.pillars.items()},
                        "contributions": {code: str(v) for code, v in s.contributions.items()},
                    }
                    for s in scores
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Khung / framework {framework.decision} — {len(scores)} tỉnh / provinces"
        )
        self.stdout.write("\t".join(["Hạng/rank", "Tỉnh/province", "DTI", *pillars]))
        for s in scores:
            cells = [str(s.rank), s.key, str(s.dti)]
            cells += [str(s.pillars[c]) if c in s.pillars else "–" for c in pillars]
            self.stdout.write("\t".join(cells))

    def _import(self, o):
        year = o["year"]
        framework = frameworks.get(o["framework"]) if o["framework"] else frameworks.for_year(year)
        if not framework.covers(year):
            raise CommandError(
                _(
                    "Framework %(decision)s was not used for %(year)s "
                    "(used from %(first)s to %(last)s)."
                )
                % {
                    "decision": framework.decision,
                    "year": year,
                    "first": framework.first_year,
                    "last": framework.last_year or "…",
                }
            )
        rows, skipped = read_results(o["file"], frameworks.scheme(framework), units=o["units"])
        actor = Actor.system("tinhso dti import-results")
        with Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn()
        ) as progress:
            task = progress.add_task("Nhập / importing", total=len(rows))

            def counted():
                for row in rows:
                    yield row
                    progress.advance(task)

            outcome = actions.import_results(actor, framework, year, counted())
        self.stdout.write(
            f"Năm / year {year}, {framework.decision}: {outcome.created} mới / new, "
            f"{outcome.updated} cập nhật / updated, {outcome.unchanged} không đổi / unchanged, "
            f"{skipped} dòng bỏ qua / rows skipped"
        )
