from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tinhso.portal"
    verbose_name = _("Open data portal")

    def ready(self) -> None:
        from tinhso.core import nav
        from tinhso.core.events import event

        from . import usage

        nav.register(nav.NavItem("opendata", _("Open data"), "portal_home", "public", order=45))
        event.connect(usage.on_event, dispatch_uid="tinhso-portal-usage")
