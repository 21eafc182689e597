"""Citizen reports (phản ánh kiến nghị), their timeline, photos, extension requests and
the labelled examples the classifier learns from."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tinhso.feedback.models.fields import Field


class Track(models.TextChoices):
    ORDINARY = "ordinary", _("Report or suggestion")
    COMPLAINT = "complaint", _("Formal complaint (khiếu nại)")
    DENUNCIATION = "denunciation", _("Denunciation (tố cáo)")


class Complexity(models.TextChoices):
    ORDINARY = "", _("Ordinary")
    COMPLEX = "complex", _("Complex (vụ việc phức tạp)")
    ESPECIALLY_COMPLEX = "especially_complex", _("Especially complex (đặc biệt phức tạp)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)


class Resolution(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")
    NOT_COMPETENT = "not_competent", _("Not within the agency's competence")
    DUPLICATE = "duplicate", _("Duplicate")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    HOTLINE = "hotline", _("Hotline")
    OPEN311 = "open311", _("Open311")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


# Every deadline falls after this. Open reports are selected with the range
# `open_deadline > EVER`, which both databases answer from the queue index; SQLite
# answers `open_deadline IS NOT NULL` by reading the whole table.
EVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class ReportQuerySet(models.QuerySet):
    def open(self) -> ReportQuerySet:
        """Reports still to be handled (received, accepted, assigned, in progress)."""
        return self.filter(open_deadline__gt=EVER)

    def overdue(self, now: dt.datetime) -> ReportQuerySet:
        """Open reports whose deadline has passed."""
        return self.filter(open_deadline__gt=EVER, open_deadline__lt=now)


def _citizen_key() -> str:

    return secrets.token_urlsafe(16)


class Report(models.Model):
    """One citizen report, from whichever channel it came, with its whole state."""

    # The reporter's private key and personal data never reach the audit log.
    sensitive_fields = ("citizen_key", "reporter_name", "reporter_phone", "reporter_email")

    # NULL until the row has its id (the code is built from it); unique among the rest.
    code = models.CharField(  # noqa: DJ001
        _("tracking code"), max_length=20, unique=True, null=True, editable=False
    )
    text = models.TextField(_("what happened"))
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    field_confirmed = models.BooleanField(_("field confirmed"), default=False)
    track = models.CharField(
        _("track"), max_length=14, choices=Track.choices, default=Track.ORDINARY
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )
    # Where it happened (public, without the reporter's own address).
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    location_approximate = models.BooleanField(default=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    # The reporter (never on public pages unless show_name).
    reporter_name = models.CharField(_("name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    reporter_email = models.EmailField(_("email"), blank=True)
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    # Handling.
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("responsible agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reports",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    # Statutory tracks count the decision's period from acceptance (thụ lý), and lengthen
    # it for complex cases and remote areas (feedback/calendar.py cites the articles).
    accepted_at = models.DateTimeField(_("accepted (thụ lý)"), null=True, blank=True)
    complexity = models.CharField(
        _("complexity"), max_length=20, choices=Complexity.choices, default="", blank=True
    )
    remote_area = models.BooleanField(_("remote or disadvantaged area"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    answer = models.TextField(_("public answer"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    # The secret in the citizen's own link: lets them rate or reopen (codes are guessable).
    citizen_key = models.CharField(max_length=32, default=_citizen_key, editable=False)
    # Delivery bookkeeping. NULL, not "", so that uniqueness only binds reports that have one.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=100, null=True, blank=True, unique=True
    )
    external_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    source_token_id = models.BigIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Kept by the database: the deadline while the report is open (received, accepted,
    # assigned, in progress), NULL once it is answered, closed or refused. The queues read
    # open reports in deadline order from one small index on it; a partial index on the
    # status list would do on PostgreSQL, but SQLite's planner cannot match one to a
    # query's bound parameters, and a boolean column is not searched through an index
    # either. An open report without a deadline sorts by when it was received.
    open_deadline = models.GeneratedField(
        expression=models.Case(
            models.When(
                status__in=OPEN_STATUSES,
                then=Coalesce(models.F("deadline"), models.F("received_at")),
            ),
            default=None,
            output_field=models.DateTimeField(),
        ),
        output_field=models.DateTimeField(),
        db_persist=True,
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["field", "status"]),
            models.Index(fields=["commune", "status"]),
            # The queues: open reports, earliest deadline first (province-wide, and per
            # agency).
            models.Index(fields=["open_deadline", "id"], name="report_queue"),
            models.Index(fields=["agency", "open_deadline"], name="report_agency_queue"),
            # The scorecards' rollups find what changed since their last refresh.
            models.Index(fields=["updated_at"], name="report_updated"),
            # The operations centre's on-time rate of recent answers, read from the index
            # alone (it holds every column that query filters on).
            models.Index(
                fields=["answered_at", "deadline", "status", "duplicate_of"],
                name="report_answered",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="unique_report_per_gateway_message"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# What each step of a timeline is called on the pages (the stored kind stays a code).
EVENT_LABELS = {
    "received": _("Received"),
    "processed": _("Proposed by the system"),
    "accepted": _("Accepted"),
    "assigned_to": _("Assigned to an officer"),
    "refused": _("Refused"),
    "transferred": _("Transferred"),
    "field_changed": _("Field changed"),
    "started": _("Being handled"),
    "answered": _("Answered"),
    "closed": _("Closed"),
    "reopened": _("Reopened"),
    "rated": _("Rated"),
    "merged": _("Merged as a duplicate"),
    "duplicate_added": _("Same problem reported again"),
    "extension_requested": _("More time asked"),
    "extension_rejected": _("Extension rejected"),
    "extended": _("Deadline extended"),
    "photo_hidden": _("Photo hidden"),
    "photo_shown": _("Photo shown"),
    "commented": _("Comment from the reporter"),
    "period_set": _("Statutory period set"),
}
# Who acted, for actors that are not a named person.
ACTOR_LABELS = {"citizen": _("citizen"), "system": _("system"), "anonymous": _("anonymous")}


class ReportEvent(models.Model):
    """One step in a report's timeline. `public` steps are shown to the citizen."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))

    @property
    def actor_display(self) -> str:
        return str(ACTOR_LABELS.get(self.actor_label, self.actor_label))


class LabelledExample(models.Model):
    """A report text with the field a person confirmed or corrected it to: the training
    data of the classifier."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="examples")
    proposed = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    labelled_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("labelled example")
        verbose_name_plural = _("labelled examples")

    def __str__(self) -> str:
        return f"{self.field}: {self.text[:40]}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ExtensionRequest(models.Model):
    """A handler's request for more time; a supervisor approves (the deadline moves) or
    rejects it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.report} +{self.working_days}"


def _photo_name(kind: str, instance, filename: str) -> str:
    # A random name: the file's URL must not be guessable from the report's number.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "jpg"
    return f"feedback/{kind}/{instance.report_id}/{uuid.uuid4().hex}.{extension}"


def original_photo_path(instance, filename: str) -> str:
    return _photo_name("original", instance, filename)


def public_photo_path(instance, filename: str) -> str:
    return _photo_name("public", instance, filename)


class ReportPhoto(models.Model):
    """A photo sent with a report. The original (with its metadata) is for staff only;
    the public copy is re-encoded, resized and carries no EXIF data (no GPS position,
    no camera serial)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to=original_photo_path)
    public = models.FileField(upload_to=public_photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    hidden = models.BooleanField(_("hidden from the public"), default=False)
    # Sent with the agency's answer (the work done), not by the reporter.
    by_agency = models.BooleanField(_("sent with the answer"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.report} photo {self.pk}"


def document_path(instance, filename: str) -> str:
    return f"feedback/documents/{instance.report_id}/{uuid.uuid4().hex}.pdf"


class AnswerDocument(models.Model):
    """A PDF sent with the agency's answer (the signed reply letter, an inspection record).
    It is public with the answer; the file name shown is the one staff gave, cleaned."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_path)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("answer document")
        verbose_name_plural = _("answer documents")

    def __str__(self) -> str:
        return self.name
