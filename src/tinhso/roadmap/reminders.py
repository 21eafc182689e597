"""The reminder before a monthly progress report is due: `TINHSO_ROADMAP_REMINDER_DAYS`
days before a month ends, the staff of the owner agency of each task in progress that
has no report for the month yet hear of it by e-mail (Django's mail backends, as every
other message of the platform).

One reminder a task and month: the `ReminderNotice` row is claimed and the mail sent in
one transaction, so a mail that fails leaves nothing claimed and the next daily run tries
again, and a second run finds the row and sends nothing. Demo plans remind nobody."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from tinhso.core.actors import Actor
from tinhso.core.links import absolute
from tinhso.roadmap import actions
from tinhso.roadmap.models import ReminderNotice, Task
from tinhso.roadmap.monthly import last_day, tasks_without_report


def reminding(today: dt.date) -> bool:
    """Whether `today` is in the days before the month's end when reminders go out."""
    days = settings.TINHSO_ROADMAP_REMINDER_DAYS
    return days > 0 and today >= last_day(today) - dt.timedelta(days=days)


def addresses(task: Task) -> list[str]:
    from tinhso.agencies.models import User

    staff = User.objects.filter(agency=task.owner_id, is_active=True).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


def text(task: Task, month: dt.date) -> tuple[str, str]:
    with override(settings.LANGUAGE_CODE):
        due = last_day(month)
        subject = _("Progress report for %(month)s: %(task)s") % {
            "month": f"{month:%m/%Y}",
            "task": task.title,
        }
        body = "\n".join(
            [
                _("The task “%(task)s” of %(agency)s has no progress report for %(month)s yet.")
                % {"task": task.title, "agency": task.owner.name, "month": f"{month:%m/%Y}"},
                _("Please send it to the steering committee's secretariat by %(day)s.")
                % {"day": f"{due:%d/%m/%Y}"},
                "",
                _("Report on the task: %(link)s")
                % {"link": absolute(reverse("roadmap_task", args=[task.pk]))},
            ]
        )
        return subject, body


def send_reminders(actor: Actor, today: dt.date) -> tuple[int, int]:
    """Remind the owner agencies of this month's missing reports, when it is time;
    returns (tasks reminded, messages sent)."""
    if not reminding(today):
        return 0, 0
    month = actions.first_of_month(today)
    reminded = ReminderNotice.objects.filter(month=month).values("task_id")
    candidates = Task.objects.filter(is_demo=False, plan__is_demo=False).exclude(pk__in=reminded)
    tasks = sent = 0
    for task in tasks_without_report(candidates, month):
        to = addresses(task)
        if not to:
            continue
        with transaction.atomic():
            if actions.record_reminder(actor, task, month=month, recipients=len(to)) is None:
                continue
            subject, body = text(task, month)
            # One message each: staff of an agency need not see each other's addresses.
            for address in to:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        tasks += 1
        sent += len(to)
    return tasks, sent
