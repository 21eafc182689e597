from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The top floor: routes, the page shell, the home page, the API's assembly, the demo
    and the commands that run the platform. Imports any app; none imports it."""

    name = "tinhso.site"
    label = "site"
    verbose_name = _("Site")
