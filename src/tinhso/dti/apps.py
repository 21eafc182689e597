"""The Digital Transformation Index: the national frameworks as data, scoring exactly as
published, and the national results to compare against."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_shipped(sender, using="default", **kwargs) -> None:
    from tinhso.core.actors import Actor
    from tinhso.dti.frameworks import load_shipped

    load_shipped(Actor.system("tinhso migrate"), using=using)


class DtiConfig(AppConfig):
    name = "tinhso.dti"
    label = "dti"
    verbose_name = _("Digital transformation index")

    def ready(self) -> None:
        # Every `migrate` brings the shipped frameworks up to date (decision 0014).
        post_migrate.connect(_load_shipped, sender=self, dispatch_uid="tinhso.dti.shipped")

        from tinhso.core import nav, schedule
        from tinhso.dti.access import VIEWERS

        schedule.every(24 * 60, "tinhso.dti.tasks.feed_assessments")

        nav.register(
            nav.NavItem("dti", _("DTI"), "dti_overview", "staff", roles=VIEWERS, order=615)
        )
