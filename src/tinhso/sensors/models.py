"""Devices, the readings they send (one row per property), and the hourly and daily
roll-ups of those readings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    AIR_QUALITY = "air_quality", _("Air quality")
    WATER_LEVEL = "water_level", _("Water level / flood")
    RAINFALL = "rainfall", _("Rainfall")
    TRAFFIC_FLOW = "traffic_flow", _("Traffic flow")
    NOISE = "noise", _("Noise")


class Device(models.Model):
    """A station or sensor that sends readings: where it stands, who owns it, how often it
    should speak. Its token is kept only as a hash; the raw token is shown once, when the
    device is registered (actions.register_device)."""

    device_id = models.CharField(_("device id"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=DeviceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    commune = models.ForeignKey(
        "units.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("owner agency"),
        on_delete=models.PROTECT,
        related_name="devices",
    )
    contact = models.CharField(_("owner contact"), max_length=200, blank=True)
    expected_interval = models.PositiveIntegerField(_("expected interval (seconds)"), default=3600)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    token_hash = models.CharField(_("device token"), max_length=64, blank=True)
    refused_count = models.PositiveIntegerField(_("refused payloads"), default=0)
    last_refusal = models.CharField(_("last refusal"), max_length=300, blank=True)
    last_refused_at = models.DateTimeField(_("last refused at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    sensitive_fields = ("token_hash",)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["device_id"]

    def __str__(self) -> str:
        return f"{self.device_id} — {self.name}"


class Observation(models.Model):
    """One measured property of one reading. A reading (a payload) is stored whole in one
    transaction; the unique key makes a replayed payload change nothing.

    On PostgreSQL the table differs from what this model (and Django's migration state)
    says: migration 0002 makes it PARTITION BY RANGE (observed_at), one partition per
    local month and a DEFAULT one (`partitions.py`), and PostgreSQL then requires
    observed_at in every unique key, so the primary key is (id, observed_at). `id` stays
    unique in practice (one identity sequence feeds every partition) and every query the
    platform makes reads the same. On SQLite the table is as the model says.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="observations")
    observed_at = models.DateTimeField(_("observed at"))
    property = models.CharField(_("property"), max_length=40)
    value = models.FloatField(_("value"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "observed_at", "property"], name="sensors_one_value_per_time"
            )
        ]
        # The unique key's index serves reads by device and time; these serve series by
        # property and the roll-up's scan of what arrived since its last run.
        indexes = [
            models.Index(fields=["device", "property", "observed_at"]),
            models.Index(fields=["received_at"], name="sensors_obs_received"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.property}={self.value} @ {self.observed_at:%Y-%m-%d %H:%M}"


class Period(models.TextChoices):
    HOUR = "hour", _("hour")
    DAY = "day", _("day")


class Rollup(models.Model):
    """Minimum, maximum, mean and count of one property of one device over one hour or one
    local day (Asia/Ho_Chi_Minh), kept after the raw rows are deleted."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="rollups")
    property = models.CharField(_("property"), max_length=40)
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    start = models.DateTimeField(_("start"))
    minimum = models.FloatField(_("minimum"))
    maximum = models.FloatField(_("maximum"))
    mean = models.FloatField(_("mean"))
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("roll-up")
        verbose_name_plural = _("roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "property", "period", "start"], name="sensors_one_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.property} {self.period} {self.start:%Y-%m-%d %H:%M}"


class RollupCursor(models.Model):
    """How far the roll-up has read: observations received up to `read_until` are folded
    in. One row. The next run reads again from a few minutes earlier, because a reading
    committed late may carry an earlier receipt time; folding a bucket twice is harmless,
    since each bucket is recomputed from the raw rows."""

    read_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("roll-up cursor")

    def __str__(self) -> str:
        return f"read until {self.read_until}"


class ArchivedMonth(models.Model):
    """A closed local month of raw readings written to the warehouse as Parquet
    (`archive.py`): how many rows, the file's checksum and the warehouse version holding
    it. Raw rows of a month are deleted only when its archive holds as many rows as the
    database (`actions.purge_raw`); a month that gained late readings is archived again."""

    month = models.DateField(_("month"), unique=True)  # its first day
    rows = models.BigIntegerField(_("rows"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    location = models.CharField(_("warehouse version"), max_length=200)
    archived_at = models.DateTimeField(_("archived at"))

    class Meta:
        verbose_name = _("archived month")
        verbose_name_plural = _("archived months")
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.rows} rows in {self.location}"
