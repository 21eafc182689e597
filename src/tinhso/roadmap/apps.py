"""The roadmap of the steering committee: a plan of tasks across agencies and communes,
their monthly progress reports and the committee's follow-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "tinhso.roadmap"
    label = "roadmap"
    verbose_name = _("Roadmap")

    def ready(self) -> None:
        from tinhso.core import nav, schedule

        schedule.every(24 * 60, "tinhso.roadmap.tasks.remind_progress_reports")

        nav.register(
            nav.NavItem(
                "roadmap",
                _("Roadmap"),
                "roadmap_plan",
                "staff",
                order=620,
            )
        )
