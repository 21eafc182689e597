from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehouseConfig(AppConfig):
    name = "tinhso.warehouse"
    label = "warehouse"
    verbose_name = _("Shared data warehouse")

    def ready(self) -> None:
        from tinhso.core import nav, schedule

        nav.register(nav.NavItem("data", _("Data"), "warehouse_catalogue", "public", order=50))
        nav.register(
            nav.NavItem(
                "my_data",
                _("My agency's data"),
                "warehouse_mine",
                "staff",
                roles=("data_steward", "administrator"),
                order=600,
            )
        )

        schedule.every(24 * 60, "tinhso.warehouse.tasks.publish_code_tables")
        schedule.every(60, "tinhso.warehouse.tasks.pull_sources")
