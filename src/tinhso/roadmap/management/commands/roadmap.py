"""`tinhso roadmap import FILE.xlsx --plan NAME`: a plan's tasks from a spreadsheet in the
columns of the plan's export, added to the plan of that name (made when there is none)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.roadmap import actions
from tinhso.roadmap.importing import PlanRefused, read_plan
from tinhso.roadmap.models import Plan


class Command(BaseCommand):
    help = "The steering committee's roadmap: import a plan's tasks from XLSX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Add the tasks of an XLSX file to a plan.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--plan", required=True, help="The plan's name (made when new).")

    def handle(self, *args, verb, file: Path, plan: str, **options):
        if not file.exists():
            raise CommandError(_("File not found: %(path)s.") % {"path": file})
        try:
            drafts = read_plan(file.read_bytes())
        except PlanRefused as exc:
            raise CommandError("\n".join(str(r) for r in exc.refusals)) from exc
        actor = Actor.system("tinhso roadmap import")
        existing = Plan.objects.filter(name=plan.strip()).order_by("-pk").first()
        try:
            chosen, tasks = actions.import_tasks(actor, drafts, plan=existing, plan_name=plan)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("%(count)s tasks added to the plan “%(plan)s”.")
            % {"count": len(tasks), "plan": chosen.name}
        )
