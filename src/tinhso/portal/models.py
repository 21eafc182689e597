"""The portal's search entry per dataset: the warehouse's metadata folded for search
(docs/decisions/0013), a cache rebuilt from the warehouse whenever it is stale; the
reviews of the published open-data list; and the datasets' usage counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
