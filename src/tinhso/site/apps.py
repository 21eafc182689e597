from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig as TasksDbConfig


class SiteConfig(AppConfig):
    """The top floor: routes, the page shell, the home page, the API's assembly, the demo
    and the commands that run the platform. Imports any app; none imports it."""

    name = "tinhso.site"
    label = "site"
    verbose_name = _("Site")


# Third-party apps appear in the admin under names of our choosing, in the platform's
# languages ("Axes" and "Tasks Database Backend" mean nothing to a province's staff).


class SignInAttemptsConfig(AxesConfig):
    verbose_name = _("Sign-in attempts")


class TaskQueueConfig(TasksDbConfig):
    verbose_name = _("Background tasks")
