"""The portal's search entry per dataset: the warehouse's metadata folded for search
(docs/decisions/0013), a cache rebuilt from the warehouse whenever it is stale; the
reviews of the published open-data list; the datasets' usage counts; and what the public
sends: reuses of datasets and requests for new ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SearchEntry(models.Model):
    """One dataset as package_search reads it: accent-folded text, and the terms of its
    facets between bars (`|educ|envi|`) so a LIKE finds one exactly on any database."""

    dataset = models.OneToOneField(
        "warehouse.Dataset", on_delete=models.CASCADE, related_name="search_entry"
    )
    uuid = models.CharField(max_length=36, unique=True)
    # The dataset's updated_at and current version it was built from: stale when either moves.
    built_from = models.CharField(max_length=80)
    text = models.TextField()  # title, description, tags, themes, columns: folded
    title = models.CharField(max_length=200)  # folded, for the score
    title_sort = models.CharField(max_length=200)  # lower-case, for `title_string asc`
    tags = models.TextField()  # |tag|tag|, as written
    groups = models.CharField(max_length=200)  # |educ|envi|
    formats = models.CharField(max_length=100)  # |csv|xlsx|json|parquet|
    resources = models.TextField()  # |uuid|uuid|: the resource ids of its formats
    modified = models.DateTimeField(db_index=True)
    # Copied from the dataset, so that a search scans this table alone and never reads the
    # datasets' wide rows (docs/performance.md: half the time of a broad search).
    access = models.CharField(max_length=10, default="")
    owner_pk = models.IntegerField(default=0)
    licence = models.CharField(max_length=40, default="")

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.uuid


class ListReview(models.Model):
    """A review of the published open-data list (Decree 47/2020: every six months): when,
    and who recorded it."""

    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.CharField(_("reviewer"), max_length=200)  # kept if the account goes
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("open-data list review")
        verbose_name_plural = _("open-data list reviews")

    def __str__(self) -> str:
        return f"{self.reviewed_on.isoformat()} · {self.reviewer}"


class Usage(models.Model):
    """How often a dataset is used in a month: page views, downloads and API calls —
    counted, never who."""

    dataset = models.ForeignKey("warehouse.Dataset", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "month"], name="one_usage_per_month")
        ]
        verbose_name = _("usage count")
        verbose_name_plural = _("usage counts")

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.month:%Y-%m}"


class ReuseKind(models.TextChoices):
    APP = "app", _("Application")
    ARTICLE = "article", _("Article")
    VISUALISATION = "visualisation", _("Visualisation")
    OTHER = "other", _("Other")


class ReuseState(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", pgettext_lazy("reuse state", "Published")
    REJECTED = "rejected", _("Rejected")


class Reuse(models.Model):
    """An app, article or visualisation made with open datasets (uData's reuses): sent by
    anyone without signing in, shown on the datasets' pages once a data steward of an
    owner agency publishes it. The submitter's name and e-mail are for the steward alone:
    never on a page, never in the audit log."""

    datasets = models.ManyToManyField(
        "warehouse.Dataset", related_name="reuses", verbose_name=_("datasets")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ReuseKind.choices)
    url = models.URLField(_("address"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=150)
    submitter_email = models.EmailField(_("submitter's e-mail"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReuseState.choices, default=ReuseState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("moderation note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Personal data: left out of every audit snapshot (`actions._audited`).
    PERSONAL = ("submitter_name", "submitter_email")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reuse")
        verbose_name_plural = _("reuses")

    def __str__(self) -> str:
        return self.title


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")


class DataRequest(models.Model):
    """A dataset someone asks the province to publish (yêu cầu dữ liệu): sent without
    signing in, answered publicly by the data stewards of the agency it names (by the
    administrators when it names none). A declined request (spam, abuse) leaves the public
    pages; the submitter's name and e-mail never reach them nor the audit log."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitter_name = models.CharField(_("submitter's name"), max_length=150)
    submitter_email = models.EmailField(_("submitter's e-mail"))
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dataset = models.ForeignKey(
        "warehouse.Dataset",
        verbose_name=_("dataset that answers it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL = ("submitter_name", "submitter_email")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dataset request")
        verbose_name_plural = _("dataset requests")

    def __str__(self) -> str:
        return self.title
