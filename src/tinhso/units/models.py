"""Administrative units: the 34 provinces and 3,321 communes in force since 1 July 2025,
the 63 provinces, districts and wards before the reform, and the old → new mapping."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvinceKind(models.TextChoices):
    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho", _("Centrally run city")


class CommuneKind(models.TextChoices):
    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")


class Province(models.Model):
    """A province or centrally run city since 1 July 2025."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ProvinceKind.choices)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    search_key = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) since 1 July 2025."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=CommuneKind.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="communes"
    )
    lat = models.FloatField(_("latitude of centroid"), null=True, blank=True)
    lon = models.FloatField(_("longitude of centroid"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    search_key = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    keys = models.JSONField(default=list, editable=False)
    new_province = models.ForeignKey(
        Province,
        verbose_name=_("became part of"),
        on_delete=models.PROTECT,
        related_name="legacy_provinces",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province before 2025")
        verbose_name_plural = _("provinces before 2025")

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    """A district-level unit before 1 July 2025 (the level no longer exists)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    province = models.ForeignKey(LegacyProvince, on_delete=models.PROTECT, related_name="districts")
    keys = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district before 2025")
        verbose_name_plural = _("districts before 2025")

    def __str__(self) -> str:
        return self.name


class LegacyWard(models.Model):
    """A commune-level unit before 1 July 2025."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)
    district = models.ForeignKey(LegacyDistrict, on_delete=models.PROTECT, related_name="wards")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    keys = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ward before 2025")
        verbose_name_plural = _("wards before 2025")

    def __str__(self) -> str:
        return self.name


class UnitConversion(models.Model):
    """Old ward (or a ward-less island district) → new commune. A ward split between
    several new communes has one row per commune; `is_default` marks the commune that
    receives most of it."""

    district = models.ForeignKey(LegacyDistrict, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(
        LegacyWard, null=True, blank=True, on_delete=models.CASCADE, related_name="conversions"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="predecessors")
    is_split = models.BooleanField(default=False)
    is_default = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("old → new conversion")
        verbose_name_plural = _("old → new conversions")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "ward", "commune"], name="unique_unit_conversion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward or self.district} → {self.commune}"


class ReferenceDataLoad(models.Model):
    """A load of the unit tables from their data package: which package, which version,
    how many rows."""

    source = models.CharField(max_length=100)
    version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("reference data load")
        verbose_name_plural = _("reference data loads")

    def __str__(self) -> str:
        return f"{self.source} {self.version} ({self.loaded_at:%Y-%m-%d})"


class BoundaryUpload(models.Model):
    """A file of commune boundaries uploaded by an administrator, with its matching
    report."""

    file_name = models.CharField(_("file"), max_length=255)
    source_crs = models.CharField(_("coordinate system"), max_length=40)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by_id = models.BigIntegerField(null=True, blank=True)
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("boundary upload")
        verbose_name_plural = _("boundary uploads")

    def __str__(self) -> str:
        return self.file_name


class CommuneBoundary(models.Model):
    """The surveyed boundary of a commune, as a GeoJSON geometry in WGS84."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="boundary")
    geometry = models.JSONField()
    upload = models.ForeignKey(BoundaryUpload, on_delete=models.PROTECT, related_name="boundaries")

    class Meta:
        verbose_name = _("commune boundary")
        verbose_name_plural = _("commune boundaries")

    def __str__(self) -> str:
        return str(self.commune)
