"""`tinhso manage scorecards [--full]`: bring the scorecards' daily rollups up to date."""

from django.core.management.base import BaseCommand

from tinhso.feedback.scorecards import refresh


class Command(BaseCommand):
    help = (
        "Rebuild the scorecards' daily rollups for the days whose reports changed; --full "
        "rebuilds every day (after importing reports outside the platform)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every day.")

    def handle(self, *args, full, **options):
        written = refresh(full=full)
        self.stdout.write(f"{written} rollup rows written.")
