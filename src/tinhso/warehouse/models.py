"""Datasets of the shared warehouse and their immutable versions (one Parquet file each)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Access(models.TextChoices):
    """The Law on Data's classes: open to anyone, shared between agencies, private to the
    owner."""

    OPEN = "open", pgettext_lazy("data access", "Open")
    SHARED = "shared", pgettext_lazy("data access", "Shared")
    PRIVATE = "private", pgettext_lazy("data access", "Private")


class Importance(models.TextChoices):
    CORE = "core", _("Core")
    IMPORTANT = "important", _("Important")
    OTHER = "other", _("Other")


class Theme(models.TextChoices):
    """The data themes of DCAT-AP (the EU vocabulary the national portals follow)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Licence(models.TextChoices):
    DECREE_47 = "nd47-2020", _("Open data terms of Decree 47/2020/NĐ-CP (cite the source)")
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0")
    CC0 = "cc0-1.0", _("Creative Commons Zero (public domain)")
    ODC_BY = "odc-by-1.0", _("Open Data Commons Attribution 1.0")
    ODBL = "odbl-1.0", _("Open Data Commons Open Database Licence 1.0")
    INTERNAL = "internal", _("State agencies only (not open data)")


OPEN_LICENCES = {Licence.DECREE_47, Licence.CC_BY, Licence.CC0, Licence.ODC_BY, Licence.ODBL}


class Frequency(models.TextChoices):
    """DCAT update frequencies; the days are the grace a dataset gets before it is late."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    BIANNUAL = "biannual", _("Every six months")
    ANNUAL = "annual", _("Yearly")
    IRREGULAR = "irregular", _("Irregularly")
    NEVER = "never", _("Not updated (historical)")
    UNKNOWN = "", _("Not set")


FREQUENCY_DAYS = {
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 7,
    Frequency.MONTHLY: 31,
    Frequency.QUARTERLY: 92,
    Frequency.BIANNUAL: 183,
    Frequency.ANNUAL: 366,
}


class Spatial(models.TextChoices):
    PROVINCE = "province", _("The whole province")
    COMMUNES = "communes", _("Some communes")
    UNKNOWN = "", _("Not set")


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
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.DECREE_47
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    frequency = models.CharField(
        _("update frequency"), max_length=10, choices=Frequency.choices, blank=True, default=""
    )
    spatial = models.CharField(
        _("spatial coverage"), max_length=10, choices=Spatial.choices, blank=True, default=""
    )
    communes = models.ManyToManyField(
        "units.Commune", verbose_name=_("communes covered"), blank=True, related_name="+"
    )
    temporal_start = models.DateField(_("covers from"), null=True, blank=True)
    temporal_end = models.DateField(_("covers until"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The steward's Frictionless Table Schema; empty: each version's inferred schema.
    table_schema = models.JSONField(_("table schema"), default=dict, blank=True)
    # Pulled on the update frequency's rhythm when set (daily at most).
    source_url = models.URLField(_("pull from URL"), max_length=500, blank=True)
    pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    pull_status = models.CharField(_("last pull"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        # The portal asks for the latest change before each search (portal/index.py).
        indexes = [models.Index(fields=["updated_at"], name="dataset_updated_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_labels(self) -> list[str]:
        """The themes by name ("Giáo dục, văn hóa và thể thao"), never by code ("EDUC")."""
        labels = dict(Theme.choices)
        return [str(labels.get(code, code)) for code in self.themes]

    @cached_property
    def current(self) -> DatasetVersion | None:
        """The newest accepted version (kept on the instance; adding a version resets it)."""
        return self.versions.filter(status=VersionStatus.ACCEPTED).order_by("-number").first()

    def live_versions(self) -> list[DatasetVersion]:
        """The versions that make the table: the current one, or — for a table kept in
        parts (each version one part, e.g. one month of sensor readings) — the newest
        accepted version of every part."""
        current = self.current
        if current is None or not current.part:
            return [current] if current is not None else []
        newest: dict[str, DatasetVersion] = {}
        for version in self.versions.filter(status=VersionStatus.ACCEPTED).order_by("number"):
            newest[version.part] = version
        return [newest[part] for part in sorted(newest)]


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
    # For a table kept in parts: the part this version holds or replaces, as a Hive
    # partition ("month=2026-10"); empty for a version that is the whole table.
    part = models.CharField(max_length=60, blank=True)
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

    @property
    def path(self) -> Path:
        """The accepted version's Parquet file."""
        return Path(settings.DATA_DIR) / self.file


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Reading")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IngestJob(models.Model):
    """A file uploaded through the web, read by the task worker: its progress is shown
    to the steward while it runs, and it ends in a version (accepted or rejected)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="jobs")
    staged = models.CharField(max_length=300)  # relative to the data folder; removed after
    source_name = models.CharField(max_length=300)
    size = models.BigIntegerField(default=0)
    append = models.BooleanField(default=False)
    sheet = models.CharField(max_length=100, blank=True)
    accept_schema_change = models.BooleanField(default=False)
    encoding = models.CharField(max_length=10, blank=True)  # chosen by the steward
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0)  # 0–100, as DuckDB reports it
    message = models.CharField(max_length=500, blank=True)
    version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.dataset.slug}: {self.source_name}"


def attach_current(datasets: list[Dataset]) -> list[Dataset]:
    """Fill each dataset's `current` with one query for the whole list, not one per
    dataset (catalogues, the datasets API)."""
    newest = (
        DatasetVersion.objects.filter(dataset=OuterRef("pk"), status=VersionStatus.ACCEPTED)
        .order_by("-number")
        .values("pk")[:1]
    )
    ids = [d.pk for d in datasets]
    current = dict(
        Dataset.objects.filter(pk__in=ids)
        .annotate(current=Subquery(newest))
        .values_list("pk", "current")
    )
    versions = DatasetVersion.objects.in_bulk([v for v in current.values() if v is not None])
    for dataset in datasets:
        dataset.__dict__["current"] = versions.get(current.get(dataset.pk))
    return datasets
