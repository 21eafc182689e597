"""The operations centre: indicators and their values, alerts and their procedures, the
leader's overview, sector dashboards and the video wall."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IocConfig(AppConfig):
    name = "tinhso.ioc"
    label = "ioc"
    verbose_name = _("Operations centre")

    def ready(self) -> None:
        from tinhso.core import nav, schedule
        from tinhso.ioc import (
            computation,  # noqa: F401 - subscribes to new dataset versions
            notify,  # noqa: F401 - tells roles of opened and escalated alerts
        )

        schedule.every(15, "tinhso.ioc.tasks.compute_indicators")
        schedule.every(5, "tinhso.ioc.tasks.evaluate_alerts")
        schedule.every(1, "tinhso.ioc.tasks.escalate_alerts")
        schedule.every(60, "tinhso.ioc.tasks.export_values")
        # Weekly and monthly reports: each run sends what is due (Monday or the 1st, 07:00).
        schedule.every(15, "tinhso.ioc.tasks.send_scheduled_reports")
        schedule.every(6 * 60, "tinhso.ioc.tasks.archive_sensor_months")

        nav.register(
            nav.NavItem(
                "ioc",
                _("Operations centre"),
                "ioc_overview",
                "staff",
                roles=("leader", "supervisor", "operator"),
                order=1,
            )
        )
        nav.register(
            nav.NavItem(
                "ioc_alerts",
                _("Alerts"),
                "ioc_alerts",
                "staff",
                roles=("leader", "supervisor", "operator"),
                order=2,
            )
        )
        nav.register(
            nav.NavItem(
                "ioc_reports",
                _("Reports"),
                "ioc_reports",
                "staff",
                roles=("leader", "supervisor", "operator"),
                order=3,
            )
        )
        nav.register(
            nav.NavItem(
                "ioc_entries",
                _("Indicator values"),
                "ioc_entries",
                "staff",
                roles=("handler", "data_steward", "supervisor"),
                order=610,
            )
        )
