from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tinhso.agencies"
    label = "agencies"
    verbose_name = _("Agencies and people")

    def ready(self) -> None:
        from tinhso.core import nav

        nav.register(nav.NavItem("agencies", _("Agencies"), "agency_list", "public", order=70))
        nav.register(
            nav.NavItem(
                "admin",
                _("Administration"),
                "admin:index",
                "staff",
                order=900,
                visible=lambda actor: actor.is_authenticated and actor.user.is_staff,
            )
        )
        nav.register(
            nav.NavItem(
                "boundaries",
                _("Commune boundaries"),
                "units_boundaries",
                "staff",
                roles=("administrator",),
                order=800,
            )
        )
