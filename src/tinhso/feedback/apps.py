from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "tinhso.feedback"
    label = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from tinhso.core import nav, schedule
        from tinhso.feedback import notify  # noqa: F401 - connects the event subscribers
        from tinhso.feedback.training import PURPOSE
        from tinhso.textengine import trainers

        schedule.every(15, "tinhso.feedback.tasks.remind_deadlines")
        schedule.every(5, "tinhso.feedback.tasks.refresh_scorecards")
        schedule.every(24 * 60, "tinhso.feedback.tasks.retrain_classifier")
        trainers.register(PURPOSE, "tinhso.feedback.tasks.retrain_classifier")

        nav.register(
            nav.NavItem("report", _("Report a problem"), "feedback_new", "public", order=10)
        )
        nav.register(
            nav.NavItem("reports", _("Public reports"), "feedback_list", "public", order=15)
        )
        nav.register(
            nav.NavItem("track", _("Track a report"), "feedback_track", "public", order=20)
        )
        nav.register(
            nav.NavItem(
                "hotline",
                _("Hotline"),
                "feedback_hotline",
                "staff",
                roles=("operator", "supervisor"),
                order=5,
            )
        )
        nav.register(
            nav.NavItem(
                "scorecards",
                _("Scorecards"),
                "feedback_scorecards",
                "staff",
                roles=("supervisor", "leader"),
                order=30,
            )
        )
        nav.register(
            nav.NavItem(
                "messages",
                _("Notifications"),
                "feedback_messages",
                "staff",
                roles=("supervisor", "leader"),
                order=40,
            )
        )
        nav.register(
            nav.NavItem(
                "queue",
                _("Queue"),
                "feedback_queue",
                "staff",
                roles=("operator", "handler", "supervisor", "leader"),
                order=10,
            )
        )
