from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tinhso.portal"
    verbose_name = _("Open data portal")

    def ready(self) -> None:
        from tinhso.core import nav

        nav.register(nav.NavItem("opendata", _("Open data"), "portal_home", "public", order=45))
