"""Datasets of the shared warehouse and their immutable versions (one Parquet file each)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Access(models.TextChoices):
    """The Law on Data's classes: open to anyone, shared between agencies, private to the
    owner."""

    OPEN = "open", _("Open")
    SHARED = "shared", _("Shared")
    PRIVATE = "private", _("Private")


class Importance(models.TextChoices):
    CORE = "core", _("Core")
    IMPORTANT = "important", _("Important")
    OTHER = "other", _("Other")


class Dataset(models.Model):
    """A table an agency keeps in the warehouse."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("owner agency"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    access = models.CharField(
        _("access"), max_length=8, choices=Access.choices, default=Access.PRIVATE
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.OTHER
    )
    # Agencies a shared dataset is shared with; none means every agency.
    shared_with = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("shared with"), blank=True, related_name="+"
    )
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> DatasetVersion | None:
        return self.versions.filter(status=VersionStatus.ACCEPTED).order_by("-number").first()


class VersionStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class DatasetVersion(models.Model):
    """One upload, never changed: accepted with its Parquet file, or rejected with the
    report that says why (the previous accepted version stays live)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=VersionStatus.choices)
    file = models.CharField(max_length=300, blank=True)  # relative to the data folder
    source_name = models.CharField(max_length=300)
    source_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20, blank=True)
    rows = models.BigIntegerField(default=0)
    schema = models.JSONField(default=list)  # [{"name": …, "type": …}]
    report = models.JSONField(default=dict)
    uploaded_by = models.CharField(max_length=200)
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="one_number_per_version")
        ]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"
