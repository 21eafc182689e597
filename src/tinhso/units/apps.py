from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "tinhso.units"
    label = "units"
    verbose_name = _("Administrative units")

    def ready(self) -> None:
        from tinhso.core import nav
        from tinhso.units import basemap  # noqa: F401 - registers the basemap file check

        nav.register(nav.NavItem("units", _("Administrative units"), "units", "public", order=60))
