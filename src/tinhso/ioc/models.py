"""Indicators of the province, their targets and computed values; values entered by hand
with their evidence; alert rules and the alerts they raise."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    PUBLIC_SERVICES = "public-services", _("Public services")
    FEEDBACK = "feedback", _("Feedback 1022")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    ENVIRONMENT = "environment", _("Environment")
    TRAFFIC = "traffic", _("Traffic")
    INFORMATION_SECURITY = "information-security", _("Information security")
    PUBLIC_ORDER = "public-order", _("Public order")
    DIGITAL = "digital", _("Digital economy and society")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Period(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class SourceKind(models.TextChoices):
    SQL = "sql", _("SQL over warehouse datasets")
    FEEDBACK = "feedback", _("Feedback hub")
    MANUAL = "manual", _("Entered by an agency")
    SENSORS = "sensors", _("Sensors")
    SERVICES_766 = "services766", _("Public-service index (766/QĐ-TTg)")


class Status(models.TextChoices):
    GOOD = "good", _("Good")
    WATCH = "watch", _("Watch")
    BAD = "bad", _("Bad")
    NONE = "none", _("No threshold")


class Indicator(models.Model):
    """A figure the province follows: how it is computed (its source), which way is
    better, the boundaries of good and bad, who owns it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    # Good from `good` on (or down, when lower is better); bad from `bad`; watch between.
    good = models.FloatField(_("good from"), null=True, blank=True)
    bad = models.FloatField(_("bad from"), null=True, blank=True)
    owner = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("owner agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    method = models.TextField(_("method"), blank=True)
    source_text = models.TextField(_("source"), blank=True)
    source_kind = models.CharField(_("source kind"), max_length=12, choices=SourceKind.choices)
    source_config = models.JSONField(_("source configuration"), default=dict, blank=True)
    key = models.BooleanField(_("on the leader's overview"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sector", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name_vi

    @property
    def name(self) -> str:
        """The name in the page's language (Vietnamese unless English is chosen)."""
        english = get_language() == "en" and self.name_en
        return self.name_en if english else self.name_vi

    def status(self, value: float | None) -> str:
        """Good, watch or bad for `value` by the thresholds."""
        if value is None or (self.good is None and self.bad is None):
            return Status.NONE
        higher = self.direction == Direction.HIGHER
        if self.good is not None and (value >= self.good if higher else value <= self.good):
            return Status.GOOD
        if self.bad is not None and (value <= self.bad if higher else value >= self.bad):
            return Status.BAD
        return Status.WATCH


class Target(models.Model):
    """A value to reach by a deadline (e.g. 70 % of households with fibre by 2025), from
    a baseline, so the path to it can be followed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    value = models.FloatField(_("target value"))
    deadline = models.DateField(_("deadline"))
    baseline = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    note = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.value} ({self.deadline})"

    def expected(self, on: dt.date) -> float | None:
        """Where the indicator should be on `on` if it moves in a straight line from its
        baseline to the target."""
        if self.baseline is None or self.baseline_date is None:
            return None
        span = (self.deadline - self.baseline_date).days
        if span <= 0 or on >= self.deadline:
            return self.value
        done = max(0, (on - self.baseline_date).days) / span
        return self.baseline + (self.value - self.baseline) * done


class IndicatorValue(models.Model):
    """The value of an indicator for one period, for the province (no commune) or one
    commune, with where it came from. Each period keeps its own row: the history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateTimeField(_("period start"))
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.FloatField(_("value"))
    computed_at = models.DateTimeField(_("computed"))
    provenance = models.JSONField(_("provenance"), default=dict)

    class Meta:
        ordering = ["indicator", "-period_start"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [models.Index(fields=["indicator", "commune", "period_start"])]
        # A commune-less row is the province's: two partial constraints, because NULLs
        # never collide in a plain unique constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "commune"],
                condition=Q(commune__isnull=False),
                name="ioc_value_per_commune",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                condition=Q(commune__isnull=True),
                name="ioc_value_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start:%Y-%m-%d} {self.value}"

    @property
    def status(self) -> str:
        return self.indicator.status(self.value)

    @property
    def status_label(self) -> str:
        return Status(self.status).label


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def evidence_path(instance, filename: str) -> str:
    return f"ioc/evidence/{instance.indicator_id}/{filename}"


class ManualEntry(models.Model):
    """A value an agency enters by hand with its evidence; it counts once a supervisor
    approves it."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="manual_entries"
    )
    period_start = models.DateTimeField(_("period start"))
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.FloatField(_("value"))
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        max_length=8, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-entered_at"]
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start:%Y-%m-%d} {self.value}"


class AlertKind(models.TextChoices):
    THRESHOLD = "threshold", _("Indicator crosses its threshold")
    TRAJECTORY = "trajectory", _("Indicator off its target's path")
    FEEDBACK_SPIKE = "feedback_spike", _("Spike of reports in a commune")
    OVERDUE = "overdue", _("Too many overdue reports")
    SENSOR_THRESHOLD = "sensor_threshold", _("Sensor reading beyond a value for a while")
    SENSOR_RISE = "sensor_rise", _("Sensor reading rising fast")
    SENSOR_OFFLINE = "sensor_offline", _("Sensor gone quiet")


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class NotifyOnOpen(models.TextChoices):
    CRITICAL = "critical", _("When the rule is critical")
    ALWAYS = "always", _("Always")
    NEVER = "never", _("Never (only when escalated)")


class AlertRule(models.Model):
    """When to raise an alert, how serious it is, what to do (the SOP) and whom to tell
    when nobody acknowledges it in time."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    # Kind-specific, checked by alerts.validate: {"factor": 3, "min_reports": 5} for spikes,
    # {"limit": 20} for overdue, {"tolerance": 5} (points) for trajectories, {"device_type":
    # "water_level", "property": "waterLevel", "rise": 0.5, "minutes": 60} for a rise…
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING
    )
    sop = models.TextField(_("what to do (SOP)"), blank=True)
    escalate_after_minutes = models.PositiveIntegerField(_("escalate after (minutes)"), default=30)
    escalate_to_role = models.CharField(_("escalate to role"), max_length=20, default="leader")
    notify_on_open = models.CharField(
        _("tell the role when an alert opens"),
        max_length=8,
        choices=NotifyOnOpen.choices,
        default=NotifyOnOpen.CRITICAL,
        help_text=_("Escalation always tells the role; this tells it as soon as an alert opens."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from tinhso.ioc.alerts import RuleError, validate

        try:
            validate(self.kind, self.params or {}, self.indicator, self.escalate_to_role)
        except RuleError as exc:
            raise ValidationError({exc.field: exc.message}) from exc

    @property
    def notifies_on_open(self) -> bool:
        if self.notify_on_open == NotifyOnOpen.ALWAYS:
            return True
        return self.notify_on_open == NotifyOnOpen.CRITICAL and self.severity == Severity.CRITICAL


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


LIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


class Alert(models.Model):
    """One occurrence of a rule at a place (a commune, or the province), with its
    evidence; open → acknowledged → resolved, each step with who and when."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    commune = models.ForeignKey(
        "units.Commune", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    severity = models.CharField(max_length=8, choices=Severity.choices)
    title = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=AlertState.choices, default=AlertState.OPEN)
    opened_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=200, blank=True)
    resolution = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["state", "opened_at"])]
        # One live alert per rule and place.
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "commune"],
                condition=Q(commune__isnull=False, state__in=LIVE_STATES),
                name="ioc_one_live_alert_per_commune",
            ),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(commune__isnull=True, state__in=LIVE_STATES),
                name="ioc_one_live_alert_province",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None


class NoticeReason(models.TextChoices):
    OPENED = "opened", _("Alert opened")
    ESCALATED = "escalated", _("Alert escalated")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class AlertNotice(models.Model):
    """A message telling a member of staff of an alert (opened, or escalated to their
    role), by e-mail or SMS: one row per person, channel and reason, so a repeated event
    tells nobody twice. Sent by a task and retried with back-off; the address is kept
    here, never in the audit log."""

    sensitive_fields = ("recipient",)  # a person's e-mail address or phone number

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=NoticeReason.choices)
    role = models.CharField(_("role"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert notice")
        verbose_name_plural = _("alert notices")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "user", "channel", "reason"], name="ioc_one_notice_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.reason} {self.channel} → {self.user_id}"


# --- scheduled reports ------------------------------------------------------------------

LEADER_SCOPE = "leader"


def report_scopes() -> list[tuple[str, str]]:
    """The leader's report (every key indicator, alerts, feedback, air) or one sector's."""
    return [(LEADER_SCOPE, _("The leader: key indicators, alerts, feedback, air"))] + list(
        Sector.choices
    )


class ReportFrequency(models.TextChoices):
    WEEK = "week", _("Weekly (Monday to Sunday)")
    MONTH = "month", _("Monthly")


class ReportSubscription(models.Model):
    """Who receives a scope's weekly or monthly report by e-mail (edited in the admin)."""

    name = models.CharField(_("name"), max_length=200)
    scope = models.CharField(_("scope"), max_length=24, choices=report_scopes)
    frequency = models.CharField(_("frequency"), max_length=8, choices=ReportFrequency.choices)
    recipients = models.TextField(
        _("e-mail addresses"), help_text=_("One address per line, or separated by commas.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "frequency", "name"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return self.name

    @property
    def addresses(self) -> list[str]:
        text = self.recipients.replace(",", "\n").replace(";", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        wrong = []
        for address in self.addresses:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong or not self.addresses:
            raise ValidationError(
                {
                    "recipients": _("Not an e-mail address: %(wrong)s")
                    % {"wrong": ", ".join(wrong) or "—"}
                }
            )


def report_file_path(instance, filename: str) -> str:
    return f"ioc/reports/{instance.frequency}/{instance.period_start:%Y-%m-%d}/{filename}"


class ArchivedReport(models.Model):
    """A report generated for one scope and period, its PDF and XLSX kept in the data
    folder. One per scope and period: generating it again replaces its files."""

    scope = models.CharField(_("scope"), max_length=24, choices=report_scopes)
    frequency = models.CharField(_("frequency"), max_length=8, choices=ReportFrequency.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.CharField(_("generated by"), max_length=200)
    pdf = models.FileField(upload_to=report_file_path, max_length=200)
    xlsx = models.FileField(upload_to=report_file_path, max_length=200)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period_start", "frequency", "scope"]
        verbose_name = _("archived report")
        verbose_name_plural = _("archived reports")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "frequency", "period_start"], name="ioc_one_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.frequency} {self.period_start:%Y-%m-%d}"

    @property
    def scope_label(self) -> str:
        return dict(report_scopes()).get(self.scope, self.scope)


class ReportDelivery(models.Model):
    """An archived report e-mailed to a subscription's list: sent once."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    report = models.ForeignKey(ArchivedReport, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField()
    recipients = models.TextField()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "report"], name="ioc_send_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.subscription}"
