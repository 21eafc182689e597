"""A plan (kế hoạch) of tasks, each owned by an agency, and the monthly progress reports
the agencies send to the steering committee's secretariat."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Plan(models.Model):
    """A plan of the steering committee over a period, e.g. 2025–2030."""

    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.name


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("task status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
    DONE = "done", pgettext_lazy("task status", "Done")
    PAUSED = "paused", pgettext_lazy("task status", "Paused")


class TaskQuerySet(models.QuerySet):
    def overdue(self, today: dt.date) -> TaskQuerySet:
        """Tasks whose due day has passed and which are not done."""
        return self.filter(due__lt=today).exclude(status=TaskStatus.DONE)


class Task(models.Model):
    """One task of a plan: what, who (the owner agency and those co-operating), where (the
    communes concerned), when, how much, and the IOC indicators it should move."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=300)
    goal = models.TextField(_("goal"), blank=True)
    owner = models.ForeignKey(
        "agencies.Agency",
        verbose_name=pgettext_lazy("roadmap", "owner agency"),
        on_delete=models.PROTECT,
        related_name="roadmap_tasks",
    )
    co_agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("co-operating agencies"),
        blank=True,
        related_name="roadmap_shared_tasks",
    )
    communes = models.ManyToManyField(
        "units.Commune", verbose_name=_("communes"), blank=True, related_name="roadmap_tasks"
    )
    start = models.DateField(pgettext_lazy("roadmap", "start"))
    due = models.DateField(pgettext_lazy("roadmap", "due"))
    budget = models.DecimalField(
        _("budget (VND)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    indicators = models.ManyToManyField(
        "ioc.Indicator", verbose_name=_("indicators"), blank=True, related_name="roadmap_tasks"
    )
    main_indices = models.ManyToManyField(
        "dti.MainIndex",
        verbose_name=_("DTI main indices"),
        blank=True,
        related_name="roadmap_tasks",
        help_text=_("The main indices of the DTI this task should move."),
    )
    evidence_text = models.CharField(_("evidence of completion"), max_length=300, blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = pgettext_lazy("roadmap", "task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="roadmap_task_progress_le_100"
            ),
            models.CheckConstraint(
                condition=models.Q(due__gte=models.F("start")), name="roadmap_task_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.due < today and self.status != TaskStatus.DONE


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ProgressReport(models.Model):
    """An agency's report of a task's progress for one month; the task's progress follows
    it once the secretariat approves it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("what was done"))
    evidence_link = models.URLField(_("evidence link"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-month", "-submitted_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            # A returned report may be sent again; otherwise one report a task and month.
            models.UniqueConstraint(
                fields=["task", "month"],
                condition=~models.Q(state="returned"),
                name="roadmap_one_live_report_a_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.month:%m/%Y} {self.progress}%"


class ReminderNotice(models.Model):
    """That the owner agency was reminded of a task's progress report for a month: one
    reminder a task and month, whatever number of runs of the daily job."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    month = models.DateField(_("month"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-month", "task"]
        verbose_name = _("progress report reminder")
        verbose_name_plural = _("progress report reminders")
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="roadmap_one_reminder_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.month:%m/%Y}"
